"""Rehearse installed in many Slack workspaces through "Add to Slack" (issue #22), end to end.

The real Bolt app under waitress, signed requests, and the fake Slack Web API,
which hosts several workspaces and refuses (and counts) any call made with one
workspace's token about another workspace's people. Each test runs on SQLite
and, with REHEARSE_TEST_PG=1, on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.scheduling.cadences import CadenceService
from bot.scheduling.pushes import PushPolicy, PushService
from scenarios.loader import ScenarioLibrary
from storage.repos.pushes import NewPush
from tests.fakes.slack_api import CLIENT_ID, CLIENT_SECRET, FakeSlack
from tests.fakes.slack_browser import Browser, Page, install
from tests.fakes.slack_events import SlackSender
from tests.slack.conftest import SlackWorld, make_world

ACME, GLOBEX = "T0ACME", "T0GLOBEX"
PEOPLE = {ACME: {"UA1": "Ana Acme", "UA2": "Abe Acme"}, GLOBEX: {"UG1": "Gia Globex", "UG2": "Gus Globex"}}


class Deployment:
    """One Rehearse deployment serving every workspace that installs it, and Slack around it."""

    def __init__(self, world: SlackWorld) -> None:
        self.world = world
        self.fake: FakeSlack = world.fake
        self.fake.redirect_uri = f"{world.url}/slack/oauth_redirect"  # as configured in the Slack app
        for team, people in PEOPLE.items():
            self.fake.add_workspace(team, f"{team[2:].title()} Inc")
            for user, name in people.items():
                self.fake.add_user(user, name, "Europe/London", team_id=team)

    def install(self, team: str, installer: str = "U0ADMIN") -> Page:
        self.fake.approve_next_install(team, installer)
        return install(Browser(), self.world.url, self.fake)

    def sender(self, team: str) -> SlackSender:
        ws = self.fake.workspaces[team]
        return SlackSender(f"{self.world.url}/slack/events", team_id=team, bot_user_id=ws.bot_user_id,
                           response_url=self.fake.response_url(f"cmd-{team}"))

    def practise(self, team: str, user: str) -> str:
        """/practice in the workspace; the scenario card's ts in the rep's DM."""
        dm = self.fake.dm_channel_of(user)
        before = len(self.fake.top_level(dm))
        assert self.sender(team).command("/practice", "discovery-procurement-stall", user).status == 200
        cards = self.fake.wait_for(lambda: len(self.fake.top_level(dm)) > before and self.fake.top_level(dm))
        return str(cards[-1].ts)

    def posts_to(self, user: str) -> list[Any]:
        dm = self.fake.dm_channel_of(user)
        return [c for c in self.fake.calls_of("chat.postMessage") if c.args.get("channel") in (dm, user)]

    def push_everyone(self) -> Any:
        """A scheduled push due now for every rep of every workspace, delivered by the core's scheduler."""
        core = self.world.core
        now = core.clock.now()
        cadences = CadenceService(core.repos, core.clock, core.library)
        rows = []
        for team, people in PEOPLE.items():
            admin, _ = core.repos.people.ensure_person("slack", team, f"UADM{team}", now, "Admin")
            core.repos.people.update(admin.id, roles="enablement")  # type: ignore[arg-type]
            ws = core.repos.people.ensure_workspace("slack", team, now)
            squad = core.repos.people.ensure_team(ws.id, "Sales", now)  # type: ignore[arg-type]
            cadences.set(admin.id, squad.id, {"sessions_per_week": 3})  # type: ignore[arg-type]
            for user, name in people.items():
                person, _ = core.repos.people.ensure_person("slack", team, user, now, name, "Europe/London")
                core.repos.people.update(person.id, team_id=squad.id)  # type: ignore[arg-type]
                rows.append(NewPush(f"push:test:{user}:{now.isoformat()}", "push", person.id, now))
        core.scheduling.outbox.enqueue(rows)
        # The worker's push service (without the leader election a test process never runs).
        pushes = PushService(core.repos, core.practice_service, core.library, core.cadences,
                             core.scheduling.outbox, PushPolicy(concurrency=1))
        return pushes.deliver_due()


@pytest.fixture
def deployment(db_url: str, library: ScenarioLibrary) -> Iterator[Deployment]:
    world = make_world(db_url, library=library, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET,
                       slack_bot_token=None)
    yield Deployment(world)
    world.close()


def test_two_workspaces_install_from_the_add_to_slack_page(deployment: Deployment) -> None:
    start = Browser().get(f"{deployment.world.url}/slack/install")
    assert start.status == 200 and "Add to Slack" in start.body
    for team in (ACME, GLOBEX):
        page = deployment.install(team)
        assert page.status == 200, page.body
        assert "Rehearse is now in" in page.body and deployment.fake.workspaces[team].team_name in page.body
    installed = {i.workspace: i.bot_token for i in deployment.world.core.workspaces.installed()}
    assert installed == {ACME: deployment.fake.token_of(ACME), GLOBEX: deployment.fake.token_of(GLOBEX)}
    assert installed[ACME] != installed[GLOBEX]


def test_both_workspaces_practise_at_once_each_call_on_its_own_token(deployment: Deployment) -> None:
    deployment.install(ACME)
    deployment.install(GLOBEX)
    threads = {user: deployment.practise(team, user) for team, people in PEOPLE.items() for user in people}
    world, fake = deployment.world, deployment.fake
    for team, people in PEOPLE.items():
        for user in people:
            reply = deployment.sender(team).message(user, fake.dm_channel_of(user), "What is slowing procurement?",
                                                    thread_ts=threads[user])
            assert reply.status == 200
    for user, ts in threads.items():
        assert fake.wait_thread(fake.dm_channel_of(user), ts, 1)  # the buyer answered in each thread
    world.settle()
    assert fake.wrong_workspace_calls() == []
    for team, people in PEOPLE.items():
        for user in people:
            posts = deployment.posts_to(user)
            assert posts and {c.token for c in posts} == {fake.token_of(team)}
    # Each workspace's people are stored in their own workspace, never mixed.
    for team, people in PEOPLE.items():
        for user in people:
            assert world.core.repos.people.find("slack", team, user) is not None
            other = GLOBEX if team == ACME else ACME
            assert world.core.repos.people.find("slack", other, user) is None


def test_a_workspace_that_uninstalls_gets_no_more_pushes_while_the_other_does(deployment: Deployment) -> None:
    deployment.install(ACME)
    deployment.install(GLOBEX)
    fake, world = deployment.fake, deployment.world
    first = deployment.push_everyone()
    assert first.sent == 4 and fake.wrong_workspace_calls() == []

    fake.uninstall(ACME)  # the admin removes the app; Slack then tells Rehearse
    reply = deployment.sender(ACME).event({"type": "app_uninstalled", "event_ts": "1.1"})
    assert reply.status == 200
    assert world.core.workspaces.for_workspace(ACME) is None
    assert world.core.workspaces.for_workspace(GLOBEX) is not None

    calls_before = len(fake.calls)
    world.clock.advance(days=1)
    second = deployment.push_everyone()
    assert second.sent == 2 and second.skipped == 2
    later = fake.calls[calls_before:]
    assert {c.team for c in later if c.method == "chat.postMessage"} == {GLOBEX}
    assert not [c for c in later if c.error in ("invalid_auth", "token_revoked")]  # nothing tried the dead token
    skipped = [r for r in world.core.scheduling.outbox.log.all("push") if r.status == "skipped"]
    assert len(skipped) == 2 and all("not installed" in (r.error or "") for r in skipped)


def test_tokens_revoked_removes_the_installation_too(deployment: Deployment) -> None:
    deployment.install(ACME)
    reply = deployment.sender(ACME).event({"type": "tokens_revoked", "tokens": {"bot": ["UBT0ACME"]}})
    assert reply.status == 200
    assert deployment.world.core.workspaces.for_workspace(ACME) is None


def test_a_replayed_install_link_is_refused(deployment: Deployment) -> None:
    fake, world = deployment.fake, deployment.world
    browser = Browser()
    fake.approve_next_install(ACME)
    start = browser.get(f"{world.url}/slack/install")
    back = browser.get(start.link_to(fake.authorize_url))  # Slack's redirect, with code and state
    assert back.location is not None
    cookies = dict(browser.cookies)
    assert browser.get(back.location).status == 200  # the install completes once
    browser.cookies = cookies  # someone replays the same redirect, cookie and all
    replay = browser.get(back.location)
    assert replay.status == 401 and "already used or has expired" in replay.body


def test_an_expired_install_link_is_refused(deployment: Deployment) -> None:
    fake, world = deployment.fake, deployment.world
    browser = Browser()
    fake.approve_next_install(ACME)
    start = browser.get(f"{world.url}/slack/install")
    back = browser.get(start.link_to(fake.authorize_url))
    world.clock.advance(minutes=11)  # the admin wandered off before Slack sent them back
    assert back.location is not None
    late = browser.get(back.location)
    assert late.status == 401 and "expired" in late.body
    assert world.core.workspaces.installed() == []


def test_a_cancelled_install_gets_a_friendly_page(deployment: Deployment) -> None:
    deployment.fake.deny_next_install("access_denied")
    page = install(Browser(), deployment.world.url, deployment.fake)
    assert page.status == 200
    assert "cancelled" in page.body and "Nothing changed" in page.body and 'href="/slack/install"' in page.body
    assert deployment.world.core.workspaces.installed() == []


def test_an_enterprise_org_wide_install_is_refused_with_a_clear_message(deployment: Deployment) -> None:
    fake = deployment.fake
    fake.add_workspace("T0GRID", "Grid Workspace", enterprise_id="E0GRID", enterprise_name="Grid Org")
    fake.approve_next_install("T0GRID", org_wide=True)
    page = install(Browser(), deployment.world.url, fake)
    assert page.status == 200
    assert "one workspace at a time" in page.body and "Enterprise Grid" in page.body
    assert deployment.world.core.workspaces.installed() == []
    assert fake.calls_of("auth.revoke")  # the org is not left with a token nobody uses


def test_an_event_from_a_workspace_that_never_installed_is_not_acted_on(deployment: Deployment) -> None:
    deployment.install(ACME)
    before = len(deployment.fake.calls_of("chat.postMessage"))
    reply = deployment.sender(GLOBEX).command("/practice", "", "UG1")
    assert reply.status in (200, 401)
    deployment.world.settle()
    assert len(deployment.fake.calls_of("chat.postMessage")) == before


def test_a_rotating_token_is_renewed_before_it_expires_for_requests_and_pushes(deployment: Deployment) -> None:
    fake, world = deployment.fake, deployment.world
    fake.token_rotation = True
    fake.token_lifetime_s = 3600  # under Bolt's two-hour margin: the next use renews it
    deployment.install(ACME)
    first = fake.token_of(ACME)
    assert first.startswith("xoxe.xoxb-")
    deployment.practise(ACME, "UA1")
    renewed = fake.token_of(ACME)
    assert renewed != first
    assert [c for c in fake.calls_of("oauth.v2.access") if c.args.get("grant_type") == "refresh_token"]
    stored = world.core.workspaces.for_workspace(ACME)
    assert stored is not None and stored.bot_token in fake.tokens
    assert deployment.posts_to("UA1")[-1].token in fake.tokens

    # A push, with no request to take a token from, renews it the same way.
    fake.token_lifetime_s = 12 * 3600
    fake.expire_tokens(ACME)
    world.clock.advance(days=1)
    report = deployment.push_everyone()
    assert report.sent == 2  # ACME's two reps; GLOBEX never installed
    assert deployment.posts_to("UA2")[-1].token == fake.token_of(ACME)
    assert fake.wrong_workspace_calls() == []


def test_the_install_pages_are_not_served_with_a_single_token(slack: SlackWorld) -> None:
    page = Browser().get(f"{slack.url}/slack/install")
    assert page.status == 404


def test_a_reinstall_after_uninstalling_brings_the_workspace_back(deployment: Deployment) -> None:
    deployment.install(ACME)
    deployment.fake.uninstall(ACME)
    deployment.sender(ACME).event({"type": "app_uninstalled"})
    deployment.world.clock.advance(days=3)
    deployment.install(ACME)
    assert deployment.world.core.workspaces.for_workspace(ACME) is not None
    deployment.practise(ACME, "UA1")
    assert deployment.posts_to("UA1")[-1].token == deployment.fake.token_of(ACME)
