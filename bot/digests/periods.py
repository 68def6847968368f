"""Biweekly digest periods in a manager's local calendar.

Periods are fixed two-week blocks, so every process (and every re-run) agrees on
which period a date belongs to: the digest day is a weekday, digest days repeat
every 14 days from an epoch, and the period of a digest covers the 14 local days
before it. Nothing here reads a clock; callers pass `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from scheduler.hours import zone

PERIOD_DAYS = 14
EPOCH = date(2024, 1, 1)  # a Monday; anchors the two-week rhythm for every weekday


@dataclass(frozen=True)
class Period:
    """Local calendar days `start`..`end` inclusive."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shift(self, periods: int) -> Period:
        delta = timedelta(days=PERIOD_DAYS * periods)
        return Period(self.start + delta, self.end + delta)

    def utc_bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) as UTC instants: local midnight of the first day to local midnight after the last."""
        tzinfo = zone(tz)
        start = datetime.combine(self.start, time(0), tzinfo).astimezone(UTC)
        end = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo).astimezone(UTC)
        return start, end

    def label(self) -> str:
        """'2 – 15 Nov 2026', '26 Oct – 8 Nov 2026' or '28 Dec 2026 – 10 Jan 2027'."""
        s, e = self.start, self.end
        if s.year != e.year:
            return f"{s.day} {s:%b %Y} – {e.day} {e:%b %Y}"
        if s.month != e.month:
            return f"{s.day} {s:%b} – {e.day} {e:%b %Y}"
        return f"{s.day} – {e.day} {e:%b %Y}"


def last_digest_day(today: date, weekday: int) -> date:
    """The latest digest day on or before `today` for a digest weekday (0 = Monday)."""
    first = EPOCH + timedelta(days=weekday % 7)
    elapsed = (today - first).days
    return first + timedelta(days=(elapsed // PERIOD_DAYS) * PERIOD_DAYS)


def period_before(digest_day: date) -> Period:
    """The period a digest sent on `digest_day` reports on."""
    return Period(digest_day - timedelta(days=PERIOD_DAYS), digest_day - timedelta(days=1))


def period_containing(day: date, weekday: int) -> Period:
    """The period that `day` falls in."""
    return period_before(last_digest_day(day, weekday) + timedelta(days=PERIOD_DAYS))


def last_complete_period(today: date, weekday: int) -> Period:
    return period_before(last_digest_day(today, weekday))


def latest_digest_moment(now: datetime, tz: str, weekday: int, hour: int) -> tuple[datetime, Period]:
    """The most recent moment (UTC) a digest was due at or before `now`, and the period it covers."""
    tzinfo = zone(tz)
    local = now.astimezone(tzinfo)
    day = last_digest_day(local.date(), weekday)
    due = datetime.combine(day, time(hour % 24), tzinfo)
    if due > local:
        day -= timedelta(days=PERIOD_DAYS)
        due = datetime.combine(day, time(hour % 24), tzinfo)
    return due.astimezone(UTC), period_before(day)


def trailing(period: Period, count: int) -> list[Period]:
    """`count` consecutive periods ending with `period`, oldest first."""
    return [period.shift(-i) for i in range(count - 1, -1, -1)]


def parse_period(value: str, today: date, weekday: int) -> Period:
    """The CLI's --period: `last` (the latest complete period), `current`, `previous`, or a date in the period."""
    word = value.strip().lower()
    if word in ("", "last"):
        return last_complete_period(today, weekday)
    if word == "current":
        return period_containing(today, weekday)
    if word == "previous":
        return last_complete_period(today, weekday).shift(-1)
    try:
        return period_containing(date.fromisoformat(word), weekday)
    except ValueError:
        raise ValueError(
            f"'{value}' is not a period: use last, current, previous, or a date like 2026-11-09"
        ) from None
