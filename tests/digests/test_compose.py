"""What a manager reads in a digest, computed from team aggregates (pure: no database here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digests.compose import compose, expected_sessions, pooled_slope, slope_from_sums
from bot.digests.periods import Period, trailing
from scenarios.loader import ScenarioLibrary
from scoring import get_behavior
from storage.models import Cadence
from storage.repos.digests import Member, ScoreCell, SessionTally, TeamInputs, TrendSums

UTC = UTC
NOW = datetime(2026, 11, 16, 8, tzinfo=UTC)
TODAY = date(2026, 11, 16)
PERIOD = Period(date(2026, 11, 2), date(2026, 11, 15))
TREND = trailing(PERIOD, 6)
CURRENT, LAST = 5, 4
SCENARIOS = ScenarioLibrary.load().all()


def member(pid: int, name: str, per_week: int | None = 3, snoozed: date | None = None,
           start: date | None = None) -> Member:
    cadence = None if per_week is None else Cadence(
        team_id=1, sessions_per_week=per_week, start_date=start, behaviors=["open_question", "empathy"],
        updated_at=NOW)
    return Member(pid, name, "slack", "T1", f"U{pid}", "Europe/London", 1, snoozed, cadence)


def sums(pid: int, behavior: str, scores: Sequence[float]) -> TrendSums:
    x = np.arange(1, len(scores) + 1, dtype=float)
    y = np.asarray(scores, dtype=float)
    return TrendSums(pid, behavior, len(scores), x.sum(), y.sum(), (x * x).sum(), (x * y).sum(), (y * y).sum())


def cell(pid: int, behavior: str, period: int, scores: Sequence[float]) -> ScoreCell:
    return ScoreCell(pid, behavior, period, len(scores), float(np.mean(scores)))


def digest(members: Sequence[Member], cells: Sequence[ScoreCell] = (), trends: Sequence[TrendSums] = (),
           tallies: Sequence[SessionTally] = (), today: date = TODAY):  # type: ignore[no-untyped-def]
    inputs = TeamInputs(tuple(members), tuple(cells), tuple(trends), tuple(tallies))
    return compose(7, "Maya Chen", inputs, TREND, NOW, today, SCENARIOS)


# ---- improvement per session -----------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=3, max_size=40))
def test_improvement_per_session_is_the_least_squares_slope_of_the_reps_scores(scores: list[int]) -> None:
    slope = slope_from_sums(sums(1, "empathy", scores))
    x = np.arange(1, len(scores) + 1)
    if np.ptp(x) == 0:
        return
    expected = np.polyfit(x, scores, 1)[0]
    assert slope.per_session is not None and abs(slope.per_session - expected) < 1e-6
    assert slope.sessions == len(scores)


def test_a_steady_two_points_a_session_reads_as_plus_two_with_its_session_count() -> None:
    slope = slope_from_sums(sums(1, "empathy", [50, 52, 54, 56, 58, 60]))
    assert slope.per_session == 2.0 and slope.stderr == 0.0
    assert slope.label() == "+2.0 ±0.0 pts/session (n=6)"


def test_fewer_than_three_sessions_give_no_slope_and_say_so() -> None:
    slope = slope_from_sums(sums(1, "empathy", [40, 90]))
    assert slope.per_session is None and not slope.rising and not slope.falling
    assert slope.label() == "not enough sessions (n=2, need 3)"


def test_the_team_slope_pools_each_reps_own_trend_not_the_difference_between_reps() -> None:
    # Two reps, each improving by exactly 1 a session, at very different levels.
    team = pooled_slope([sums(1, "empathy", [20, 21, 22, 23]), sums(2, "empathy", [80, 81, 82, 83, 84, 85])])
    assert team.per_session is not None and abs(team.per_session - 1.0) < 1e-9
    assert team.reps == 2 and team.sessions == 10


def test_a_rep_with_too_few_sessions_does_not_count_towards_the_team_slope() -> None:
    team = pooled_slope([sums(1, "empathy", [50, 52, 54]), sums(2, "empathy", [10, 95])])
    assert team.per_session is not None and abs(team.per_session - 2.0) < 1e-9
    assert team.reps == 1 and team.sessions == 3


# ---- practice vs cadence ------------------------------------------------------------


def test_practised_versus_cadence_counts_finished_sessions_against_sessions_per_week_times_weeks() -> None:
    reps = [member(1, "Ana Ruiz"), member(2, "Ben Okafor"), member(3, "Chloé Martin")]
    d = digest(reps, tallies=[SessionTally(1, CURRENT, 6, 0), SessionTally(2, CURRENT, 4, 2)])
    by_name = {r.name: r for r in d.reps}
    assert (by_name["Ana Ruiz"].status, by_name["Ana Ruiz"].status_label) == ("on_cadence", "6 of 6")
    assert (by_name["Ben Okafor"].status, by_name["Ben Okafor"].missed) == ("behind", 2)
    assert by_name["Chloé Martin"].status == "not_practised"
    assert [r.name for r in d.not_practised] == ["Chloé Martin"]
    assert d.headline.startswith("2 of 3 practised, 1 on cadence.")


def test_a_cadence_that_started_mid_period_expects_only_its_share() -> None:
    rep = member(1, "Ana Ruiz", per_week=3, start=date(2026, 11, 9))
    assert expected_sessions(rep, PERIOD, TODAY) == 3


def test_a_period_still_running_expects_sessions_only_for_the_days_so_far() -> None:
    running = Period(date(2026, 11, 16), date(2026, 11, 29))
    assert expected_sessions(member(1, "Ana"), running, date(2026, 11, 22)) == 3


def test_a_rep_without_a_cadence_is_shown_without_an_expectation() -> None:
    d = digest([member(1, "Ana Ruiz", per_week=None)], tallies=[SessionTally(1, CURRENT, 2, 0)])
    assert d.reps[0].expected is None and d.reps[0].status_label == "2 sessions (no cadence set)"


def test_a_snoozed_rep_is_shown_as_snoozed_not_as_missing_practice() -> None:
    d = digest([member(1, "Ana Ruiz", snoozed=date(2026, 11, 30))])
    assert d.reps[0].status == "snoozed" and "snoozed until 30 Nov" in d.reps[0].status_label
    assert d.not_practised == []


# ---- averages and change ------------------------------------------------------------


def test_team_averages_are_session_weighted_and_compared_with_the_previous_period() -> None:
    reps = [member(1, "Ana Ruiz"), member(2, "Ben Okafor")]
    cells = [cell(1, "empathy", CURRENT, [60, 70, 80]), cell(2, "empathy", CURRENT, [40]),
             cell(1, "empathy", LAST, [50, 60])]
    team = digest(reps, cells).behaviors[0]
    assert team.behavior == "empathy" and team.mean == 62.5 and team.n == 4
    assert team.previous == 55.0 and team.change == 7.5 and team.change_label() == "▲ +8 vs 55"
    assert team.series == [None, None, None, None, 55.0, 62.5]


def test_missing_data_is_none_never_zero() -> None:
    reps = [member(1, "Ana Ruiz"), member(2, "Ben Okafor")]
    d = digest(reps, [cell(1, "empathy", CURRENT, [70])], [sums(1, "empathy", [70])])
    ben = next(r for r in d.reps if r.name == "Ben Okafor")
    assert ben.behaviors[0].mean is None and ben.behaviors[0].n == 0
    assert ben.behaviors[0].mean_label() == "no sessions" and ben.behaviors[0].slope.per_session is None
    assert d.behaviors[0].mean == 70.0  # Ben's missing score did not drag the team down
    assert d.behaviors[0].change_label() == "new this period"


# ---- reinforcement and coaching ------------------------------------------------------


def test_a_behavior_under_its_bar_needs_reinforcement_with_the_catalogs_own_tip() -> None:
    bar = get_behavior("empathy").threshold
    d = digest([member(1, "Chloé Martin")],
               [cell(1, "empathy", CURRENT, [bar - 12]), cell(1, "open_question", CURRENT, [bar + 20])])
    rep = d.reps[0]
    assert rep.reinforcement is not None and rep.reinforcement.behavior == "empathy"
    assert f"under the bar of {bar}" in rep.reinforcement.reason
    assert rep.action.behavior == "empathy"
    assert rep.action.text == f"Reinforce Empathy with Chloé: {get_behavior('empathy').feedback.try_next}"


def test_a_clearly_falling_behavior_needs_reinforcement_even_above_the_bar() -> None:
    falling = [90, 86, 83, 80, 77, 74, 71]
    d = digest([member(1, "Dev Patel")], [cell(1, "empathy", CURRENT, falling[-3:])],
               [sums(1, "empathy", falling)])
    assert d.reps[0].reinforcement is not None and d.reps[0].reinforcement.reason.startswith("falling: -3.")


def test_a_rep_who_is_improving_is_recognised_for_their_best_trend() -> None:
    d = digest([member(1, "Hugo Silva")],
               [cell(1, "empathy", CURRENT, [70, 74]), cell(1, "open_question", CURRENT, [72, 73])],
               [sums(1, "empathy", [50, 55, 59, 64, 70, 74]), sums(1, "open_question", [70, 71, 70, 72, 72, 73])],
               [SessionTally(1, CURRENT, 2, 0)])
    assert d.reps[0].reinforcement is None
    assert d.reps[0].action.text.startswith("Recognise Hugo's progress on Empathy (+4.9 pts/session)")


def test_a_rep_who_has_not_practised_is_asked_to_fit_in_one_practice() -> None:
    d = digest([member(1, "Farid Haddad"), member(2, "Ana Ruiz")], [cell(2, "empathy", CURRENT, [30])])
    farid = next(r for r in d.reps if r.name == "Farid Haddad")
    assert farid.action.behavior is None and farid.action.text.startswith("Ask Farid to fit in one practice")
    assert d.focus is not None and d.focus.title in farid.action.text


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 8), st.lists(st.integers(0, 100), max_size=12),
                          st.lists(st.integers(0, 100), max_size=12)), min_size=1, max_size=12))
def test_every_rep_gets_exactly_one_coaching_action(reps: list[tuple[int, list[int], list[int]]]) -> None:
    members, cells, trends, tallies = [], [], [], []
    for pid, (sessions, empathy, questions) in enumerate(reps, start=1):
        members.append(member(pid, f"Rep {pid}"))
        tallies.append(SessionTally(pid, CURRENT, sessions, 0))
        for behavior, scores in (("empathy", empathy), ("open_question", questions)):
            if scores:
                cells.append(cell(pid, behavior, CURRENT, scores[-3:]))
                trends.append(sums(pid, behavior, scores))
    d = digest(members, cells, trends, tallies)
    assert [r.person_id for r in d.reps] == [m.person_id for m in members]
    for r in d.reps:
        assert r.action.text.strip() and r.action.text.count("Reinforce") + r.action.text.count("Recognise") <= 1
        assert r.reinforcement is None or r.action.behavior == r.reinforcement.behavior


def test_the_team_focus_is_the_behavior_most_reps_need_and_a_scenario_that_practises_it() -> None:
    reps = [member(i, f"Rep {i}") for i in (1, 2, 3)]
    cells = [cell(1, "empathy", CURRENT, [20]), cell(2, "empathy", CURRENT, [25]),
             cell(3, "open_question", CURRENT, [10]), cell(3, "empathy", CURRENT, [90])]
    d = digest(reps, cells)
    assert d.focus is not None and d.focus.behavior == "empathy"
    scenario = ScenarioLibrary.load().get(d.focus.id)
    assert scenario.kind == "practice" and "empathy" in scenario.behaviors
    assert d.headline.endswith("Focus for the team: Empathy.")


def test_a_manager_without_reports_gets_an_empty_digest_not_an_error() -> None:
    d = digest([])
    assert d.reps == [] and d.behaviors == [] and d.focus is None
    assert d.headline == "0 of 0 practised, 0 on cadence."
