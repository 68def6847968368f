"""Ids a person can find: people, teams and behaviors listed; a team named or numbered everywhere."""

from __future__ import annotations

import json
from pathlib import Path

from scoring import all_behaviors
from tests.cli.conftest import Rehearse


def _rows(out: str) -> list[dict[str, str]]:
    header, *lines = out.splitlines()
    names = header.split("\t")
    return [dict(zip(names, line.split("\t"))) for line in lines]


def test_people_list_shows_ids_roles_teams_and_managers_and_filters_by_workspace_and_role(org: Rehearse) -> None:
    everyone = _rows(org("people", "list").out)
    assert {p["name"] for p in everyone} == {"Ana Rep", "Ben Rep", "Mia Manager", "Eve Enable", "Carl Rep"}
    ana = next(p for p in everyone if p["name"] == "Ana Rep")
    mia = next(p for p in everyone if p["name"] == "Mia Manager")
    assert ana["team"] == "Sales EU" and ana["manager"] == f"Mia Manager ({mia['id']})" and ana["roles"] == "rep"
    managers = _rows(org("people", "list", "--role", "manager").out)
    assert [p["name"] for p in managers] == ["Mia Manager"]
    assert org("digest", "--manager", managers[0]["id"], "--format", "json").code == 0  # the id works as printed
    in_t2 = _rows(org("people", "list", "--workspace", "T2").out)
    assert [p["name"] for p in in_t2] == ["Carl Rep"]
    sales = _rows(org("people", "list", "--team", "Sales EU", "--role", "rep").out)
    assert sorted(p["name"] for p in sales) == ["Ana Rep", "Ben Rep"]
    unknown = org("people", "list", "--workspace", "T9")
    assert unknown.code == 1 and "No workspace called 'T9'" in unknown.err


def test_teams_list_shows_ids_names_workspaces_and_member_counts(org: Rehearse) -> None:
    teams = _rows(org("teams", "list").out)
    assert {(t["name"], t["workspace"], t["members"]) for t in teams} == {("Sales EU", "T1", "3"), ("Support", "T2", "1")}
    assert [t["name"] for t in _rows(org("teams", "list", "--workspace", "T2").out)] == ["Support"]


def test_an_empty_install_says_how_to_add_people(rehearse: Rehearse) -> None:
    assert "rehearse roster import" in rehearse("people", "list").out
    assert "rehearse roster import" in rehearse("teams", "list").out


def test_behaviors_lists_every_id_with_its_name_and_definition(rehearse: Rehearse) -> None:
    rows = _rows(rehearse("behaviors").out)
    assert [r["id"] for r in rows] == [b.id for b in all_behaviors()]
    assert all(r["name"] and r["definition"] for r in rows)


def test_programme_and_cadence_take_a_team_by_name_or_by_id(org: Rehearse) -> None:
    sales_id = next(t["id"] for t in _rows(org("teams", "list").out) if t["name"] == "Sales EU")
    by_name = org("cadence", "set", "Sales EU", "--sessions", "2")
    by_id = org("cadence", "set", sales_id, "--sessions", "4")
    assert by_name.code == 0 and by_id.code == 0, by_name.err + by_id.err
    assert "4× a week" in org("cadence", "show", "sales eu").out
    started = org("programme", "start", "--team", "Sales EU", "--behaviors", "empathy", "--start", "2026-01-05")
    assert started.code == 0, started.err
    assert "Programme 1" in started.out
    again = org("programme", "start", "--team", sales_id, "--behaviors", "open_question", "--start", "2026-01-05")
    assert again.code == 0, again.err
    unknown = org("programme", "start", "--team", "Nobody", "--behaviors", "empathy")
    assert unknown.code == 1 and "I don't know a team called 'Nobody'" in unknown.err and "Sales EU" in unknown.err


def test_an_unknown_behavior_in_score_lists_the_valid_ids(rehearse: Rehearse) -> None:
    ran = rehearse("score", stdin=json.dumps({"id": "x", "behavior": "charisma", "text": "Hello there"}) + "\n")
    assert ran.code == 2
    error = json.loads(ran.out)["error"]
    assert "unknown behavior 'charisma'" in error
    assert all(b.id in error for b in all_behaviors())


def test_a_holdout_too_small_for_a_verdict_is_warned_about_before_the_programme_starts(org: Rehearse) -> None:
    started = org("programme", "start", "--team", "Sales EU", "--behaviors", "empathy", "--holdout", "0.5")
    assert started.code == 0
    assert "Warning: a 50% holdout of 2 reps gives cohorts of 1 practising and 1 held out" in " ".join(started.err.split())
    assert "at least 10 reps" in " ".join(started.err.split())


def test_cadence_apply_with_a_partial_file_keeps_the_fields_it_leaves_out(org: Rehearse, tmp_path: Path) -> None:
    assert org("cadence", "set", "Sales EU", "--sessions", "2", "--weekdays", "mon,wed,fri", "--window",
               "08:00-12:00").code == 0
    partial = tmp_path / "cadence.yaml"
    partial.write_text("team: Sales EU\nsessions_per_week: 3\n")
    applied = org("cadence", "apply", str(partial))
    assert applied.code == 0, applied.err
    shown = org("cadence", "show", "Sales EU").out
    assert "3× a week on Mon, Wed, Fri; 08:00-12:00" in shown
