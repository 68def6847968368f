"""Scheduled practice pushes: plan each rep's week into the push log, then deliver what is due.

Planning turns team cadences into pending push-log rows (scheduler.planner does
the arithmetic; the unique idempotency key makes planning again a no-op).
Delivery claims due rows atomically, picks the scenario by spaced repetition
(scheduler.picker), waits its turn at the platform's rate limiter and starts the
practice session through the same PracticeService a `/practice` uses, with the
push key on the session. A crash anywhere is safe to repeat: a row whose
session already exists is only marked sent, never pushed twice; a claim whose
worker died expires and is delivered by the next one; nothing is dropped
silently (every give-up is a failed or skipped row with its reason).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

from bot.cadences import CadenceService
from bot.ports import Clock, RateLimited
from bot.practice.engine import PracticeService
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
from storage.repos.pushes import FAILED, SKIPPED, NewPush, PushLogRepo

if TYPE_CHECKING:
    from bot.app import Core
    from bot.nudges import NudgeService

log = logging.getLogger(__name__)
UTC = timezone.utc
NUDGE_GRACE = timedelta(hours=1)  # room for the nudge job to run after a nudge falls due


@dataclass(frozen=True)
class PushPolicy:
    """Delivery knobs; the defaults suit Slack and Discord."""

    max_attempts: int = 5
    claim_ttl: timedelta = timedelta(minutes=5)  # a claim older than this belonged to a dead worker
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=30)
    concurrency: int = 4  # platform calls in flight at once; the rate limiter sets the pace
    batch: int = 8  # rows claimed per round trip: few, so claims are fresh when their turn comes
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


class PushService:
    """Plan and deliver scheduled pushes for every team with a cadence."""

    def __init__(
        self,
        repos: Repositories,
        practice: PracticeService,
        library: ScenarioLibrary,
        clock: Clock,
        limiter: RateLimiter | None = None,
        pushes: PushLogRepo | None = None,
        cadences: CadenceService | None = None,
        worker: str | None = None,
        policy: PushPolicy = PushPolicy(),
    ) -> None:
        self.repos = repos
        self.practice = practice
        self.library = library
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self.pushes = pushes or PushLogRepo(repos.db)
        self.cadences = cadences or CadenceService(repos, clock, library)
        self.worker = worker or worker_name()
        self.policy = policy
        self.keep_going: Callable[[], bool] = lambda: True  # checked before each claim

    # ---- planning ---------------------------------------------------------------

    def team_specs(self) -> dict[int, CadenceSpec]:
        from bot.cadences import spec_from_row

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
        """Deliver every push due now, `concurrency` at a time, until none is left (or `limit`)."""
        report = DeliveryReport()
        lock = threading.Lock()
        taken = 0

        def claim() -> PushLog | None:
            nonlocal taken
            with lock:
                if limit is not None and taken >= limit:
                    return None
                if not queue and not self.keep_going():
                    return None
                if not queue:
                    queue.extend(reversed(self.pushes.claim_due(
                        ["push"], self.clock.now(), self.worker,
                        self.policy.batch if limit is None else min(self.policy.batch, limit - taken),
                        self.policy.claim_ttl)))
                if not queue:
                    return None
                taken += 1
                return queue.pop()

        queue: list[PushLog] = []

        def work() -> None:
            while (row := claim()) is not None:
                outcome = self.deliver(row)
                with lock:
                    report.add(outcome)

        if self.policy.concurrency <= 1:
            work()
        else:
            with ThreadPoolExecutor(self.policy.concurrency, thread_name_prefix="push") as pool:
                for future in [pool.submit(work) for _ in range(self.policy.concurrency)]:
                    future.result()
        return report

    def deliver(self, row: PushLog) -> DeliveryReport:
        """One claimed push, start to finish. Every path leaves the row sent, pending, failed or skipped."""
        report = DeliveryReport()
        now = self.clock.now()
        assert row.id is not None
        existing = self.repos.sessions.find_by_push_key(row.idempotency_key)
        if existing is not None:  # an earlier attempt reached the platform and stored the session
            self.pushes.mark_sent(row.id, now, existing.id)
            report.already_sent += 1
            return report
        person = self.repos.people.get(row.person_id) if row.person_id is not None else None
        reason = self._reason_to_skip(person, row, now)
        if reason:
            self.pushes.close(row.id, SKIPPED, reason)
            report.skipped += 1
            return report
        assert person is not None
        chat = self.practice.chats.get(person.platform)
        if chat is None:
            return self._failed(row, f"this worker has no {person.platform} connection", report)
        try:
            scenario_id = row.scenario_id or self.pick(person, now)
        except Exception as exc:  # a broken history must not stop the push: fall back to the default choice
            log.exception("scenario picker failed for person %s", person.id)
            scenario_id, report.errors = None, [f"picker: {exc}"]
        if scenario_id and scenario_id != row.scenario_id:
            self.pushes.set_scenario(row.id, scenario_id)  # a retry re-sends the same scenario
        self.limiter.acquire(person.platform)
        try:
            started = self.practice.start(self.practice.person_ref(person), scenario_id, push_key=row.idempotency_key)
        except RateLimited as exc:
            self.limiter.slow_down(person.platform, exc.retry_after_s)
            self.pushes.retry_later(row.id, self.clock.now() + timedelta(seconds=exc.retry_after_s),
                                    f"rate limited by {person.platform}", refund_attempt=True)
            report.rate_limited += 1
            return report
        except UnknownScenario as exc:
            self.pushes.set_scenario(row.id, "")  # pick again next time
            return self._failed(row, str(exc), report)
        except Exception as exc:
            log.warning("push %s failed: %s", row.idempotency_key, exc)
            return self._failed(row, f"{type(exc).__name__}: {exc}", report)
        self.pushes.mark_sent(row.id, self.clock.now(), started.session.id)
        self._keep_open_for_nudge(person, started.session)
        report.sent += 1
        return report

    def _keep_open_for_nudge(self, person: Person, session: PracticeSession) -> None:
        """An unstarted push stays open until its first nudge has had its chance (then a day more)."""
        spec = self.cadences.stored(person.team_id) if person.team_id is not None else None
        if spec is None or not spec.max_nudges or session.expires_at is None:
            return
        first = nudge_due_at(spec, person.tz, session.offered_at) + NUDGE_GRACE
        if first > session.expires_at:
            self.repos.sessions.update(session.id, expires_at=first)

    def pick(self, person: Person, now: datetime) -> str | None:
        """The scenario for this rep's push: spaced repetition over the cadence's scenarios and behaviors."""
        spec = self.cadences.get(person.team_id) if person.team_id is not None else CadenceSpec()
        practice = [s for s in self.library.all(kind="practice")
                    if not spec.scenario_ids or s.id in spec.scenario_ids]
        options = [ScenarioOption(s.id, tuple(s.behaviors)) for s in practice]
        assert person.id is not None
        history = [ScoreEvent(r.behavior, r.score, r.created_at) for r in self.repos.sessions.scores_of_person(person.id)]
        recent = [s.scenario_id for s in self.repos.sessions.sessions_of(person.id, limit=20)]
        return pick_scenario(options, history, recent, now, focus=spec.behaviors)

    def _reason_to_skip(self, person: Person | None, row: PushLog, now: datetime) -> str | None:
        if person is None or person.deleted_at is not None:
            return "the person was removed"
        if person.snoozed_until is not None and local_date(person.tz, now) <= person.snoozed_until:
            return f"snoozed until {person.snoozed_until}"
        stored = self.cadences.stored(person.team_id) if person.team_id is not None else None
        if stored is None:
            return "the team no longer has a cadence"
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
    from bot.nudges import NudgeService

    practice = core.practice()
    limiter = RateLimiter(dict(rates) if rates else dict(DEFAULT_RATES))
    pushes = PushService(core.repos, practice, core.library, core.clock, limiter, policy=policy)
    nudges = NudgeService(core.repos, practice, core.library, core.clock, limiter, pushes.pushes, pushes.cadences,
                          pushes.worker)
    leader = LeaderLock(core.repos.db)
    pushes.keep_going = leader.is_held  # a leader that lost its lock stops claiming at once
    runner = SchedulerRunner(core.repos.db.engine, leader, name=name, standby_poll_s=standby_poll_s)
    runner.add_periodic("plan", pushes.plan, plan_every_s, run_at_start=True)
    runner.add_periodic("deliver", pushes.deliver_due, deliver_every_s, run_at_start=True)
    runner.add_periodic("nudge", nudges.send_due, nudge_every_s)
    runner.add_periodic("expire", practice.expire_stale, expire_every_s)
    return Scheduling(runner, pushes, nudges, limiter)
