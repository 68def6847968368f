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
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from bot.messages import PersonRef
from bot.ports import Clock, RateLimited
from bot.practice.engine import PracticeService, Started
from bot.scheduling.cadences import CadenceService
from scenarios.loader import ScenarioLibrary, UnknownScenario
from scheduler.cadence import CadenceSpec
from scheduler.hours import in_working_hours, local_date, nudge_due_at
from scheduler.picker import ScenarioOption, ScoreEvent, pick_scenario
from scheduler.planner import IsoWeek, RepPlanInput, local_week, plan_week
from scheduler.ratelimit import DEFAULT_RATES, RateLimiter
from scheduler.runner import SchedulerRunner, worker_name
from storage import Repositories
from storage.models import Person, PracticeSession, PushLog
from storage.repos.leader import LeaderLock
from storage.repos.pushes import FAILED, SKIPPED, DeliveryContext, NewPush, PushLogRepo

if TYPE_CHECKING:
    from bot.app import Core
    from bot.scheduling.nudges import NudgeService

log = logging.getLogger(__name__)
UTC = timezone.utc
NUDGE_GRACE = timedelta(hours=1)  # room for the nudge job to run after a nudge falls due
RATE_LIMIT_TRIES = 3  # 429s waited out in place before the push goes back to the log
HISTORY = timedelta(days=365)  # score history the picker reads (mastery intervals top out at 90 days)


@dataclass(frozen=True)
class PushPolicy:
    """Delivery knobs; the defaults suit Slack and Discord."""

    max_attempts: int = 5
    claim_ttl: timedelta = timedelta(minutes=5)  # a claim older than this belonged to a dead worker
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=30)
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

    def add(self, other: "DeliveryReport") -> None:
        for name in ("sent", "already_sent", "retried", "rate_limited", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


@dataclass(frozen=True)
class Outbox:
    """What the scheduled deliverers (pushes, nudges) share: storage, the engine, the push log, one rate
    limiter and this worker's name. Build it with `Outbox.build(...)`; the defaults fill in the rest."""

    repos: Repositories
    practice: PracticeService
    library: ScenarioLibrary
    clock: Clock
    limiter: RateLimiter
    pushes: PushLogRepo
    cadences: CadenceService
    worker: str

    @classmethod
    def build(cls, repos: Repositories, practice: PracticeService, library: ScenarioLibrary, clock: Clock,
              limiter: RateLimiter | None = None, worker: str | None = None) -> "Outbox":
        return cls(repos, practice, library, clock, limiter or RateLimiter(), PushLogRepo(repos.db),
                   CadenceService(repos, clock, library), worker or worker_name())


class Deliverer:
    """Base of the scheduled deliverers: the outbox's parts as attributes."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.repos = outbox.repos
        self.practice = outbox.practice
        self.library = outbox.library
        self.clock = outbox.clock
        self.limiter = outbox.limiter
        self.pushes = outbox.pushes
        self.cadences = outbox.cadences
        self.worker = outbox.worker


class PushService(Deliverer):
    """Plan and deliver scheduled pushes for every team with a cadence."""

    def __init__(self, outbox: Outbox, policy: PushPolicy = PushPolicy()) -> None:
        super().__init__(outbox)
        self.policy = policy
        self.keep_going: Callable[[], bool] = lambda: True  # checked before each claim
        # Optional: which of these reps must not get practice on this local date (e.g. held out of an
        # impact study); their pushes are skipped with the reason.
        self.holds: Callable[[Iterable[int], date], set[int]] | None = None

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
                rows = self.pushes.claim_due(["push"], self.clock.now(), self.worker, want, self.policy.claim_ttl)
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
            self.pushes.mark_sent_many(sent)  # one write for the batch; see mark_sent_many on safety
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
            self.pushes.close(row.id, SKIPPED, reason)
            report.skipped += 1
            return report
        assert person is not None and person.id is not None and spec is not None
        chat = self.practice.chats.get(person.platform)
        if chat is None:
            return self._failed(row, f"this worker has no {person.platform} connection", report)
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
        try:
            started = self._start(who, scenario_id, row, report)
        except RateLimited as exc:  # still refused after waiting: another worker's turn, later
            self.pushes.retry_later(row.id, self.clock.now() + timedelta(seconds=exc.retry_after_s),
                                    f"rate limited by {person.platform}", refund_attempt=True)
            return report
        except UnknownScenario as exc:
            return self._failed(row, str(exc), report)
        except Exception as exc:
            log.warning("push %s failed: %s", row.idempotency_key, exc)
            return self._failed(row, f"{type(exc).__name__}: {exc}", report)
        sent.append((row.id, self.clock.now(), started.session.id, started.scenario.id))
        self._keep_open_for_nudge(person, spec, started.session)
        report.sent += 1
        return report

    def _start(self, who: PersonRef, scenario_id: str | None, row: PushLog, report: DeliveryReport) -> Started:
        """Start the session at the limiter's pace; a 429 waits out Retry-After and tries again."""
        for attempt in range(RATE_LIMIT_TRIES):
            self.limiter.acquire(who.platform)
            try:
                return self.practice.start(who, scenario_id, push_key=row.idempotency_key)
            except RateLimited as exc:  # nothing was posted: safe to ask again once allowed
                report.rate_limited += 1
                self.limiter.slow_down(who.platform, exc.retry_after_s)
                if attempt == RATE_LIMIT_TRIES - 1:
                    raise
        raise AssertionError("unreachable")

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

    def _failed(self, row: PushLog, error: str, report: DeliveryReport) -> DeliveryReport:
        assert row.id is not None
        if row.attempts >= self.policy.max_attempts:
            self.pushes.close(row.id, FAILED, f"gave up after {row.attempts} attempts: {error}")
            report.failed += 1
        else:
            wait = min(self.policy.first_backoff * 2 ** max(row.attempts - 1, 0), self.policy.max_backoff)
            self.pushes.retry_later(row.id, self.clock.now() + wait, error)
            report.retried += 1
        report.errors.append(f"{row.idempotency_key}: {error}")
        return report


def _week_end_utc(week: IsoWeek) -> datetime:
    """An instant after every time zone's end of `week` (UTC-12 ends 12 hours after UTC)."""
    return datetime.combine(week.next().monday(), time(12), UTC)


# ---- wiring: the scheduler jobs over the core ------------------------------------


@dataclass
class Scheduling:
    """The running scheduler and the services its jobs call."""

    runner: SchedulerRunner
    pushes: PushService
    nudges: "NudgeService"
    limiter: RateLimiter

    def add_periodic(self, name: str, func: Callable[[], object], seconds: float) -> None:
        """Run an extra job (e.g. digests) every `seconds` on the scheduling leader."""
        self.runner.add_periodic(name, func, seconds)

    def start(self) -> "Scheduling":
        self.runner.start()
        return self

    def stop(self) -> None:
        self.runner.shutdown()


def build_scheduling(
    core: "Core",
    *,
    rates: Mapping[str, float] | None = None,
    policy: PushPolicy = PushPolicy(),
    deliver_every_s: float = 30.0,
    plan_every_s: float = 3600.0,
    nudge_every_s: float = 300.0,
    expire_every_s: float = 300.0,
    standby_poll_s: float = 5.0,
    name: str = "main",
) -> Scheduling:
    """Jobs for pushes, nudges and expiry over the core's chats; call `.start()` once the chats are in."""
    from bot.scheduling.nudges import NudgeService

    practice = core.practice()
    limiter = RateLimiter(dict(rates) if rates else dict(DEFAULT_RATES))
    outbox = Outbox.build(core.repos, practice, core.library, core.clock, limiter)
    pushes = PushService(outbox, policy=policy)
    nudges = NudgeService(outbox)
    leader = LeaderLock(core.repos.db)
    pushes.keep_going = leader.is_held  # a leader that lost its lock stops claiming at once
    runner = SchedulerRunner(core.repos.db.engine, leader, name=name, standby_poll_s=standby_poll_s)
    runner.add_periodic("plan", pushes.plan, plan_every_s, run_at_start=True)
    runner.add_periodic("deliver", pushes.deliver_due, deliver_every_s, run_at_start=True)
    runner.add_periodic("nudge", nudges.send_due, nudge_every_s)
    runner.add_periodic("expire", practice.expire_stale, expire_every_s)
    return Scheduling(runner, pushes, nudges, limiter)
