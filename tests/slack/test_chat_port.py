"""SlackChat as the core's ChatPort: charts and voice notes as files, DMs that move, Slack that says no."""

from __future__ import annotations

import pytest

from adapters.slack.chat import SlackChat, SlackRefused
from adapters.slack.client import make_web_client
from adapters.slack.directory import SlackDirectory
from bot.messages import Attachment, ConversationRef, Image, PersonRef, Text
from bot.ports import PlatformError, RateLimited
from tests.fakes.slack_api import BOT_TOKEN, TEAM_ID
from tests.slack.conftest import SlackWorld

PRIYA = PersonRef("slack", TEAM_ID, "U0DANA", "Priya", "Europe/London")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_digest_chart_is_uploaded_into_the_managers_dm_with_its_alt_text(slack: SlackWorld) -> None:
    chat = slack.adapter.chat
    posted = chat.send_direct(PRIYA, Image(PNG, "team-progress.png", "Team progress, weeks 1-6",
                                           alt="Line chart: open questions rose from 41 to 68"))
    (message,) = slack.fake.top_level(slack.dm("U0DANA"))
    (shared,) = message.files
    assert shared["title"] == "Team progress, weeks 1-6" and posted.message_id == shared["id"]
    (asked,) = slack.fake.calls_of("files.getUploadURLExternal")
    assert asked.args["alt_txt"].startswith("Line chart") and int(asked.args["length"]) == len(PNG)
    (upload,) = slack.fake.calls_of("upload")
    assert upload.args["bytes"] == len(PNG)


def test_a_dm_that_slack_no_longer_knows_is_reopened_once(slack: SlackWorld) -> None:
    chat = slack.adapter.chat
    chat.send_direct(PRIYA, Text("first"))
    old = slack.dm("U0DANA")
    slack.fake.close_dm("U0DANA")
    chat.send_direct(PRIYA, Text("second"))
    new = slack.dm("U0DANA")
    assert new != old and [m.text for m in slack.fake.top_level(new)] == ["second"]
    person = slack.core.repos.people.find("slack", TEAM_ID, "U0DANA")
    assert person is not None and person.dm_channel_id == new
    assert len(slack.fake.calls_of("conversations.open")) == 2


def test_when_slack_keeps_rate_limiting_the_core_hears_rate_limited_with_retry_after(slack: SlackWorld) -> None:
    client = make_web_client(BOT_TOKEN, slack.fake.api_url, rate_limit_retries=1)
    chat = SlackChat(client, SlackDirectory(client, slack.core.people, slack.clock))
    slack.fake.fail("chat.postMessage", 429, times=2, retry_after=0)
    with pytest.raises(RateLimited) as raised:
        chat.send(ConversationRef("slack", TEAM_ID, "D0X", "1.1"), Text("hello"))
    assert raised.value.retry_after_s == 0
    assert len(slack.fake.calls_of("chat.postMessage", ok=False)) == 2  # the first try and one retry


def test_a_refusal_names_slacks_error(slack: SlackWorld) -> None:
    old = slack.dm("U0DANA")
    slack.fake.close_dm("U0DANA")
    with pytest.raises(SlackRefused) as raised:
        slack.adapter.chat.send(ConversationRef("slack", TEAM_ID, old, "1.1"), Text("hello"))
    assert raised.value.error == "channel_not_found" and isinstance(raised.value, PlatformError)


def test_the_bot_token_is_only_sent_to_slacks_own_file_hosts(slack: SlackWorld) -> None:
    with pytest.raises(PlatformError, match="refusing"):
        slack.adapter.chat.fetch_attachment(Attachment("https://evil.example.com/steal", "audio/webm", "a.webm"))
    clip = slack.fake.add_file(b"\x1aE\xdf\xa3 webm", "audio/webm", "a.webm")
    attachment = Attachment(clip["url_private_download"], "audio/webm", "a.webm")
    assert slack.adapter.chat.fetch_attachment(attachment) == b"\x1aE\xdf\xa3 webm"
    # With a token Slack does not accept, it answers with its sign-in page, which is not taken for audio.
    stranger = make_web_client("xoxb-revoked", slack.fake.api_url)
    with pytest.raises(PlatformError, match="sign-in page"):
        SlackChat(stranger, SlackDirectory(stranger, slack.core.people, slack.clock)).fetch_attachment(attachment)
