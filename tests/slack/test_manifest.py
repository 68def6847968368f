"""The Slack app manifest grants exactly what the bot uses, so an admin creates the app in one paste."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.slack.manifest import BadManifestUrl, manifest
from scenarios.loader import ScenarioLibrary
from tests.slack.conftest import SlackWorld, make_world

# The bot scope each Web API method (or event) needs, from Slack's method reference.
SCOPES = {
    "auth.test": set(), "views.publish": set(), "views.open": set(), "apps.connections.open": set(),
    "chat.postMessage": {"chat:write"}, "chat.postEphemeral": {"chat:write"},
    "conversations.open": {"im:write"}, "users.info": {"users:read"},
    "files.getUploadURLExternal": {"files:write"}, "files.completeUploadExternal": {"files:write"},
    "files.download": {"files:read"}, "upload": set(),
}


@pytest.fixture
def speaking(fresh_sqlite: str, library: ScenarioLibrary) -> Iterator[SlackWorld]:
    from bot.voice.pipeline import default_pipeline

    world = make_world(fresh_sqlite, library=library, migrate=False, voice_replies=True, speech=default_pipeline())
    yield world
    world.close()


def test_the_manifest_grants_every_scope_a_whole_session_uses(speaking: SlackWorld) -> None:
    world, rep = speaking, "U0DANA"
    thread = world.start(rep)
    world.say(rep, thread, "What made you start looking at this now?")
    world.say(rep, thread, "done")
    world.sender.event({"type": "app_home_opened", "user": rep, "tab": "home", "channel": world.dm(rep)})
    world.fake.wait_for(lambda: world.fake.calls_of("views.publish"))
    used = {c.method for c in world.fake.calls}
    assert {"chat.postMessage", "files.completeUploadExternal", "users.info", "conversations.open"} <= used
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    needed = set().union(*(SCOPES[m] for m in used if m in SCOPES)) | {"commands", "im:history",
                                                                     "chat:write.customize"}
    assert needed <= granted
    assert used <= set(SCOPES), f"add the scope of {used - set(SCOPES)} to SCOPES and the manifest"


def test_the_manifest_subscribes_to_the_events_and_commands_the_bot_handles() -> None:
    m = manifest("https://coach.acme.io")
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {"message.im", "app_home_opened", "app_mention",
                                                                       "app_uninstalled", "tokens_revoked"}
    assert {c["command"] for c in m["features"]["slash_commands"]} == {"/practice", "/rehearse"}
    home = m["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]
    urls = {m["settings"]["event_subscriptions"]["request_url"], m["settings"]["interactivity"]["request_url"],
            *(c["url"] for c in m["features"]["slash_commands"])}
    assert urls == {"https://coach.acme.io/slack/events"}


def test_a_socket_mode_manifest_needs_no_public_url() -> None:
    m = manifest(socket_mode=True)
    assert m["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in m["settings"]["event_subscriptions"]
    assert all("url" not in c for c in m["features"]["slash_commands"])


def test_a_plain_http_url_is_refused_with_the_reason() -> None:
    with pytest.raises(BadManifestUrl, match="https://"):
        manifest("http://coach.acme.io")


def test_a_manifest_with_a_url_can_be_installed_in_many_workspaces() -> None:
    m = manifest("https://coach.acme.io/slack/events")
    assert m["oauth_config"]["redirect_urls"] == ["https://coach.acme.io/slack/oauth_redirect"]
    assert {"app_uninstalled", "tokens_revoked"} <= set(m["settings"]["event_subscriptions"]["bot_events"])
    assert "redirect_urls" not in manifest(socket_mode=True)["oauth_config"]
