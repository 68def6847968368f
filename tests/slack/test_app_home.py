"""The Rehearse App Home: a rep's progress and snooze, a manager's team, enablement's cadence modal."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from adapters.slack.home import HOME_EDIT_CADENCE, HOME_SNOOZE, HOME_START, HOME_UNSNOOZE
from storage.models import Person
from tests.slack.conftest import SlackWorld

CURIOUS = "Before we get to pricing, what's driving this for you right now? What business problem are you solving?"


def _open_home(world: SlackWorld, user: str) -> str:
    event = {"type": "app_home_opened", "user": user, "channel": world.dm(user), "tab": "home",
             "event_ts": "1764000000.000100"}
    before = len(world.fake.calls_of("views.publish"))
    assert world.sender.event(event).status == 200
    world.fake.wait_for(lambda: len(world.fake.calls_of("views.publish")) > before)
    return _view_text(world.fake.views[user])


def _view_text(view: dict[str, Any]) -> str:
    return json.dumps(view["blocks"], ensure_ascii=False)


def _practise_once(world: SlackWorld, rep: str, scenario: str = "discovery-procurement-stall") -> None:
    thread = world.start(rep, scenario)
    world.say(rep, thread, CURIOUS)
    world.say(rep, thread, "done")


def _person(world: SlackWorld, user: str) -> Person:
    person = world.core.repos.people.find("slack", world.fake.team_id, user)
    assert person is not None
    return person


def test_a_rep_sees_streak_sessions_against_cadence_trends_and_a_start_button(slack: SlackWorld) -> None:
    rep = "U0DANA"
    _practise_once(slack, rep)
    home = _open_home(slack, rep)
    assert "1-week streak" in home and "*1 of 3* sessions this week" in home
    assert "Open questions" in home and "/100" in home  # per-behavior trend
    assert HOME_START in home and HOME_SNOOZE in home


def test_the_start_button_on_the_home_tab_posts_a_scenario_card_in_the_dm(slack: SlackWorld) -> None:
    rep = "U0LEE"
    slack.sender.interaction(slack.sender.block_action(rep, HOME_START, view=True))
    (card,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(rep)))
    assert card.blocks[0]["type"] == "header"
    slack.settle()
    assert slack.core.repos.sessions.find_by_thread("slack", slack.dm(rep), card.ts) is not None


def test_a_rep_snoozes_from_the_home_tab_and_resumes(slack: SlackWorld) -> None:
    rep = "U0DANA"
    _open_home(slack, rep)
    slack.sender.interaction(slack.sender.block_action(rep, HOME_SNOOZE, view=True, selected_date="2026-12-28"))
    slack.fake.wait_for(lambda: "snoozed until" in _view_text(slack.fake.views[rep]))
    assert _person(slack, rep).snoozed_until == date(2026, 12, 28)
    slack.sender.interaction(slack.sender.block_action(rep, HOME_UNSNOOZE, "off", view=True))
    slack.fake.wait_for(lambda: "snoozed until" not in _view_text(slack.fake.views[rep]))
    assert _person(slack, rep).snoozed_until is None


def test_a_snooze_date_in_the_past_is_refused_in_the_dm(slack: SlackWorld) -> None:
    rep = "U0DANA"
    slack.sender.interaction(slack.sender.block_action(rep, HOME_SNOOZE, view=True, selected_date="2026-01-05"))
    (note,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(rep)))
    assert "isn't in the future" in note.text
    assert _person(slack, rep).snoozed_until is None


def test_rehearse_snooze_pauses_practice_until_a_date(slack: SlackWorld) -> None:
    rep = "U0SAM"
    slack.sender.command("/rehearse", "snooze 2026-12-24", rep)
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert "Snoozed" in answer.args["text"] and answer.args["response_type"] == "ephemeral"
    assert _person(slack, rep).snoozed_until == date(2026, 12, 24)
    slack.sender.command("/rehearse", "snooze off", rep)
    slack.fake.wait_for(lambda: len(slack.fake.calls_of("response_url")) == 2)
    assert _person(slack, rep).snoozed_until is None


def test_rehearse_progress_shows_the_reps_scores_only_to_them(slack: SlackWorld) -> None:
    rep = "U0DANA"
    _practise_once(slack, rep)
    slack.sender.command("/rehearse", "progress", rep)
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert answer.args["response_type"] == "ephemeral" and "/100" in json.dumps(answer.args["blocks"])


def test_a_manager_sees_their_team_at_a_glance(slack: SlackWorld) -> None:
    manager, reps = "U0SAM", ["U0DANA", "U0LEE"]
    _practise_once(slack, "U0DANA")
    for person in [manager, *reps]:
        _open_home(slack, person)  # first contact creates each of them
    for rep in reps:
        slack.core.repos.people.update(_person(slack, rep).id, manager_id=_person(slack, manager).id)  # type: ignore[arg-type]
    slack.core.repos.people.update(_person(slack, manager).id, roles="rep,manager")  # type: ignore[arg-type]
    home = _open_home(slack, manager)
    assert "Your team at a glance" in home
    assert "*Priya* · 1/3 this week · :fire: 1 wk · avg" in home and "*Lee* · 0/3 this week" in home
    assert "1 of 2 practised this week" in home


def _enablement(world: SlackWorld, user: str = "U0SAM") -> int:
    _open_home(world, user)
    person = _person(world, user)
    team = world.core.repos.people.ensure_team(person.workspace_id, "EMEA Sales", world.clock.now())
    world.core.repos.people.update(person.id, roles="enablement", team_id=team.id)  # type: ignore[arg-type]
    return team.id  # type: ignore[return-value]


def test_enablement_edits_a_teams_cadence_in_a_modal(slack: SlackWorld) -> None:
    admin = "U0SAM"
    team_id = _enablement(slack, admin)
    home = _open_home(slack, admin)
    assert "Practice settings" in home and "EMEA Sales" in home and HOME_EDIT_CADENCE in home

    press = slack.sender.interaction(slack.sender.block_action(admin, HOME_EDIT_CADENCE, str(team_id), view=True))
    assert press.status == 200
    (modal,) = slack.fake.modals
    blocks = {b.get("block_id") for b in modal["blocks"]}
    assert {"sessions_per_week", "weekdays", "window_start", "scenario_ids"} <= blocks

    # Four sessions a week on two days cannot work: the error shows under the field, nothing is saved.
    bad = slack.sender.interaction(slack.sender.view_submission(admin, modal, {
        "sessions_per_week": {"type": "static_select", "selected_option": {"value": "4"}},
        "weekdays": {"type": "checkboxes", "selected_options": [{"value": "0"}, {"value": "2"}]},
        "window_start": {"type": "timepicker", "selected_time": "09:00"},
        "window_end": {"type": "timepicker", "selected_time": "17:00"},
    }))
    answer = bad.json()
    assert answer["response_action"] == "errors" and "sessions_per_week" in answer["errors"]
    assert _cadence(slack, team_id) is None

    good = slack.sender.interaction(slack.sender.view_submission(admin, modal, {
        "sessions_per_week": {"type": "static_select", "selected_option": {"value": "2"}},
        "weekdays": {"type": "checkboxes", "selected_options": [{"value": "1"}, {"value": "3"}]},
        "window_start": {"type": "timepicker", "selected_time": "10:00"},
        "window_end": {"type": "timepicker", "selected_time": "16:00"},
        "scenario_ids": {"type": "multi_static_select", "selected_options": [{"value": "pricing-objection"}]},
    }))
    assert good.status == 200 and not good.body
    saved = _cadence(slack, team_id)
    assert saved is not None and saved.sessions_per_week == 2 and saved.weekdays == [1, 3]
    assert saved.scenario_ids == ["pricing-objection"]
    (confirmation,) = slack.fake.wait_for(lambda: slack.fake.top_level(slack.dm(admin)))
    assert "Saved" in confirmation.text and "EMEA Sales" in confirmation.text


def test_someone_outside_enablement_cannot_open_the_cadence_modal(slack: SlackWorld) -> None:
    slack.sender.command("/rehearse", "cadence", "U0DANA")
    (answer,) = slack.fake.wait_for(lambda: slack.fake.calls_of("response_url"))
    assert "only your enablement team" in answer.args["text"]
    assert slack.fake.modals == []


def test_rehearse_cadence_opens_the_modal_for_enablement(slack: SlackWorld) -> None:
    _enablement(slack, "U0SAM")
    slack.sender.command("/rehearse", "cadence EMEA Sales", "U0SAM")
    (modal,) = slack.fake.wait_for(lambda: slack.fake.modals)
    assert "EMEA Sales" in json.dumps(modal["blocks"])


def _cadence(world: SlackWorld, team_id: int):  # type: ignore[no-untyped-def]
    from storage.repos.cadences import CadenceRepo

    return CadenceRepo(world.core.repos.db).get(team_id)
