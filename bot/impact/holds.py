"""Practice holds: which reps an impact programme keeps from practice on a date, and why.

One query, `Holds.holds`: a rep in the holdout waits until their start date,
and everyone takes the baseline assessment before practising. The push
scheduler skips held reps' pushes; the practice engine tells a held rep why
(`Holds.message`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from bot.impact import schedule
from bot.impact.programmes import plan_of
from scheduler.hours import local_date
from storage.models import Programme, ProgrammeMember
from storage.repos.programmes import ProgrammeRepo, Window


@dataclass(frozen=True)
class PracticeHold:
    """Why a programme keeps a rep's practice back: in the holdout until a date, or a baseline still to take."""

    programme_id: int
    holdout_until: date | None  # None: the holdout is over (or there is none) but the baseline comes first

    @property
    def reason(self) -> str:
        if self.holdout_until is not None:
            return f"in the holdout of programme {self.programme_id} until {self.holdout_until.isoformat()}"
        return f"assessment first (programme {self.programme_id})"

    @property
    def user_message(self) -> str:
        if self.holdout_until is not None:
            return (f"You're in the comparison group of programme {self.programme_id} until "
                    f"{self.holdout_until:%A %d %B %Y}, so practice opens for you then. Your assessments still "
                    "come as usual: they are how we measure what practice changes, so thank you for taking them.")
        return (f"Your assessment for programme {self.programme_id} comes first: it is the baseline that shows "
                "how practice changes things. It arrives as a message from me; once it's done, practice is open.")


class Holds:
    """Who a programme holds back from practice."""

    def __init__(self, store: ProgrammeRepo) -> None:
        self.store = store

    def holds(self, person_ids: Iterable[int], on_date: date) -> dict[int, PracticeHold]:
        """Of these reps, those whose practice must wait on `on_date` (held out, or assessment pending), and why."""
        by_programme: dict[int, list[ProgrammeMember]] = {}
        for m in self.store.memberships(person_ids):
            by_programme.setdefault(m.programme_id, []).append(m)
        held: dict[int, PracticeHold] = {}
        for programme_id, members in sorted(by_programme.items()):
            programme = self.store.get(programme_id)
            if programme is None:
                continue
            plan = plan_of(programme)
            waiting = [m for m in members if programme.start_date <= on_date < m.practice_from + schedule.BASELINE_GRACE]
            history = offer_history(self.store, programme, {}) if waiting else []
            for m in waiting:
                if m.person_id in held or schedule.practice_allowed(
                        plan, schedule.MemberPlan(m.person_id, m.cohort, m.practice_from), history, on_date):
                    continue
                held[m.person_id] = PracticeHold(programme_id, m.practice_from if on_date < m.practice_from else None)
        return held

    def message(self, person_id: int, on_date: date) -> str | None:
        """What to tell a rep who asks for practice while a programme holds it back; None when they may."""
        hold = self.holds([person_id], on_date).get(person_id)
        return hold.user_message if hold is not None else None


def offer_history(store: ProgrammeRepo, programme: Programme, windows: Mapping[int, Window]) -> list[schedule.Offer]:
    """The programme's assessments offered so far, each on its rep's local date."""
    out = []
    for o in store.offers(schedule.key_prefix(programme.id)):  # type: ignore[arg-type]
        parsed = schedule.parse_assessment_key(o.key)
        if parsed is None:
            continue
        tz = windows[o.person_id].tz if o.person_id in windows else "UTC"
        out.append(schedule.Offer(o.person_id, parsed[2], parsed[3], local_date(tz, aware(o.due_at)),
                                  o.closed))
    return out


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; they are UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
