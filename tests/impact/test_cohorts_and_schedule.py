"""Who is held out, which assessment is due when, and when a rep may practise."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.impact.cohorts import (
    HOLDOUT,
    PRACTICE,
    Candidate,
    assign_holdout,
    assign_stagger,
    holdout_reason,
    holdout_size,
)
from bot.impact.schedule import (
    MemberPlan,
    Offer,
    ProgrammePlan,
    WorkingHours,
    assessment_key,
    comparison_round,
    due_assessments,
    next_window_start,
    parse_assessment_key,
    practice_allowed,
    push_time,
)

START = date(2026, 1, 5)
UNTIL = START + timedelta(weeks=8)
SCENARIOS = {"open_question": "assess-open-question", "empathy": "assess-empathy"}
PLAN = ProgrammePlan(7, ("open_question", "empathy"), START, 4)


def _reps(n: int) -> list[Candidate]:
    return [Candidate(100 + i, 1) for i in range(n)]


def test_the_holdout_is_a_reproducible_random_share_of_the_team() -> None:
    first = assign_holdout(_reps(20), 0.2, seed=1234, start=START, holdout_until=UNTIL)
    again = assign_holdout(list(reversed(_reps(20))), 0.2, seed=1234, start=START, holdout_until=UNTIL)
    other = assign_holdout(_reps(20), 0.2, seed=99, start=START, holdout_until=UNTIL)
    held = {a.person_id for a in first if a.cohort == HOLDOUT}
    assert len(held) == 4
    assert held == {a.person_id for a in again if a.cohort == HOLDOUT}  # the order people came in is irrelevant
    assert held != {a.person_id for a in other if a.cohort == HOLDOUT}
    assert all(a.practice_from == (UNTIL if a.person_id in held else START) for a in first)


def test_no_holdout_by_default_and_never_the_whole_team() -> None:
    assert all(a.cohort == PRACTICE for a in assign_holdout(_reps(10), 0.0, 1, START, None))
    assert holdout_size(1, 0.5) == 0 and holdout_size(2, 0.5) == 1 and holdout_size(3, 0.9) == 2
    assert holdout_size(7, 0.2) == 1 and holdout_size(8, 0.2) == 2  # rounded half up


def test_a_staggered_start_holds_out_the_later_teams_until_their_wave() -> None:
    people = [Candidate(1, 10), Candidate(2, 10), Candidate(3, 11), Candidate(4, 12)]
    by_person = {a.person_id: a for a in assign_stagger(people, {10: 0, 11: 4, 12: 8}, START)}
    assert [by_person[p].cohort for p in (1, 2, 3, 4)] == [PRACTICE, PRACTICE, HOLDOUT, HOLDOUT]
    assert by_person[3].practice_from == START + timedelta(weeks=4)
    assert by_person[4].practice_from == START + timedelta(weeks=8)


def test_the_reason_a_manager_reads_names_the_seed_or_the_wave() -> None:
    assert holdout_reason(HOLDOUT, UNTIL, 0.2, 1234, False) == (
        "picked at random for the 20% holdout (seed 1234); joins practice on 2026-03-02")
    assert holdout_reason(
        HOLDOUT, date(2026, 2, 2), 0.0, 1, True, "Support") == "team Support starts practice later, on 2026-02-02 (staggered start)"
    assert holdout_reason(PRACTICE, START, 0.2, 1, False) == "practising from 2026-01-05"


def _member(pid: int = 1, cohort: str = PRACTICE, practice_from: date = START) -> MemberPlan:
    return MemberPlan(pid, cohort, practice_from)


def _offer(day: date, behavior: str, round_: int = 0, closed: bool = True, pid: int = 1) -> Offer:
    return Offer(pid, round_, behavior, day, closed)


def test_everyone_gets_the_baseline_on_the_first_day_one_assessment_a_day() -> None:
    members = [_member(1), _member(2, HOLDOUT, UNTIL)]
    due = due_assessments(PLAN, members, [], START, SCENARIOS)
    assert [(d.person_id, d.behavior, d.round, d.scenario_id) for d in due] == [
        (1, "open_question", 0, "assess-open-question"), (2, "open_question", 0, "assess-open-question")]
    assert due[0].key == "assess:7:1:0:open_question"
    history = [_offer(START, "open_question", pid=1), _offer(START, "open_question", pid=2, closed=False)]
    assert due_assessments(PLAN, members, history, START, SCENARIOS) == []  # one a day
    tomorrow = due_assessments(PLAN, members, history, START + timedelta(days=1), SCENARIOS)
    assert [(d.person_id, d.behavior) for d in tomorrow] == [(1, "empathy"), (2, "empathy")]


def test_the_next_round_comes_every_n_weeks_and_a_missed_round_is_not_piled_up() -> None:
    history = [_offer(START, "open_question"), _offer(START + timedelta(days=1), "empathy")]
    assert due_assessments(PLAN, [_member()], history, START + timedelta(days=20), SCENARIOS) == []
    week4 = START + timedelta(weeks=4)
    (due,) = due_assessments(PLAN, [_member()], history, week4, SCENARIOS)
    assert (due.round, due.behavior) == (1, "open_question")
    # Round 1 never happened; in round 2 the rep is asked round 2's questions, once each.
    (late,) = due_assessments(PLAN, [_member()], history, START + timedelta(weeks=8, days=3), SCENARIOS)
    assert (late.round, late.behavior) == (2, "open_question")


def test_nothing_is_due_before_the_start_or_after_the_end() -> None:
    ended = ProgrammePlan(7, PLAN.behaviors, START, 4, ended_on=START + timedelta(weeks=5))
    assert due_assessments(PLAN, [_member()], [], START - timedelta(days=1), SCENARIOS) == []
    assert due_assessments(ended, [_member()], [], START + timedelta(weeks=5), SCENARIOS) == []


def test_practice_waits_for_the_baseline_or_a_week() -> None:
    rep = _member()
    assert practice_allowed(PLAN, rep, [], START - timedelta(days=1))  # the programme has not begun
    assert not practice_allowed(PLAN, rep, [], START)
    half = [_offer(START, "open_question")]
    assert not practice_allowed(PLAN, rep, half, START + timedelta(days=1))
    both = half + [_offer(START + timedelta(days=1), "empathy")]
    assert practice_allowed(PLAN, rep, both, START + timedelta(days=2))
    assert practice_allowed(PLAN, rep, [], START + timedelta(days=7))  # an ignored baseline cannot stall practice


def test_holdout_reps_only_take_assessments_until_their_holdout_ends_and_its_closing_round() -> None:
    held = _member(2, HOLDOUT, UNTIL)
    baseline = [_offer(START, "open_question", pid=2), _offer(START, "empathy", pid=2)]
    assert not practice_allowed(PLAN, held, baseline, START + timedelta(weeks=3))
    assert not practice_allowed(PLAN, held, baseline, UNTIL)  # first the round that closes the holdout
    closing = baseline + [_offer(UNTIL, "open_question", 2, pid=2), _offer(UNTIL, "empathy", 2, pid=2)]
    assert practice_allowed(PLAN, held, closing, UNTIL + timedelta(days=1))
    ended = ProgrammePlan(7, PLAN.behaviors, START, 4, ended_on=START + timedelta(weeks=2))
    assert practice_allowed(ended, held, baseline, START + timedelta(weeks=2))  # stopping a programme frees everyone


def test_the_comparison_stops_at_the_round_that_closed_the_holdout() -> None:
    assert comparison_round(PLAN, UNTIL, UNTIL - timedelta(days=1)) is None
    assert comparison_round(PLAN, UNTIL, UNTIL + timedelta(weeks=10)) == 2
    assert comparison_round(PLAN, None, UNTIL) is None


def test_assessment_keys_round_trip() -> None:
    key = assessment_key(3, 44, 2, "impact_before_fix")
    assert parse_assessment_key(key) == (3, 44, 2, "impact_before_fix")
    assert parse_assessment_key("push:44:2026-W02:0") is None


def test_assessments_go_out_in_the_reps_own_working_hours() -> None:
    berlin = WorkingHours("Europe/Berlin", "09:00", "17:00", (0, 1, 2, 3, 4))
    monday_early = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert push_time(monday_early, berlin) == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    midday = datetime(2026, 1, 5, 11, 0, tzinfo=UTC)
    assert push_time(midday, berlin) == midday
    friday_evening = datetime(2026, 1, 9, 17, 30, tzinfo=UTC)
    assert push_time(friday_evening, berlin) is None
    assert next_window_start(friday_evening, berlin) == datetime(2026, 1, 12, 8, 0, tzinfo=UTC)  # Monday
    summer = datetime(2026, 7, 6, 5, 0, tzinfo=UTC)  # daylight saving: 09:00 in Berlin is 07:00 UTC
    assert push_time(summer, berlin) == datetime(2026, 7, 6, 7, 0, tzinfo=UTC)
    assert push_time(midday, WorkingHours("Not/AZone")) == midday  # a bogus time zone falls back to UTC
