"""Scheduled practice pushes: plan each rep's week into the push log, then deliver what is due.

Planning turns team cadences into pending push-log rows (scheduler.planner does
the arithmetic; the unique idempotency key makes planning again a no-op).
Delivery claims due rows atomically, picks the scenario by spaced repetition
(scheduler.picker), waits its turn at the platform's rate limiter and starts the
practice session through the same PracticeService a `/practice` uses, with the
push key on the session (and on the card, for platforms that deduplicate).
A crash anywhere is safe to repeat: a row whose session already exists is only
marked sent, never pushed twice; a claim whose worker died expires and is
delivered by the next one; nothing is dropped silently (every give-up is a
failed or skipped row with its reason). The one window left is a platform call
that succeeded just before the worker died: the retry re-sends the same card
with the same key, which only a platform that deduplicates by key can absorb.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bot.messages import PersonRef
from bot.practice.engine import PracticeService
from bot.scheduling.cadences import CadenceService
from bot.scheduling.outbox import FAILED_OUTCOME, PUSH, RATE_LIMITED, RETRIED, SKIPPED_OUTCOME, Attempt, Outbox
from scenarios.loader import ScenarioLibrary
from scheduler.cadence import CadenceSpec
from scheduler.hours import in_working_hours, local_date, nudge_due_at
from scheduler.picker import ScenarioOption, ScoreEvent, pick_scenario
from scheduler.planner import IsoWeek, RepPlanInput, local_week, plan_week
from storage import Repositories
from storage.models import Person, PracticeSession, PushLog
from storage.repos.pushes import DeliveryContext, NewPush

log = logging.getLogger(__name__)
UTC = UTC
NUDGE_GRACE = timedelta(hours=1)  # room for the nudge job to run after a nudge falls due
HISTORY = timedelta(days=365)  # score history the picker reads (mastery intervals top out at 90 days)


@dataclass(frozen=True)
class PushPolicy:
    """How a push wave runs; the defaults suit Slack and Discord. (Its retry rule is
    RETRY_POLICIES[PUSH] in bot/scheduling/outbox.py, with every other delivery's.)"""

    # Pushes in flight at once; the rate limiter sets the pace. None: 4 on PostgreSQL, 1 on SQLite,
    # whose single writer turns parallel pushes into lock waits (measured: slower, not faster).
    concurrency: int | None = None
    # Rows claimed (and marked sent) per round trip; a dead worker's batch waits out claim_ttl.
    batch: int = 20
    late_grace: timedelta = timedelta(minutes=30)  # later than this, only within the rep's working day


@dataclass
class PlanReport:
    added: int = 0
    moved: int = 0
    dropped: int = 0


@dataclass
class DeliveryReport:
    sent: int = 0
    already_sent: int = 0  # found delivered by an earlier attempt (a crash after the platform call)
    retried: int = 0
    rate_limited: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        for name in ("sent", "already_sent", "retried", "rate_limited", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


# Which of these reps must not get practice on this local date (e.g. held out of an impact study).
HoldCheck = Callable[[Iterable[int], date], Collection[int]]


def _always() -> bool:
    return True


class PushService:
    """Plan and deliver scheduled pushes for every team with a cadence."""

    def __init__(self, repos: Repositories, practice: PracticeService, library: ScenarioLibrary,
                 cadences: CadenceService, outbox: Outbox, policy: PushPolicy = PushPolicy(), *,
                 keep_going: Callable[[], bool] = _always, holds: HoldCheck | None = None) -> None:
        self.repos = repos
        self.practice = practice
        self.library = library
        self.cadences = cadences
        self.outbox = outbox
        self.clock = outbox.clock
        self.pushes = outbox.log
        self.policy = policy
        self.keep_going = keep_going  # checked before each claim: a leader that lost its lock stops at once
        self.holds = holds  # held reps' pushes are skipped with the reason

    # ---- planning ---------------------------------------------------------------

    def team_specs(self) -> dict[int, CadenceSpec]:
        from bot.scheduling.cadences import spec_from_row

        return {row.team_id: spec_from_row(row) for row in self.cadences.cadences.all()}

    def plan(self, weeks_ahead: int = 1) -> PlanReport:
        """Bring the log in line with the plan for this week and the next `weeks_ahead` weeks.

        New pushes are inserted; pending ones that a changed cadence, time zone or snooze moved
        are rescheduled, and ones no longer planned are dropped. Past and claimed rows stay as
        they are. Planning twice in a row changes nothing the second time."""
        now = self.clock.now()
        report = PlanReport()
        specs = self.team_specs()
        reps = self.pushes.reps_to_plan()
        weeks = sorted({local_week(now, r.tz).next(n) for r in reps for n in range(weeks_ahead + 1)})
        for week in weeks:  # in order: each week's spacing looks at the week before, already planned
            last = self.pushes.last_push_before(_week_end_utc(week), exclude_weeks=[str(week), str(week.next())])
            inputs = [RepPlanInput(r.person_id, r.tz, r.team_id, r.snoozed_until, r.country, last.get(r.person_id))
                      for r in reps]
            planned = {p.idempotency_key: p for p in plan_week(inputs, specs, week) if p.due_at_utc > now}
            existing = self.pushes.pending_pushes(now, [str(week)])
            moved = [(row_id, planned[key].due_at_utc) for key, (row_id, due) in existing.items()
                     if key in planned and planned[key].due_at_utc != due]
            dropped = [row_id for key, (row_id, _) in existing.items() if key not in planned]
            if moved or dropped:
                self.pushes.replan(moved, dropped)
            report.moved += len(moved)
            report.dropped += len(dropped)
            report.added += self.pushes.insert_missing(
                (NewPush(p.idempotency_key, "push", p.person_id, p.due_at_utc)
                 for key, p in planned.items() if key not in existing), now)
        if report.added or report.moved or report.dropped:
            log.info("planned pushes: %s", report)
        return report

    # ---- delivery ---------------------------------------------------------------

    def deliver_due(self, limit: int | None = None) -> DeliveryReport:
        """Deliver every push due now, `concurrency` batches at a time, until none is left (or `limit`)."""
        report = DeliveryReport()
        lock = threading.Lock()
        taken = 0
        specs = self.team_specs()  # read once per wave, not per push

        def claim() -> list[PushLog]:
            nonlocal taken
            with lock:
                want = self.policy.batch if limit is None else min(self.policy.batch, limit - taken)
                if want <= 0 or not self.keep_going():
                    return []
                rows = self.outbox.claim_due(PUSH, want)
                taken += len(rows)
                return rows

        def work() -> None:
            while rows := claim():
                outcome = self.deliver_batch(rows, specs)
                with lock:
                    report.add(outcome)

        concurrency = self.policy.concurrency or (4 if self.repos.db.is_postgres else 1)
        if concurrency <= 1:
            work()
        else:
            with ThreadPoolExecutor(concurrency, thread_name_prefix="push") as pool:
                for future in [pool.submit(work) for _ in range(concurrency)]:
                    future.result()
        return report

    def deliver_batch(self, rows: list[PushLog], specs: Mapping[int, CadenceSpec] | None = None) -> DeliveryReport:
        """Claimed pushes in due order, with their reps' context read once for the whole batch."""
        specs = self.team_specs() if specs is None else specs
        ctx = self.pushes.delivery_context([r.person_id for r in rows if r.person_id is not None],
                                           since=self.clock.now() - HISTORY)
        report = DeliveryReport()
        sent: list[tuple[int, datetime, str, str]] = []
        try:
            for row in rows:
                report.add(self._deliver(row, specs, ctx, sent))
        finally:
            self.outbox.mark_sent_many(sent)  # one write for the batch; see mark_sent_many on safety
        return report

    def deliver(self, row: PushLog) -> DeliveryReport:
        """One claimed push, start to finish."""
        return self.deliver_batch([row])

    def _deliver(self, row: PushLog, specs: Mapping[int, CadenceSpec], ctx: DeliveryContext,
                 sent: list[tuple[int, datetime, str, str]]) -> DeliveryReport:
        """Every path leaves the row sent (or in `sent`, to be marked), pending, failed or skipped."""
        report = DeliveryReport()
        now = self.clock.now()
        assert row.id is not None
        # Only a row claimed before can have a session already (every claim counts an attempt).
        existing = self.repos.sessions.find_by_push_key(row.idempotency_key) if row.attempts > 1 else None
        if existing is not None:  # an earlier attempt reached the platform and stored the session
            sent.append((row.id, now, existing.id, existing.scenario_id))
            report.already_sent += 1
            return report
        person, workspace = ctx.people.get(row.person_id, (None, "")) if row.person_id is not None else (None, "")
        spec = specs.get(person.team_id) if person is not None and person.team_id is not None else None
        reason = self._reason_to_skip(person, spec, row, now)
        if reason:
            self.outbox.skip(row, reason)
            report.skipped += 1
            return report
        assert person is not None and person.id is not None and spec is not None
        chat = self.practice.chats.get(person.platform)
        if chat is None:
            return self._count(self.outbox.failed(row, f"this worker has no {person.platform} connection"),
                               row, report)
        try:
            # The pick is a pure function of the rep's history, so a retry after a crash picks the
            # same scenario and re-sends the very same card.
            history = [ScoreEvent(b, score, at) for b, score, at in ctx.scores.get(person.id, [])]
            scenario_id = self._pick(spec, history, ctx.recent.get(person.id, []), now, person)
        except Exception as exc:  # a broken history must not stop the push: fall back to the default choice
            log.exception("scenario picker failed for person %s", person.id)
            scenario_id, report.errors = None, [f"picker: {exc}"]
        # As PracticeService.person_ref builds it, with the workspace read once for the batch.
        who = PersonRef(person.platform, workspace, person.platform_user_id, person.display_name, person.tz)
        attempt = self.outbox.send(row, who.platform, self.practice.start, who, scenario_id,
                                   push_key=row.idempotency_key)
        report.rate_limited += attempt.rate_limited
        if attempt.value is None:
            return self._count(attempt, row, report)
        started = attempt.value
        sent.append((row.id, self.clock.now(), started.session.id, started.scenario.id))
        self._keep_open_for_nudge(person, spec, started.session)
        report.sent += 1
        return report

    def _keep_open_for_nudge(self, person: Person, spec: CadenceSpec, session: PracticeSession) -> None:
        """An unstarted push stays open until its first nudge has had its chance (then a day more)."""
        if not spec.max_nudges or session.expires_at is None:
            return
        first = nudge_due_at(spec, person.tz, session.offered_at) + NUDGE_GRACE
        if first > session.expires_at:
            self.repos.sessions.update(session.id, expires_at=first)

    def pick(self, person: Person, now: datetime) -> str | None:
        """The scenario for this rep's next push: spaced repetition over the cadence's scenarios and behaviors."""
        assert person.id is not None
        spec = self.cadences.get(person.team_id) if person.team_id is not None else CadenceSpec()
        ctx = self.pushes.delivery_context([person.id], since=now - HISTORY)
        history = [ScoreEvent(b, score, at) for b, score, at in ctx.scores[person.id]]
        return self._pick(spec, history, ctx.recent[person.id], now, person)

    def _pick(self, spec: CadenceSpec, history: list[ScoreEvent], recent: list[str], now: datetime,
              person: Person) -> str | None:
        # The rep's workspace library: its own scenarios added, overridden or retired (issue #23).
        library = self.practice.library_for(person)
        options = [ScenarioOption(s.id, tuple(s.behaviors)) for s in library.all(kind="practice")
                   if not spec.scenario_ids or s.id in spec.scenario_ids]
        return pick_scenario(options, history, recent, now, focus=spec.behaviors)

    def _reason_to_skip(self, person: Person | None, stored: CadenceSpec | None, row: PushLog,
                        now: datetime) -> str | None:
        if person is None or person.deleted_at is not None:
            return "the person was removed"
        if person.snoozed_until is not None and local_date(person.tz, now) <= person.snoozed_until:
            return f"snoozed until {person.snoozed_until}"
        if stored is None:
            return "the team no longer has a cadence"
        if self.holds is not None and person.id in self.holds([person.id], local_date(person.tz, now)):  # type: ignore[list-item]
            return "practice is on hold for this rep today (impact programme)"
        late = now - row.due_at
        if late > self.policy.late_grace and not (
                in_working_hours(stored, person.tz, now) and local_date(person.tz, now) == local_date(person.tz, row.due_at)):
            return f"missed: not delivered until {late} after it was due, past the rep's working hours"
        return None

    def _count(self, attempt: Attempt[Any], row: PushLog, report: DeliveryReport) -> DeliveryReport:
        """A push that did not go out: the outbox put it back (retried, rate limited) or gave up."""
        report.retried += attempt.outcome == RETRIED
        report.failed += attempt.outcome == FAILED_OUTCOME
        report.skipped += attempt.outcome == SKIPPED_OUTCOME
        if attempt.outcome != RATE_LIMITED:
            report.errors.append(f"{row.idempotency_key}: {attempt.error}")
        return report


def _week_end_utc(week: IsoWeek) -> datetime:
    """An instant after every time zone's end of `week` (UTC-12 ends 12 hours after UTC)."""
    return datetime.combine(week.next().monday(), time(12), UTC)
