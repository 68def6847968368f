"""Authoring in Slack: the App Home's "New scenario" modal and the draft card's buttons, through signed
requests into the real Bolt app against the fake Slack Web API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.slack.home import HOME_NEW_SCENARIO
from bot.authoring.actions import DISCARD, EDIT, PUBLISH, TRY
from scenarios.loader import ScenarioLibrary
from storage.repos.scenarios import WorkspaceScenarioRepo
from tests.fakes.slack_api import Message
from tests.slack.conftest import SlackWorld, make_world

ADMIN, REP, MANAGER = "U0SAM", "U0DANA", "U0LEE"
FORM = {
    "behaviors": {"type": "multi_static_select", "selected_options": [{"value": "empathy"}, {"value": "next_steps"}]},
    "title": {"type": "plain_text_input", "value": "Clinic double bookings"},
    "buyer_name": {"type": "plain_text_input", "value": "Dana Reed"},
    "buyer_role": {"type": "plain_text_input", "value": "Practice manager"},
    "company": {"type": "plain_text_input", "value": "Northside Clinic"},
    "mood": {"type": "plain_text_input", "value": "angry"},
    "concern": {"type": "plain_text_input", "value": "the double bookings"},
    "opening_line": {"type": "plain_text_input",
                     "value": "Your booking system put two patients in the same slot again. I've had enough."},
    "fact1": {"type": "plain_text_input",
              "value": "Two of our patients were elderly and waited an hour in the corridor. One of them cried."},
    "fact1_about": {"type": "plain_text_input", "value": "the patients who waited"},
}


@pytest.fixture
def world(db_url: str) -> Iterator[SlackWorld]:
    w = make_world(db_url, library=ScenarioLibrary.load())
    yield w
    w.close()


def roles(world: SlackWorld, user: str, role: str) -> None:
    person, _ = world.core.repos.people.ensure_person("slack", world.fake.team_id, user, world.clock.now())
    world.core.repos.people.update(person.id, roles=role)  # type: ignore[arg-type]


def open_new_scenario(world: SlackWorld) -> dict[str, Any]:
    before = len(world.fake.modals)
    press = world.sender.interaction(world.sender.block_action(ADMIN, HOME_NEW_SCENARIO, "new", view=True))
    assert press.status == 200
    return world.fake.wait_for(lambda: len(world.fake.modals) > before and world.fake.modals[-1])


def draft_card(world: SlackWorld, user: str = ADMIN) -> Message:
    return world.fake.wait_for(lambda: next((m for m in reversed(world.fake.top_level(world.dm(user)))
                                             if "Draft: Clinic double bookings" in json.dumps(m.blocks)), None))


def press(world: SlackWorld, user: str, card: Message, action: str) -> None:
    value = _button_value(card, action)
    reply = world.sender.interaction(world.sender.block_action(user, action, value, channel=card.channel,
                                                               message_ts=card.ts))
    assert reply.status == 200
    world.settle()


def _button_value(card: Message, action: str) -> str:
    for block in card.blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action:
                return str(element.get("value", ""))
    raise AssertionError(f"no {action} button on the card")


def test_enablement_writes_a_scenario_in_the_home_tab_modal_tries_it_and_publishes_it(world: SlackWorld) -> None:
    roles(world, ADMIN, "enablement")
    modal = open_new_scenario(world)
    text = json.dumps(modal)
    assert "No LLM is configured here" in text and "description" not in {b.get("block_id") for b in modal["blocks"]}

    missing = world.sender.interaction(world.sender.view_submission(ADMIN, modal, {"title": FORM["title"]}))
    errors = missing.json()["errors"]
    assert missing.json()["response_action"] == "errors"
    assert {"behaviors", "buyer_name", "concern", "opening_line"} <= set(errors)

    saved = world.sender.interaction(world.sender.view_submission(ADMIN, modal, FORM))
    assert saved.status == 200 and not saved.body
    card = draft_card(world)
    assert "Try it" in json.dumps(card.blocks) and "Publish" in json.dumps(card.blocks)

    before = len(world.fake.top_level(world.dm(ADMIN)))
    press(world, ADMIN, card, TRY)
    trial = world.fake.wait_for(lambda: next((m for m in world.fake.top_level(world.dm(ADMIN))[before:]
                                              if "Clinic double bookings" in m.text
                                              and "Draft:" not in m.text), None))
    thread = world.say(ADMIN, trial.ts, "That sounds awful, I'm so sorry. How are the patients who waited doing?")
    assert any("waited an hour in the corridor" in m.text for m in thread)  # the hidden fact unlocks

    press(world, ADMIN, card, PUBLISH)
    assert any("Published Clinic double bookings (clinic-double-bookings v1)" in m.text
               for m in world.fake.messages if m.channel == world.dm(ADMIN))
    world.start(REP, "clinic-double-bookings")  # a rep of the workspace gets it at once
    assert any("Clinic double bookings" in m.text for m in world.fake.top_level(world.dm(REP)))


@pytest.mark.parametrize("who, role", [(REP, "rep"), (MANAGER, "manager")])
def test_a_rep_or_a_manager_pressing_publish_is_refused(world: SlackWorld, who: str, role: str) -> None:
    roles(world, ADMIN, "enablement")
    roles(world, who, role)
    world.sender.interaction(world.sender.view_submission(ADMIN, open_new_scenario(world), FORM))
    card = draft_card(world)
    press(world, who, card, PUBLISH)
    refusal = world.fake.wait_for(lambda: [m for m in world.fake.messages if "only your enablement team can publish"
                                           in m.text])
    assert refusal
    (row,) = WorkspaceScenarioRepo(world.core.repos.db).of_workspace(_workspace(world))
    assert row.status == "draft"
    reply = world.sender.command("/practice", "clinic-double-bookings", REP)
    assert "no scenario called 'clinic-double-bookings'" in reply.json()["text"]


def test_a_rep_cannot_open_the_new_scenario_modal(world: SlackWorld) -> None:
    roles(world, REP, "rep")
    world.sender.interaction(world.sender.block_action(REP, HOME_NEW_SCENARIO, "new", view=True))
    world.settle()
    assert world.fake.modals == []
    assert any("only your enablement team can write scenarios" in m.text for m in world.fake.top_level(world.dm(REP)))


def test_edit_reopens_the_draft_in_the_modal_and_discard_throws_the_new_version_away(world: SlackWorld) -> None:
    roles(world, ADMIN, "enablement")
    world.sender.interaction(world.sender.view_submission(ADMIN, open_new_scenario(world), FORM))
    card = draft_card(world)
    press(world, ADMIN, card, EDIT)
    modal = world.fake.wait_for(lambda: len(world.fake.modals) == 2 and world.fake.modals[-1])
    assert "Dana Reed" in json.dumps(modal) and modal["title"]["text"] == "Edit draft"
    edited = {**FORM, "mood": {"type": "plain_text_input", "value": "furious"}}
    assert world.sender.interaction(world.sender.view_submission(ADMIN, modal, edited)).status == 200
    world.settle()
    second = world.fake.wait_for(lambda: (lambda cards: cards[-1] if len(cards) == 2 else None)(
        [m for m in world.fake.top_level(world.dm(ADMIN)) if "Draft: Clinic double bookings" in json.dumps(m.blocks)]))
    assert "v2" in json.dumps(second.blocks)
    press(world, ADMIN, second, DISCARD)
    rows = WorkspaceScenarioRepo(world.core.repos.db).of_workspace(_workspace(world))
    assert [(r.version, r.status) for r in rows] == [(1, "discarded"), (2, "discarded")]


def _workspace(world: SlackWorld) -> int:
    return world.core.repos.people.ensure_workspace("slack", world.fake.team_id, world.clock.now()).id  # type: ignore[return-value]


def test_a_description_in_the_modal_comes_back_as_a_draft_card_drafted_by_claude(db_url: str) -> None:
    from bot.app import make_drafter
    from bot.settings import Settings
    from tests.authoring.conftest import clinic_data
    from tests.fakes.anthropic_api import FakeAnthropic, Reply

    with FakeAnthropic() as api:
        world = make_world(db_url, library=ScenarioLibrary.load())
        try:
            settings = Settings(_env_file=None, database_url=db_url, anthropic_api_key="sk-ant-test-0123456789abcdef",  # type: ignore[call-arg]
                                anthropic_base_url=api.url, anthropic_max_retries=0)
            world.core.authoring.drafter = make_drafter(settings, world.core.repos)
            api.script(Reply.tool("draft_scenario", clinic_data()))
            roles(world, ADMIN, "enablement")
            modal = open_new_scenario(world)
            assert "description" in {b.get("block_id") for b in modal["blocks"]}
            submitted = world.sender.interaction(world.sender.view_submission(ADMIN, modal, {
                "description": {"type": "plain_text_input", "value": "A clinic manager whose booking system "
                                "double-books patients; she is angry; practise empathy and next steps."},
                "behaviors": FORM["behaviors"]}))
            assert submitted.status == 200 and not submitted.body  # the modal closes at once
            card = draft_card(world)
            assert "Drafting your scenario with Claude" in " ".join(m.text for m in world.fake.top_level(world.dm(ADMIN)))
            assert "Try it" in json.dumps(card.blocks)
            (call,) = api.calls("draft_scenario")
            assert "empathy, next_steps" in json.dumps(call.body["messages"])
        finally:
            world.close()
