"""The effect report on a real database: simulated programmes with a known effect, privacy, outcome figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.impact.demo import seed_simulation
from bot.impact.programmes import AccessDenied, NotAllowed, ProgrammeError, ProgrammeRequest
from bot.impact.report import render_digest_section, render_text, to_json
from bot.impact.simulate import simulate
from tests.impact.conftest import Org

AFTER_HOLDOUT = datetime(2026, 3, 20, 9, tzinfo=UTC)


def test_simulated_programmes_report_their_true_effect_zero_and_ten_points(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    reports = {}
    for name, effect in (("Zero", 0.0), ("Ten", 10.0)):
        sim = simulate({"open_question": effect, "empathy": effect}, reps=100, seed=7)
        programme_id = seed_simulation(org.repos, sim, name)
        reports[effect] = org.reporting.report(programme_id)
    for effect, report in reports.items():
        assert (report.practising, report.held_out) == (80, 20)
        assert "round 2" in report.comparison  # the round that closed the holdout
        for e in report.impact.behaviors:
            assert e.difference_ci is not None and e.difference_ci.covers(effect), (effect, e.behavior)
            assert (e.practice.reps, e.holdout.reps, e.practice.assessments) == (80, 20, 240)  # type: ignore[union-attr]
            assert e.slope is not None and e.slope.sessions == 640
            assert e.verdict_code == ("improving" if effect else "no_clear_effect")
    text = render_text(reports[10.0])
    assert "Practice is improving open questions by about" in text
    assert "Per practice session:" in text and "not the measured effect" in text
    assert "correlation, not cause" in text
    assert "No clear effect yet on open questions" in render_text(reports[0.0])


def test_a_new_programme_says_not_enough_data_yet(org: Org) -> None:
    sim = simulate({"empathy": 20.0}, reps=6, holdout_share=0.2, seed=3)
    programme_id = seed_simulation(org.repos, sim, "Tiny")
    report = org.reporting.report(programme_id)
    (e,) = report.impact.behaviors
    assert e.verdict.startswith("Not enough data yet")
    data = to_json(report)["behaviors"][0]
    assert data["verdict"] == "not_enough_data"
    # Too few reps for a cohort mean to be shown in an aggregate view: two people's mean is nearly their scores.
    assert data["holdout"] == {"reps": 1, "assessments": 3, "waiting_for_reassessment": 0, "left_out_late_baseline": 0}
    assert data["difference"] is None
    assert "figures shown from 5 reps (privacy)" in render_text(report)


def test_enablement_sees_aggregates_only_and_a_manager_only_their_reports(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    sim = simulate({"empathy": 10.0}, reps=30, seed=2)
    programme_id = seed_simulation(org.repos, sim, "Support", workspace="W1")
    manager = org.repos.people.find("console", "W1", "Support-manager")
    assert manager is not None
    team_reps = {m.person_id for m in org.programmes.members(programme_id)}
    # Half the team reports to Maya instead.
    moved = sorted(team_reps)[:15]
    for pid in moved:
        org.repos.people.update(pid, manager_id=org.manager.id)

    enablement = org.reporting.report(programme_id, org.enablement.id)
    assert enablement.view == "enablement" and enablement.names == {}
    dumped = json.dumps(to_json(enablement))
    assert all(not b["reps"] for b in to_json(enablement)["behaviors"]) and "Rep 0" not in dumped
    assert "Your reports" not in render_text(enablement)

    maya = org.reporting.report(programme_id, org.manager.id)
    assert maya.view == "manager" and set(maya.names) == set(moved)
    assert maya.practising + maya.held_out == 15  # her figures are computed over her reports only
    assert {r["person_id"] for r in to_json(maya)["behaviors"][0]["reps"]} <= set(moved)
    assert {m.person_id for m in org.programmes.members(programme_id, org.manager.id)} == set(moved)

    with pytest.raises(AccessDenied):
        org.reporting.report(programme_id, org.outsider.id)  # enablement of another workspace
    with pytest.raises(AccessDenied):
        org.reporting.report(programme_id, org.reps[0].id)  # a rep
    with pytest.raises(AccessDenied):
        org.programmes.members(programme_id, org.other_manager.id)  # a manager with no report in it

    (section,) = org.reporting.digest_reports(org.enablement.id, org.store.get(programme_id).team_id)  # type: ignore[union-attr]
    digest = render_digest_section(section)
    assert digest.startswith("*Impact — Support (simulated)*") and "Rep " not in digest


def test_only_enablement_starts_a_programme_and_mistakes_are_named_before_anything_changes(org: Org) -> None:
    with pytest.raises(NotAllowed) as refused:
        org.programmes.start_programme(ProgrammeRequest(org.team_id, ("empathy",)), actor_id=org.manager.id)
    assert "only your enablement team can start an impact programme" in refused.value.user_message
    with pytest.raises(ProgrammeError) as bad:
        org.programmes.start_programme(ProgrammeRequest(org.team_id, ("empathy", "charisma"), holdout_share=0.8,
                                                    stagger={org.team_id: 0, 999: 4}), actor_id=org.enablement.id)
    message = bad.value.user_message
    assert "'charisma' is not a behavior" in message
    assert "between 0 and 50%" in message
    assert "either a random holdout share or a staggered start" in message
    assert "team 999 is not a team of the same workspace" in message
    assert org.store.all() == []


def test_outcome_figures_import_row_by_row_and_show_beside_the_effect(org: Org) -> None:
    org.clock.current = AFTER_HOLDOUT
    sim = simulate({"empathy": 15.0}, reps=40, seed=4)
    programme_id = seed_simulation(org.repos, sim, "Care")
    people = sorted(m.person_id for m in org.programmes.members(programme_id))
    rep0 = org.repos.people.get(people[0])
    org.repos.people.update(people[1], email="Ana@Example.com")
    csv_text = "\n".join([
        "rep,period,metric,value",
        f"{people[0]},2026-01,aht,300",
        f"{rep0.platform_user_id},2026-02,aht,280",  # type: ignore[union-attr]
        "ana@example.com,2026-q1,NPS,87%",
        "nobody,2026-01,aht,1",
        f"{people[2]},January,aht,1",
        f"{people[3]},2026-01,aht,lots",
    ]) + "\n"
    result = org.reporting.import_outcomes(csv_text)
    assert (result.created, result.updated) == (3, 0)
    assert [str(e) for e in result.errors] == [
        "line 5: no person 'nobody' (use a person id, an email or a platform user id)",
        "line 6: period 'January' must look like 2026-03, 2026-03-31, 2026-Q1 or 2026-W14",
        "line 7: value 'lots' is not a number",
    ]
    again = org.reporting.import_outcomes(f"rep,period,metric,value\n{people[0]},2026-01,aht,310\n")
    assert (again.created, again.updated, again.errors) == (0, 1, [])
    figures = {(o.person_id, o.period, o.metric): o.value for o in org.store.outcomes(people[:2])}
    assert figures[(people[0], "2026-01", "aht")] == 310
    assert figures[(people[1], "2026-Q1", "nps")] == 87

    report = org.reporting.report(programme_id)
    links = {(link.behavior, link.metric): link for link in report.impact.outcomes}
    assert links[("empathy", "csat")].n == 40  # the simulation's own CSAT figures
    assert links[("empathy", "aht")].n == 1 and links[("empathy", "aht")].pearson is None
    text = render_text(report)
    assert "Business figures beside the behavior change — correlation, not cause" in text
    assert "aht: not enough data yet" in text
    assert to_json(report)["outcomes"]["label"] == "correlation, not cause"


def test_a_header_without_the_needed_columns_is_one_clear_error(org: Org) -> None:
    result = org.reporting.import_outcomes("person,month,score\n1,2026-01,3\n")
    assert (result.created, result.updated) == (0, 0)
    assert [str(e) for e in result.errors] == [
        "line 1: missing column(s) rep, period, metric, value; the header must be rep,period,metric,value"]


def test_erasing_a_person_removes_their_memberships_and_figures(org: Org) -> None:
    programme_id = org.programmes.start_programme(ProgrammeRequest(org.team_id, ("empathy",)), None).id
    org.reporting.import_outcomes(f"rep,period,metric,value\n{org.reps[0].id},2026-01,csat,90\n")
    exported = org.store.export_person(org.reps[0].id)  # type: ignore[arg-type]
    assert exported["programme_memberships"][0]["programme_id"] == programme_id
    assert exported["outcome_figures"][0]["value"] == 90
    assert org.store.erase_person(org.reps[0].id) == {  # type: ignore[arg-type]
        "programme_memberships": 1, "outcome_figures": 1}
    assert org.reps[0].id not in {m.person_id for m in org.programmes.members(programme_id)}  # type: ignore[arg-type]
