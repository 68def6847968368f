"""The planner on its own: a pure function from reps, cadences and a week to push times."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.cadence import CadenceSpec
from scheduler.days import choose_days
from scheduler.planner import IsoWeek, RepPlanInput, plan_week

UTC = UTC
WEEK = IsoWeek(2026, 48)  # Mon 23 Nov - Sun 29 Nov 2026
DEFAULT = {1: CadenceSpec()}


def days_of(pushes, tz: str) -> list[str]:
    return [p.due_at_utc.astimezone(ZoneInfo(tz)).strftime("%a") for p in pushes]


def test_three_sessions_a_week_land_mon_wed_fri_not_three_days_in_a_row() -> None:
    pushes = plan_week([RepPlanInput(7, "Europe/Berlin", 1)], DEFAULT, WEEK)
    assert days_of(pushes, "Europe/Berlin") == ["Mon", "Wed", "Fri"]
    assert [p.idempotency_key for p in pushes] == ["push:7:2026-W48:0", "push:7:2026-W48:1", "push:7:2026-W48:2"]


def test_spread_days_for_each_sessions_per_week() -> None:
    weekdays = (0, 1, 2, 3, 4)
    assert choose_days(weekdays, 1, 24.0, 9.0, 17.0) == (0,)
    assert choose_days(weekdays, 2, 24.0, 9.0, 17.0) == (0, 3)
    assert choose_days(weekdays, 3, 24.0, 9.0, 17.0) == (0, 2, 4)
    assert choose_days(weekdays, 5, 24.0, 9.0, 17.0) == (0, 1, 2, 3, 4)


def test_every_push_is_inside_the_reps_own_working_hours() -> None:
    zones = ["Pacific/Auckland", "Asia/Kolkata", "Europe/London", "America/Sao_Paulo", "America/Los_Angeles"]
    reps = [RepPlanInput(i, tz, 1) for i, tz in enumerate(zones)]
    pushes = plan_week(reps, DEFAULT, WEEK)
    assert len(pushes) == 15
    for p in pushes:
        local = p.due_at_utc.astimezone(ZoneInfo(zones[p.person_id]))
        assert time(9) <= local.time() <= time(17), f"{zones[p.person_id]}: {local}"
        assert IsoWeek.of(local.date()) == WEEK


def test_a_week_with_a_daylight_saving_change_on_a_working_day_in_two_time_zones() -> None:
    # Every day is a working day here, so the change (London Sun 29 Mar, Jerusalem Fri 27 Mar 2026)
    # falls between two pushes of the same week.
    spec = CadenceSpec(sessions_per_week=5, weekdays=(0, 1, 2, 3, 4, 5, 6), min_spacing_hours=30)
    week = IsoWeek(2026, 13)
    for tz, before, after in (("Europe/London", 0, 1), ("Asia/Jerusalem", 2, 3)):
        pushes = plan_week([RepPlanInput(1, tz, 1)], {1: spec}, week)
        assert len(pushes) == 5
        locals_ = [p.due_at_utc.astimezone(ZoneInfo(tz)) for p in pushes]
        assert all(time(9) <= t.time() <= time(17) for t in locals_), locals_
        assert all(b - a >= timedelta(hours=30) for a, b in zip(pushes_utc(pushes), pushes_utc(pushes)[1:]))
        offsets = [t.utcoffset() // timedelta(hours=1) for t in locals_]
        assert offsets[0] == before and offsets[-1] == after


def pushes_utc(pushes) -> list[datetime]:
    return [p.due_at_utc for p in pushes]


def test_the_same_inputs_plan_the_same_week_after_a_restart() -> None:
    reps = [RepPlanInput(i, tz, 1, country="GB") for i, tz in enumerate(["Europe/London", "Asia/Tokyo"] * 50)]
    first = plan_week(reps, DEFAULT, WEEK)
    assert plan_week(reps, DEFAULT, WEEK) == first
    in_other_order = {p.idempotency_key: p.due_at_utc for p in plan_week(list(reversed(reps)), DEFAULT, WEEK)}
    assert in_other_order == {p.idempotency_key: p.due_at_utc for p in first}


def test_jitter_differs_between_reps_and_weeks() -> None:
    reps = [RepPlanInput(i, "Europe/Berlin", 1) for i in range(50)]
    this_week = plan_week(reps, DEFAULT, WEEK)
    assert len({p.due_at_utc.time() for p in this_week if p.slot == 0}) == 50
    next_week = plan_week(reps, DEFAULT, WEEK.next())
    assert [p.due_at_utc.time() for p in this_week] != [p.due_at_utc.time() for p in next_week]


def test_a_5000_rep_team_never_lands_on_the_platform_in_one_second() -> None:
    reps = [RepPlanInput(i, "Europe/Berlin", 1) for i in range(5000)]
    planned = plan_week(reps, DEFAULT, WEEK)
    per_second = Counter(p.due_at_utc for p in planned)
    per_minute = Counter(p.due_at_utc.replace(second=0) for p in planned)
    assert max(per_second.values()) <= 4
    assert max(per_minute.values()) <= 30  # about 10 a minute on average over the 480-minute day


def test_public_holidays_are_skipped_for_the_reps_country_when_the_cadence_asks() -> None:
    # Thu 26 Nov 2026 is Thanksgiving in the US, an ordinary day in Germany.
    spec = CadenceSpec(sessions_per_week=5, holidays_country="US")
    us = plan_week([RepPlanInput(1, "America/Chicago", 1)], {1: spec}, WEEK)
    de = plan_week([RepPlanInput(2, "Europe/Berlin", 1, country="DE")], {1: spec}, WEEK)
    assert days_of(us, "America/Chicago") == ["Mon", "Tue", "Wed", "Fri"]
    assert days_of(de, "Europe/Berlin") == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    without = plan_week([RepPlanInput(1, "America/Chicago", 1)], {1: CadenceSpec(sessions_per_week=5)}, WEEK)
    assert len(without) == 5


def test_a_snoozed_rep_gets_only_the_days_after_the_snooze() -> None:
    pushes = plan_week([RepPlanInput(1, "UTC", 1, snoozed_until=date(2026, 11, 25))], DEFAULT, WEEK)
    assert days_of(pushes, "UTC") == ["Thu", "Fri"]  # as many of the three as still fit
    assert plan_week([RepPlanInput(1, "UTC", 1, snoozed_until=date(2026, 12, 31))], DEFAULT, WEEK) == []


def test_start_and_end_dates_bound_the_cadence() -> None:
    spec = CadenceSpec(start_date=date(2026, 11, 25), end_date=date(2026, 11, 26), sessions_per_week=3)
    pushes = plan_week([RepPlanInput(1, "UTC", 1)], {1: spec}, WEEK)
    assert days_of(pushes, "UTC") == ["Wed", "Thu"]


def test_the_first_push_keeps_its_distance_from_last_weeks_late_push() -> None:
    spec = CadenceSpec(sessions_per_week=3, weekdays=(0, 2, 4, 6), min_spacing_hours=36)
    last = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Sunday afternoon
    [monday, *_] = plan_week([RepPlanInput(1, "UTC", 1, last_push_at=last)], {1: spec}, WEEK)
    assert monday.due_at_utc >= last + timedelta(hours=17)  # as late as Monday's window allows
    assert monday.due_at_utc.time() <= time(17)


def test_reps_without_a_cadence_or_with_an_unknown_time_zone() -> None:
    assert plan_week([RepPlanInput(1, "UTC", 99)], DEFAULT, WEEK) == []
    pushes = plan_week([RepPlanInput(1, "Mars/Olympus_Mons", 1)], DEFAULT, WEEK)
    assert len(pushes) == 3 and all(time(9) <= p.due_at_utc.time() <= time(17) for p in pushes)


@settings(max_examples=60, deadline=None)
@given(
    sessions=st.integers(1, 5),
    extra_days=st.sets(st.integers(0, 6), max_size=7),
    start_hour=st.integers(5, 12),
    hours=st.integers(2, 10),
    spacing=st.integers(0, 48),
    tz=st.sampled_from(["UTC", "Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kathmandu"]),
    week=st.integers(1, 52),
    person=st.integers(1, 10**9),
)
def test_any_valid_cadence_keeps_hours_days_and_spacing(sessions, extra_days, start_hour, hours, spacing, tz, week,
                                                        person) -> None:
    days = sorted(set(range(sessions)) | extra_days)
    try:
        spec = CadenceSpec(sessions_per_week=sessions, weekdays=days, window_start=f"{start_hour}:00",
                           window_end=f"{start_hour + hours}:00", min_spacing_hours=spacing)
    except ValueError:
        return  # an infeasible cadence is refused at validation, with its own message
    pushes = plan_week([RepPlanInput(person, tz, 1)], {1: spec}, IsoWeek(2026, week))
    assert len(pushes) == sessions
    zone = ZoneInfo(tz)
    for p in pushes:
        local = p.due_at_utc.astimezone(zone)
        assert local.weekday() in spec.weekdays
        assert spec.window_start <= local.time() <= spec.window_end
    for a, b in zip(pushes, pushes[1:]):
        # One hour of slack: a daylight-saving night may squeeze a tight chain; working hours win.
        assert b.due_at_utc - a.due_at_utc >= timedelta(hours=spacing) - timedelta(hours=1, seconds=1)
