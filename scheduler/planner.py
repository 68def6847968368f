"""The planner: a pure function from reps, cadences and a week to push times.

Each rep's week is their own local ISO week. Pushes land inside the rep's
working-hours window (zoneinfo, so daylight-saving changes are honoured), on
spread-out days that skip public holidays and snoozed days, at least the
cadence's spacing apart (also from the rep's last push of the week before), at
a time jittered by a hash of (person, week, slot). The same inputs always give
the same plan, so a restarted process plans the very same week and the push
log's unique keys make planning it again a no-op.

Work shared by every rep with the same calendar (time zone, cadence, holidays,
snooze) is memoised, so a week for 100,000 reps is a few seconds of Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import numpy as np

from scheduler.cadence import CadenceSpec
from scheduler.days import choose_days
from scheduler.hours import zone

UTC = UTC


@dataclass(frozen=True, order=True)
class IsoWeek:
    """An ISO week (Monday to Sunday), e.g. 2026-W48."""

    year: int
    week: int

    @classmethod
    def of(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, label: str) -> IsoWeek:
        year, _, week = label.upper().partition("-W")
        return cls(int(year), int(week))

    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def days(self) -> list[date]:
        first = self.monday()
        return [first + timedelta(days=i) for i in range(7)]

    def next(self, weeks: int = 1) -> IsoWeek:
        return IsoWeek.of(self.monday() + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True, slots=True)
class RepPlanInput:
    """What the planner needs to know about one rep."""

    person_id: int
    tz: str
    cadence_id: int  # key into the cadences mapping (the team's id)
    snoozed_until: date | None = None  # no pushes on or before this local date
    country: str | None = None  # the rep's own public holidays, when the cadence observes holidays
    last_push_at: datetime | None = None  # the latest push before this week, for the spacing rule


@dataclass(frozen=True, slots=True)
class PlannedPush:
    person_id: int
    due_at_utc: datetime
    slot: int
    week: str
    idempotency_key: str


PUSH_KEY_PREFIX = "push:"


def push_key(person_id: int, week: IsoWeek | str, slot: int) -> str:
    return f"{PUSH_KEY_PREFIX}{person_id}:{week}:{slot}"


def is_scheduled_push(key: str | None) -> bool:
    """Whether an idempotency key is a cadence push's (planned here), not an assignment or an assessment."""
    return bool(key) and key.startswith(PUSH_KEY_PREFIX)  # type: ignore[union-attr]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def jitter(person_ids: np.ndarray, week: IsoWeek, slot: int) -> np.ndarray:
    """Stable fractions in [0, 1), one per person: same (person, week, slot), same time, on every restart.

    splitmix64 over the three numbers: plain integer arithmetic, so it is identical on every
    machine and vectorises (a cryptographic hash per push was most of the planning time)."""
    with np.errstate(over="ignore"):
        x = person_ids.astype(np.uint64) * _GOLDEN
        x ^= np.uint64(week.year * 100 + week.week) * _MIX1 + np.uint64(slot + 1) * _MIX2
        x ^= x >> np.uint64(30)
        x *= _MIX1
        x ^= x >> np.uint64(27)
        x *= _MIX2
        x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


@lru_cache(maxsize=1024)
def holiday_dates(country: str, year: int) -> frozenset[date]:
    """Public holidays of a country in a year (empty for a country the holidays package lacks)."""
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:
        return frozenset()


@lru_cache(maxsize=65536)
def _window(tz: str, day: date, start: time, end: time) -> tuple[float, float]:
    """The working-hours window of a local day as UTC epoch seconds (DST-aware)."""
    tzinfo = zone(tz)
    return (datetime.combine(day, start, tzinfo).timestamp(), datetime.combine(day, end, tzinfo).timestamp())


@lru_cache(maxsize=65536)
def _calendar(spec: CadenceSpec, tz: str, week: IsoWeek, country: str | None, snoozed_until: date | None
              ) -> tuple[tuple[float, float], ...]:
    """The UTC windows of the days this week's pushes land on, for everyone sharing these inputs."""
    days = week.days()
    off: set[date] = set()
    if country:
        off |= {d for d in days if d in holiday_dates(country, d.year)}
    available = tuple(
        d.weekday() for d in days
        if d.weekday() in spec.weekdays
        and d not in off
        and (spec.start_date is None or d >= spec.start_date)
        and (spec.end_date is None or d <= spec.end_date)
        and (snoozed_until is None or d > snoozed_until)
    )
    chosen = choose_days(available, spec.sessions_per_week, float(spec.min_spacing_hours),
                         spec.window_start_h, spec.window_end_h)
    return tuple(_window(tz, days[d], spec.window_start, spec.window_end) for d in chosen)


def _times(windows: tuple[tuple[float, float], ...], spacing_s: float, not_before: np.ndarray,
           person_ids: np.ndarray, week: IsoWeek) -> list[np.ndarray]:
    """Push times (UTC epoch seconds) per window for a group of reps sharing these windows.

    Each push is at least `spacing_s` after the previous one (and after `not_before`, NaN
    for none). A backward pass gives each push the latest time that still leaves room for
    the ones after it; then each push takes its jitter fraction of the room that is left."""
    latest = [w[1] for w in windows]
    for i in range(len(windows) - 2, -1, -1):
        latest[i] = min(latest[i], latest[i + 1] - spacing_s)
    out: list[np.ndarray] = []
    previous = not_before
    for i, (start, end) in enumerate(windows):
        earliest = np.fmax(previous + spacing_s, start)  # fmax: a NaN (no previous push) gives `start`
        room = latest[i] - earliest
        # No room only when a DST shift or last week's late push squeezes the chain: then working
        # hours win over spacing, so the push takes the earliest time its window still allows.
        at = np.where(room > 0, earliest + jitter(person_ids, week, i) * np.maximum(room, 0.0),
                      np.minimum(earliest, end))
        at = np.floor(at)  # whole seconds: tidy in logs, identical on every replan
        out.append(at)
        previous = at
    return out


def plan_week(reps: Iterable[RepPlanInput], cadences: Mapping[int, CadenceSpec], week: IsoWeek) -> list[PlannedPush]:
    """Every push of `week` for these reps, grouped by rep in slot order.

    Reps whose cadence is missing get nothing; a rep snoozed all week gets nothing."""
    label = str(week)
    monday = week.monday()
    groups: dict[tuple[int, str, str | None, date | None], list[RepPlanInput]] = {}
    for rep in reps:
        spec = cadences.get(rep.cadence_id)
        if spec is None:
            continue
        country = (rep.country or spec.holidays_country).upper() if spec.holidays_country else None
        snooze = rep.snoozed_until if rep.snoozed_until is not None and rep.snoozed_until >= monday else None
        groups.setdefault((rep.cadence_id, rep.tz, country, snooze), []).append(rep)

    out: list[PlannedPush] = []
    append = out.append
    fromtimestamp = datetime.fromtimestamp
    for (cadence_id, tz, country, snooze), members in groups.items():
        spec = cadences[cadence_id]
        windows = _calendar(spec, tz, week, country, snooze)
        if not windows:
            continue
        ids = np.fromiter((r.person_id for r in members), dtype=np.int64, count=len(members))
        not_before = np.fromiter((r.last_push_at.timestamp() if r.last_push_at is not None else np.nan
                                  for r in members), dtype=np.float64, count=len(members))
        per_slot = [t.tolist() for t in _times(windows, spec.min_spacing_hours * 3600.0, not_before, ids, week)]
        for index, rep in enumerate(members):
            pid = rep.person_id
            for slot, times in enumerate(per_slot):
                append(PlannedPush(pid, fromtimestamp(times[index], UTC), slot, label, push_key(pid, label, slot)))
    return out


def local_week(now: datetime, tz: str) -> IsoWeek:
    """The ISO week a rep is living in right now."""
    return IsoWeek.of(now.astimezone(zone(tz)).date())
