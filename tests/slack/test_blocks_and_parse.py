"""What Slack shows for each core message, and how each Slack payload becomes a core event."""

from __future__ import annotations

from adapters.slack import blocks, parse
from bot.messages import Action, Audio, Card, Field, Text
from bot.practice import cards
from scenarios.loader import ScenarioLibrary
from tests.fakes.slack_api import BOT_USER_ID, TEAM_ID, check_blocks
from tests.fakes.slack_events import SlackSender


def test_the_scenario_card_has_title_behavior_opening_line_and_finish_and_skip(library: ScenarioLibrary) -> None:
    scenario = library.get("discovery-procurement-stall")
    card = cards.scenario_card(scenario, "session-1", "Send me your pricing & a one-pager <today>.")
    message = blocks.card_message(card)
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds[0] == "header" and kinds[-2:] == ["actions", "context"]
    text = " ".join(b.get("text", {}).get("text", "") for b in message["blocks"])
    assert "*Practising*\n" in text and "&amp; a one-pager &lt;today&gt;" in text
    buttons = message["blocks"][-2]["elements"]
    assert [(b["action_id"], b["value"], b["style"]) for b in buttons] == [
        (cards.FINISH, "session-1", "primary"), (cards.SKIP, "session-1", "danger")]
    assert message["text"].startswith(scenario.title)  # the notification line
    check_blocks(message["blocks"], limit=50)


def test_a_huge_card_is_trimmed_to_slacks_limits_but_keeps_its_buttons() -> None:
    card = Card(title="T" * 400, body="b" * 5000, fields=tuple(Field(f"f{i}", "v" * 4000) for i in range(80)),
                actions=(Action("a", "L" * 100, "x" * 3000),), footer="f" * 5000)
    message = blocks.card_message(card)
    check_blocks(message["blocks"], limit=50)
    assert len(message["blocks"]) == 50 and message["blocks"][-2]["type"] == "actions"


def test_a_buyer_line_is_posted_under_the_personas_name_or_with_it_in_bold() -> None:
    line = Text("Fine. What's the <catch>?", author="Dana Whitfield")
    assert blocks.text_message(line) == {"text": "Fine. What's the &lt;catch&gt;?", "username": "Dana Whitfield",
                                         "icon_emoji": blocks.BUYER_ICON}
    assert blocks.text_message(line, "prefix") == {"text": "*Dana Whitfield:* Fine. What's the &lt;catch&gt;?"}
    assert blocks.text_message(Text("Scored.")) == {"text": "Scored."}


def test_a_voice_note_uploads_with_its_transcript_and_falls_back_to_text() -> None:
    upload = blocks.audio_upload(Audio(b"OggS", "audio/ogg", "buyer.ogg", 2.5, transcript="Hi there", author="Dana"))
    assert upload.initial_comment == "*Dana:* Hi there" and upload.filename == "buyer.ogg"
    assert upload.fallback == Text("Hi there", author="Dana")


def _body(event: dict, **extra: object) -> dict:
    return {**SlackSender("").event_body(event), **extra}


def test_a_message_becomes_an_inbound_keyed_by_its_client_msg_id() -> None:
    sender = SlackSender("")
    event = sender.message_event("U1", "D1", "Tell me &amp; <@U0REHBOT> more about <https://x.io|your stack>",
                                 thread_ts="111.1", client_msg_id="cm-1")
    inbound = parse.message(sender.event_body(event, "Ev9"), BOT_USER_ID)
    assert inbound is not None
    assert (inbound.ref.channel, inbound.ref.thread, inbound.ref.workspace) == ("D1", "111.1", TEAM_ID)
    assert inbound.event_id == "cm-1" and inbound.text == "Tell me & more about your stack"
    without = parse.message(sender.event_body(sender.message_event("U1", "D1", "x", client_msg_id=None), "Ev9"),
                            BOT_USER_ID)
    assert without is not None and without.event_id == "Ev9"


def test_edits_deletions_joins_and_bot_posts_are_not_replies() -> None:
    sender = SlackSender("")
    ignored = [
        sender.message_event("U1", "D1", "x", subtype="message_changed"),
        sender.message_event("U1", "D1", "x", subtype="message_deleted"),
        sender.message_event("U1", "C1", "x", subtype="channel_join"),
        sender.message_event("U1", "D1", "x", bot_id="B1"),
        sender.message_event(BOT_USER_ID, "D1", "x"),
        {"type": "reaction_added", "user": "U1"},
    ]
    assert [parse.message(sender.event_body(e), BOT_USER_ID) for e in ignored] == [None] * len(ignored)


def test_an_audio_clip_share_becomes_an_attachment() -> None:
    sender = SlackSender("")
    clip = {"id": "F1", "name": "audio_message.webm", "mimetype": "audio/webm", "size": 9000, "subtype": "slack_audio",
            "duration_ms": 4200, "url_private_download": "https://files.slack.com/files-pri/T-F1/download/a.webm"}
    inbound = parse.message(sender.event_body(sender.message_event("U1", "D1", "", files=[clip])), BOT_USER_ID)
    assert inbound is not None
    (attachment,) = inbound.attachments
    assert (attachment.mime, attachment.duration_s, attachment.is_voice_message) == ("audio/webm", 4.2, True)
    assert attachment.url.endswith("/download/a.webm")


def test_a_mention_in_a_channel_is_answered_in_a_thread_under_it() -> None:
    sender = SlackSender("")
    event = {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "222.2", "text": "<@U0REHBOT> help"}
    inbound = parse.message(sender.event_body(event), BOT_USER_ID)
    assert inbound is not None and inbound.ref.thread == "222.2" and inbound.text == "help"


def test_a_button_on_the_home_tab_answers_in_the_apps_dm() -> None:
    sender = SlackSender("")
    home = parse.action(sender.block_action("U1", "rehearse_home_start", view=True))
    on_card = parse.action(sender.block_action("U1", cards.FINISH, "s-1", channel="D1", message_ts="333.3"))
    assert home is not None and home.ref.channel == "U1" and home.ref.thread is None
    assert on_card is not None and (on_card.ref.channel, on_card.ref.thread, on_card.value) == ("D1", "333.3", "s-1")
    assert on_card.event_id.startswith(cards.FINISH)
