"""Local time for a person: their zone, their date, and their working hours (is it now, when does the next window open).

Pure helpers shared by delivery (late pushes), nudges, digests, impact
assessments, the practice engine and the planner; zoneinfo does the
daylight-saving arithmetic. This is the one home of "zone or UTC" and of a
person's local date: call `zone(tz)` and `local_date(tz, at)`, time zone first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scheduler.cadence import CadenceSpec

UTC = UTC


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    """The time zone by IANA name; no name, or a bogus one (a stale profile), falls back to UTC rather than failing."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(tz: str | None, at: datetime) -> date:
    """The calendar date at `at` where the person is."""
    return at.astimezone(zone(tz)).date()


def in_working_hours(spec: CadenceSpec, tz: str, at: datetime) -> bool:
    local = at.astimezone(zone(tz))
    return local.weekday() in spec.weekdays and spec.window_start <= local.time() <= spec.window_end


def next_working_start(spec: CadenceSpec, tz: str, after: datetime, skip_today: bool = False) -> datetime:
    """The first working moment at or after `after`; with `skip_today`, the next working morning."""
    tzinfo = zone(tz)
    local = after.astimezone(tzinfo)
    for offset in range(0, 15):
        day = local.date() + timedelta(days=offset)
        if day.weekday() not in spec.weekdays or (skip_today and offset == 0):
            continue
        start = datetime.combine(day, spec.window_start, tzinfo)
        end = datetime.combine(day, spec.window_end, tzinfo)
        if after < start:
            return start.astimezone(UTC)
        if after <= end:
            return after.astimezone(UTC)  # already inside this day's window
    return (after + timedelta(days=1)).astimezone(UTC)


def nudge_due_at(spec: CadenceSpec, tz: str, since: datetime) -> datetime:
    """When a nudge falls due after `since` (the push or the previous nudge), inside working hours."""
    if spec.nudge_after_hours:
        return next_working_start(spec, tz, since + timedelta(hours=spec.nudge_after_hours))
    return next_working_start(spec, tz, since, skip_today=True)
