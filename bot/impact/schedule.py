"""Which assessment is due for whom, and whether a rep may practise yet. Pure: dates in, decisions out.

Every member takes a baseline round at the programme's start (one short
assessment per behavior), then another round every N weeks. A round's
assessments come one a day, in the programme's behavior order, so a rep is
never handed three at once; a round that was not finished when the next one
begins is left behind rather than piled up. Practice waits for the baseline
(or for a week, so an ignored assessment cannot stall practice for good), and
holdout reps wait until their holdout ends and they have taken the round that
closes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from scheduler.hours import zone

KEY_PREFIX = "assess"
BASELINE_GRACE = timedelta(days=7)  # practice starts this long after the start even without a baseline


@dataclass(frozen=True)
class ProgrammePlan:
    id: int
    behaviors: tuple[str, ...]
    start_date: date
    every_weeks: int = 4
    ended_on: date | None = None


@dataclass(frozen=True)
class MemberPlan:
    person_id: int
    cohort: str
    practice_from: date


@dataclass(frozen=True)
class Offer:
    """An assessment already put in front of a rep (planned or sent), and whether it is over."""

    person_id: int
    round: int
    behavior: str
    offered_on: date
    closed: bool = False  # finished, skipped or expired


@dataclass(frozen=True)
class DueAssessment:
    programme_id: int
    person_id: int
    round: int
    behavior: str
    scenario_id: str
    key: str  # the push log's idempotency key: planning twice never pushes twice


def assessment_key(programme_id: int, person_id: int, round_: int, behavior: str) -> str:
    return f"{KEY_PREFIX}:{programme_id}:{person_id}:{round_}:{behavior}"


def key_prefix(programme_id: int) -> str:
    return f"{KEY_PREFIX}:{programme_id}:"


def parse_assessment_key(key: str) -> tuple[int, int, int, str] | None:
    """(programme, person, round, behavior) from a key made by `assessment_key`, else None."""
    parts = key.split(":")
    if len(parts) != 5 or parts[0] != KEY_PREFIX or not all(p.isdigit() for p in parts[1:4]):
        return None
    return int(parts[1]), int(parts[2]), int(parts[3]), parts[4]


def round_on(programme: ProgrammePlan, day: date) -> int | None:
    """The assessment round running on `day` (0 = baseline), or None outside the programme."""
    if day < programme.start_date or (programme.ended_on is not None and day >= programme.ended_on):
        return None
    return (day - programme.start_date).days // (7 * programme.every_weeks)


def round_start(programme: ProgrammePlan, round_: int) -> date:
    return programme.start_date + timedelta(weeks=programme.every_weeks * round_)


def due_assessments(programme: ProgrammePlan, members: Iterable[MemberPlan], history: Iterable[Offer],
                    today: date, scenarios: Mapping[str, str]) -> list[DueAssessment]:
    """The assessments to push today: at most one per member, the next behavior of the current round.

    `scenarios` maps each behavior to its assessment scenario id; `history` is this programme's offers."""
    current = round_on(programme, today)
    if current is None:
        return []
    offered: dict[int, set[str]] = {}
    busy_today: set[int] = set()
    for o in history:
        if o.round == current:
            offered.setdefault(o.person_id, set()).add(o.behavior)
        if o.offered_on == today:
            busy_today.add(o.person_id)
    due = []
    for m in members:
        if m.person_id in busy_today:
            continue
        taken = offered.get(m.person_id, set())
        behavior = next((b for b in programme.behaviors if b not in taken), None)
        if behavior is None:
            continue
        due.append(DueAssessment(programme.id, m.person_id, current, behavior, scenarios[behavior],
                                 assessment_key(programme.id, m.person_id, current, behavior)))
    return due


def round_done(programme: ProgrammePlan, person_id: int, round_: int, history: Iterable[Offer]) -> bool:
    """Whether every assessment of a round is over for the rep (taken, skipped or expired)."""
    closed = {o.behavior for o in history if o.person_id == person_id and o.round == round_ and o.closed}
    return all(b in closed for b in programme.behaviors)


def practice_allowed(programme: ProgrammePlan, member: MemberPlan, history: Sequence[Offer], on_date: date) -> bool:
    """Whether practice may be pushed to the rep on `on_date` as far as this programme is concerned.

    From `practice_from` on, once the assessment round running that day is over for the rep: the
    baseline for the practising cohort, the closing assessment of the holdout for holdout reps. So a
    holdout rep's last measurement is taken before their first practice. After BASELINE_GRACE, practice
    starts anyway."""
    if on_date < programme.start_date:
        return True  # not begun: the rep's practice goes on as before
    if programme.ended_on is not None and on_date >= programme.ended_on:
        return True  # the programme is over: nobody is held back any more
    if on_date < member.practice_from:
        return False
    if on_date >= member.practice_from + BASELINE_GRACE:
        return True
    gate = round_on(programme, member.practice_from)
    return gate is None or round_done(programme, member.person_id, gate, history)


def comparison_round(programme: ProgrammePlan, holdout_from: date | None, today: date) -> int | None:
    """The last assessment round in which the holdout is still untouched by practice, or None for every round.

    None while the holdout lasts (or when there is none): every round so far compares cleanly."""
    if holdout_from is None or today < holdout_from:
        return None
    return (holdout_from - programme.start_date).days // (7 * programme.every_weeks)


# ---- when in the rep's day ------------------------------------------------------


@dataclass(frozen=True)
class WorkingHours:
    """A rep's push window: their time zone and their team's cadence hours and weekdays."""

    tz: str
    start: str = "09:00"
    end: str = "17:00"
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)


def _hhmm(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def push_time(now: datetime, hours: WorkingHours) -> datetime | None:
    """When to push today: now if inside working hours, the window's start if before it, None if the
    day is over or not a working day."""
    tzinfo = zone(hours.tz)  # a bogus profile time zone still gets its assessments, in UTC
    local = now.astimezone(tzinfo)
    if local.weekday() not in hours.weekdays:
        return None
    start = datetime.combine(local.date(), _hhmm(hours.start), tzinfo)
    end = datetime.combine(local.date(), _hhmm(hours.end), tzinfo)
    if local < start:
        return start.astimezone(UTC)
    return now if local < end else None


def next_window_start(now: datetime, hours: WorkingHours) -> datetime:
    """The start of the rep's next working window after `now` (within a week; else a day later)."""
    tzinfo = zone(hours.tz)
    today = now.astimezone(tzinfo).date()
    for offset in range(8):
        day = today + timedelta(days=offset)
        start = datetime.combine(day, _hhmm(hours.start), tzinfo)
        if day.weekday() in hours.weekdays and start > now:
            return start.astimezone(UTC)
    return now + timedelta(days=1)
