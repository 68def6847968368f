"""Digest periods: every other week on the manager's digest day, in the manager's own calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.digests.periods import (
    Period,
    last_complete_period,
    latest_digest_moment,
    parse_period,
    period_containing,
)

UTC = UTC


def test_a_digest_reports_on_the_fourteen_days_before_its_day() -> None:
    period = last_complete_period(date(2026, 11, 18), weekday=0)
    assert period == Period(date(2026, 11, 2), date(2026, 11, 15))
    assert period.days == 14 and period.label() == "2 – 15 Nov 2026"


def test_digest_days_come_every_other_week_on_the_chosen_weekday() -> None:
    days = {last_complete_period(date(2026, 1, 1) + timedelta(days=i), weekday=3).end + timedelta(days=1)
            for i in range(120)}
    assert all(d.weekday() == 3 for d in days)
    ordered = sorted(days)
    assert all((b - a).days == 14 for a, b in zip(ordered, ordered[1:]))


def test_every_day_falls_in_exactly_one_period() -> None:
    for i in range(60):
        day = date(2026, 3, 1) + timedelta(days=i)
        period = period_containing(day, weekday=2)
        assert period.start <= day <= period.end and period.days == 14


def test_the_digest_is_due_at_the_managers_local_morning() -> None:
    # 08:00 in Tokyo on Monday 16 Nov is 23:00 UTC on Sunday 15 Nov.
    moment, period = latest_digest_moment(datetime(2026, 11, 15, 23, 30, tzinfo=UTC), "Asia/Tokyo", 0, 8)
    assert moment == datetime(2026, 11, 15, 23, 0, tzinfo=UTC) and period.end == date(2026, 11, 15)
    # Half an hour earlier it was not due yet: the latest due digest was two weeks before.
    earlier, previous = latest_digest_moment(datetime(2026, 11, 15, 22, 30, tzinfo=UTC), "Asia/Tokyo", 0, 8)
    assert earlier == moment - timedelta(days=14) and previous == period.shift(-1)


def test_period_bounds_are_local_midnights_even_across_a_clock_change() -> None:
    # US clocks go back on 1 Nov 2026: the period 26 Oct – 8 Nov starts at UTC-7 and ends at UTC-8.
    start, end = Period(date(2026, 10, 26), date(2026, 11, 8)).utc_bounds("America/Los_Angeles")
    assert start == datetime(2026, 10, 26, 7, tzinfo=UTC) and end == datetime(2026, 11, 9, 8, tzinfo=UTC)


def test_an_unknown_time_zone_falls_back_to_utc_instead_of_failing() -> None:
    start, _ = Period(date(2026, 11, 2), date(2026, 11, 15)).utc_bounds("Mars/Olympus_Mons")
    assert start == datetime(2026, 11, 2, tzinfo=UTC)


@pytest.mark.parametrize("word, expected", [
    ("last", Period(date(2026, 11, 2), date(2026, 11, 15))),
    ("current", Period(date(2026, 11, 16), date(2026, 11, 29))),
    ("previous", Period(date(2026, 10, 19), date(2026, 11, 1))),
    ("2026-10-20", Period(date(2026, 10, 19), date(2026, 11, 1))),
])
def test_period_can_be_named_by_a_word_or_a_date(word: str, expected: Period) -> None:
    assert parse_period(word, date(2026, 11, 20), weekday=0) == expected


def test_a_period_that_is_neither_a_word_nor_a_date_says_what_to_write() -> None:
    with pytest.raises(ValueError, match="use last, current, previous, or a date"):
        parse_period("fortnight", date(2026, 11, 20), weekday=0)
