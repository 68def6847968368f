"""Every slash command, button and modal works wherever a person uses it.

A rep types `/practice` in the Rehearse app's own DM (its Messages tab, a `D…`
channel) as naturally as in a channel (`C…`); buttons are pressed on a message in
that DM or on the App Home. Each case goes through the real endpoint with signed
requests: Slack must get a 200 with an acknowledgement it accepts, and the person
must see the answer where they are.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from adapters.slack.commands import HELP
from adapters.slack.home import HOME_EDIT_CADENCE, HOME_SNOOZE, HOME_START, HOME_UNSNOOZE
from bot.practice import cards
from storage.models import Person
from tests.fakes.slack_api import Message
from tests.fakes.slack_events import Reply, new_ts
from tests.slack.conftest import SlackWorld

REP = "U0DANA"
CHANNEL = "C0GENERAL"
WHERE = ["the app's DM", "a channel"]
SURFACES = ["a DM message", "the App Home"]
ON_ITS_WAY = "Your scenario is on its way to our DM."


def _channel(world: SlackWorld, where: str, user: str = REP) -> str:
    return world.dm(user) if where == "the app's DM" else CHANNEL


def _person(world: SlackWorld, user: str = REP) -> Person:
    person = world.core.repos.people.find("slack", world.fake.team_id, user)
    assert person is not None
    return person


def _answers(world: SlackWorld, count: int = 1) -> list[dict]:
    """What the bot said through the command's response_url (ephemeral replies), once `count` arrived."""
    calls = world.fake.wait_for(lambda: len(world.fake.calls_of("response_url")) >= count
                                and world.fake.calls_of("response_url"))
    return [call.args for call in calls]


def _press(world: SlackWorld, action_id: str, value: str = "", *, surface: str, user: str = REP,
           message_ts: str | None = None, **kw: str) -> Reply:
    if surface == "the App Home":
        payload = world.sender.block_action(user, action_id, value, view=True, **kw)
    else:
        payload = world.sender.block_action(user, action_id, value, channel=world.dm(user),
                                            message_ts=message_ts or new_ts(), **kw)
    reply = world.sender.interaction(payload)
    assert reply.status == 200, reply.body
    assert reply.body == "", "a button press is acknowledged with an empty 200"
    return reply


def _enablement(world: SlackWorld, user: str = REP) -> int:
    now = world.clock.now()
    person, _ = world.core.repos.people.ensure_person("slack", world.fake.team_id, user, now, "Priya Shah",
                                                      "Europe/London")
    team = world.core.repos.people.ensure_team(person.workspace_id, "EMEA Sales", now)
    world.core.repos.people.update(person.id, roles="rep,enablement", team_id=team.id)  # type: ignore[arg-type]
    return team.id  # type: ignore[return-value]


# ---- /practice ---------------------------------------------------------------------


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("scenario", ["", "pricing-objection"], ids=["no argument", "a scenario id"])
def test_practice_posts_the_scenario_card_in_the_dm_wherever_it_is_typed(slack: SlackWorld, where: str,
                                                                         scenario: str) -> None:
    reply = slack.sender.command("/practice", scenario, REP, channel=_channel(slack, where))
    assert reply.status == 200, reply.body
    # In a channel a note says where the card went; in the DM the card itself is the answer.
    assert reply.body == (ON_ITS_WAY if where == "a channel" else "")
    (card,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(REP)))
    assert card.blocks[0]["type"] == "header"
    if scenario:
        assert card.blocks[0]["text"]["text"] == slack.core.library.get(scenario).title
    slack.settle()
    assert slack.fake.calls_of("response_url") == []  # no ephemeral note on top of the card
    assert slack.core.repos.sessions.find_by_thread("slack", slack.dm(REP), card.ts) is not None


@pytest.mark.parametrize("where", WHERE)
def test_practice_with_an_unknown_id_is_refused_only_to_the_rep(slack: SlackWorld, where: str) -> None:
    reply = slack.sender.command("/practice", "cold-calling-101", REP, channel=_channel(slack, where))
    assert reply.status == 200, reply.body
    answer = reply.json()
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("Sorry, there is")
    assert "cold-calling-101" in answer["text"]
    slack.settle()
    assert slack.fake.top_level(slack.dm(REP)) == []


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("word", ["help", "?"])
def test_practice_help_answers_with_the_commands(slack: SlackWorld, where: str, word: str) -> None:
    reply = slack.sender.command("/practice", word, REP, channel=_channel(slack, where))
    assert reply.status == 200, reply.body
    assert reply.body == HELP
    slack.settle()
    assert slack.fake.top_level(slack.dm(REP)) == []


# ---- /rehearse ---------------------------------------------------------------------

REHEARSE = {
    "snooze 2026-12-24": "Snoozed: no practice pushes until Thursday 24 December 2026",
    "snooze off": "Snooze cleared",
    "snooze": "Until when?",
    "snooze next week": "isn't a date I can read",
    "unsnooze": "Snooze cleared",
    "cadence": "only your enablement team",
    "help": "/rehearse snooze 2026-12-24",
    "": "/rehearse snooze 2026-12-24",
    "dance": "I don't know `/rehearse dance`",
}


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("text", list(REHEARSE), ids=[t or "no argument" for t in REHEARSE])
def test_rehearse_answers_each_sub_command_only_to_the_rep(slack: SlackWorld, where: str, text: str) -> None:
    reply = slack.sender.command("/rehearse", text, REP, channel=_channel(slack, where))
    assert reply.status == 200, reply.body
    assert reply.body == ""  # the answer follows through response_url
    (answer,) = _answers(slack)
    assert answer["response_type"] == "ephemeral" and REHEARSE[text] in answer["text"], answer["text"]
    slack.settle()
    assert slack.fake.top_level(slack.dm(REP)) == [] and slack.fake.modals == []


@pytest.mark.parametrize("where", WHERE)
def test_rehearse_snooze_changes_the_reps_pushes(slack: SlackWorld, where: str) -> None:
    slack.sender.command("/rehearse", "snooze 2026-12-24", REP, channel=_channel(slack, where))
    _answers(slack, 1)
    assert _person(slack).snoozed_until == date(2026, 12, 24)
    slack.sender.command("/rehearse", "snooze off", REP, channel=_channel(slack, where))
    _answers(slack, 2)
    assert _person(slack).snoozed_until is None


@pytest.mark.parametrize("where", WHERE)
def test_rehearse_progress_shows_the_scores_card_only_to_the_rep(slack: SlackWorld, where: str) -> None:
    reply = slack.sender.command("/rehearse", "progress", REP, channel=_channel(slack, where))
    assert reply.status == 200 and reply.body == ""
    (answer,) = _answers(slack)
    assert answer["response_type"] == "ephemeral" and answer["blocks"]
    assert "No scored sessions yet" in json.dumps(answer["blocks"])


@pytest.mark.parametrize("where", WHERE)
def test_rehearse_cadence_opens_the_modal_for_enablement(slack: SlackWorld, where: str) -> None:
    _enablement(slack)
    reply = slack.sender.command("/rehearse", "cadence EMEA Sales", REP, channel=_channel(slack, where))
    assert reply.status == 200 and reply.body == ""
    (modal,) = slack.fake.wait_for(lambda: slack.fake.modals)
    assert "EMEA Sales" in json.dumps(modal["blocks"])


# ---- buttons -----------------------------------------------------------------------


def _card(world: SlackWorld) -> Message:
    world.start(REP, "pricing-objection")
    return world.fake.top_level(world.dm(REP))[-1]


def _card_buttons(message: Message) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]}


@pytest.mark.parametrize("surface", SURFACES)
def test_the_start_button_posts_a_scenario_card_in_the_dm(slack: SlackWorld, surface: str) -> None:
    _press(slack, HOME_START, surface=surface)
    (card,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(REP)))
    assert card.blocks[0]["type"] == "header"


@pytest.mark.parametrize("surface", SURFACES)
def test_the_snooze_date_and_resume_buttons_change_the_snooze(slack: SlackWorld, surface: str) -> None:
    _press(slack, HOME_SNOOZE, surface=surface, selected_date="2026-12-28")
    slack.fake.wait_for(lambda: "snoozed until" in json.dumps(slack.fake.views.get(REP, {}).get("blocks", [])))
    assert _person(slack).snoozed_until == date(2026, 12, 28)
    _press(slack, HOME_UNSNOOZE, "off", surface=surface)
    slack.fake.wait_for(lambda: "snoozed until" not in json.dumps(slack.fake.views[REP]["blocks"]))
    assert _person(slack).snoozed_until is None


@pytest.mark.parametrize("surface", SURFACES)
def test_a_refused_snooze_date_is_explained_in_the_dm(slack: SlackWorld, surface: str) -> None:
    _press(slack, HOME_SNOOZE, surface=surface, selected_date="2020-01-05")
    (note,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(REP)))
    assert "isn't in the future" in note.text


@pytest.mark.parametrize("surface", SURFACES)
def test_the_cadence_button_opens_the_modal_for_enablement_only(slack: SlackWorld, surface: str) -> None:
    _press(slack, HOME_EDIT_CADENCE, "", surface=surface)
    (refusal,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(REP)))
    assert "only your enablement team" in refusal.text and slack.fake.modals == []
    team_id = _enablement(slack)
    _press(slack, HOME_EDIT_CADENCE, str(team_id), surface=surface)
    assert len(slack.fake.modals) == 1  # opened inline, within the trigger's 3 seconds


@pytest.mark.parametrize("action_id", [cards.FINISH, cards.SKIP])
@pytest.mark.parametrize("in_thread", [False, True], ids=["on the card", "in the card's thread"])
def test_finish_and_skip_pressed_in_the_dm_close_the_session(slack: SlackWorld, action_id: str,
                                                             in_thread: bool) -> None:
    card = _card(slack)
    slack.say(REP, card.ts, "Before we get to price, what's driving this for you right now?")
    kw = {"thread_ts": card.ts} if in_thread else {}
    _press(slack, action_id, _card_buttons(card)[action_id], surface="a DM message", message_ts=card.ts, **kw)
    note = slack.fake.wait_thread(slack.dm(REP), card.ts, 2)[-1]
    if action_id == cards.FINISH:
        assert note.blocks and note.blocks[0]["text"]["text"].startswith("Scorecard"), note.text
    else:
        assert "Skipped" in note.text
    slack.settle()
    session = slack.core.repos.sessions.find_by_thread("slack", slack.dm(REP), card.ts)
    assert session is not None and session.state != "active"


@pytest.mark.parametrize("surface", SURFACES)
def test_a_button_nobody_handles_any_more_gets_a_polite_answer_in_the_dm(slack: SlackWorld, surface: str) -> None:
    message_ts = new_ts()
    _press(slack, "retired_feature", "x", surface=surface, message_ts=message_ts)
    # Under the message that carried the button; from the App Home, in the DM itself.
    (note,) = slack.fake.wait_for(lambda: slack.fake.in_thread(slack.dm(REP), message_ts)
                                  if surface == "a DM message" else slack.fake.top_level(slack.dm(REP)))
    assert "isn't something I know how to do any more" in note.text


# ---- the cadence modal -------------------------------------------------------------

OPENED_FROM = ["the App Home", "/rehearse in the app's DM", "/rehearse in a channel"]


def _open_modal(world: SlackWorld, opened_from: str) -> dict:
    team_id = _enablement(world)
    if opened_from == "the App Home":
        _press(world, HOME_EDIT_CADENCE, str(team_id), surface="the App Home")
    else:
        where = "the app's DM" if "DM" in opened_from else "a channel"
        world.sender.command("/rehearse", "cadence EMEA Sales", REP, channel=_channel(world, where))
    (modal,) = world.fake.wait_for(lambda: world.fake.modals)
    return modal


@pytest.mark.parametrize("opened_from", OPENED_FROM)
def test_the_cadence_modal_saves_and_shows_mistakes_under_the_field(slack: SlackWorld, opened_from: str) -> None:
    modal = _open_modal(slack, opened_from)
    bad = slack.sender.interaction(slack.sender.view_submission(REP, modal, {
        "sessions_per_week": {"type": "static_select", "selected_option": {"value": "4"}},
        "weekdays": {"type": "checkboxes", "selected_options": [{"value": "0"}]},
    }))
    assert bad.status == 200, bad.body
    answer = bad.json()
    assert answer["response_action"] == "errors" and answer["errors"]["sessions_per_week"]

    good = slack.sender.interaction(slack.sender.view_submission(REP, modal, {
        "sessions_per_week": {"type": "static_select", "selected_option": {"value": "2"}},
        "weekdays": {"type": "checkboxes", "selected_options": [{"value": "1"}, {"value": "3"}]},
        "window_start": {"type": "timepicker", "selected_time": "10:00"},
        "window_end": {"type": "timepicker", "selected_time": "16:00"},
    }))
    assert good.status == 200 and good.body == ""  # an empty ack closes the modal
    (saved,) = slack.fake.wait_for(lambda: [m for m in slack.fake.top_level(slack.dm(REP)) if "Saved" in m.text])
    assert "EMEA Sales" in saved.text


def test_a_modal_submitted_by_someone_outside_enablement_is_refused_under_the_first_field(
        slack: SlackWorld) -> None:
    modal = _open_modal(slack, "the App Home")
    slack.core.repos.people.update(_person(slack).id, roles="rep")  # type: ignore[arg-type]
    reply = slack.sender.interaction(slack.sender.view_submission(REP, modal, {
        "sessions_per_week": {"type": "static_select", "selected_option": {"value": "2"}},
    }))
    assert reply.status == 200, reply.body
    assert "only your enablement team" in reply.json()["errors"]["sessions_per_week"]
