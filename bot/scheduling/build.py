"""Build the scheduler and every scheduled service, once, with collaborators passed to constructors.

The composition root (bot/app.py, bot/runtime.py) hands in what the core owns
(storage, scenarios, clock, the chats behind the practice engine) and the
process's one rate limiter; `build_scheduling` returns a frozen `Scheduling`
whose services share that limiter and one `Outbox`, and whose runner has every
periodic job registered: pushes (plan, deliver), nudges, expiry, manager and
enablement digests, and impact assessments. Call `.start()` once the chats are in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.digests.enablement import EnablementDigests
from bot.digests.service import DigestService, ReportLink
from bot.impact.assessments import Assessments
from bot.impact.holds import Holds
from bot.impact.programmes import Programmes
from bot.impact.reporting import Reporting
from bot.ports import ChatPort, Clock
from bot.practice.engine import PracticeService
from bot.scheduling.cadences import CadenceService
from bot.scheduling.nudges import NudgeService
from bot.scheduling.outbox import RETRY_POLICIES, Outbox, RetryPolicy
from bot.scheduling.pushes import PushPolicy, PushService
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import RateLimiter
from scheduler.runner import SchedulerRunner, worker_name
from storage import Repositories
from storage.repos.leader import LeaderLock
from storage.repos.programmes import ProgrammeRepo
from storage.repos.pushes import PushLogRepo


@dataclass(frozen=True)
class Intervals:
    """Seconds between runs of each periodic job."""

    deliver: float = 30.0
    plan: float = 3600.0
    nudge: float = 300.0
    expire: float = 300.0
    digests: float = 900.0
    assessments: float = 600.0
    standby_poll: float = 5.0  # how often a standby process asks for the leader's lock


@dataclass(frozen=True)
class Scheduling:
    """The running scheduler and the services its jobs call, each built once."""

    runner: SchedulerRunner
    limiter: RateLimiter
    outbox: Outbox
    pushes: PushService
    nudges: NudgeService
    digests: DigestService
    enablement: EnablementDigests
    programmes: Programmes
    holds: Holds
    assessments: Assessments
    reporting: Reporting

    def add_periodic(self, name: str, func: Callable[[], object], seconds: float) -> None:
        """Run an extra job (e.g. retention) every `seconds` on the scheduling leader."""
        self.runner.add_periodic(name, func, seconds)

    def start(self) -> Scheduling:
        self.runner.start()
        return self

    def stop(self) -> None:
        self.runner.shutdown()


def build_outbox(repos: Repositories, clock: Clock, limiter: RateLimiter, worker: str | None = None,
                 policies: Mapping[str, RetryPolicy] = RETRY_POLICIES) -> Outbox:
    """The outbox over the project's push log; `worker` names this process's claims."""
    return Outbox(PushLogRepo(repos.db), clock, limiter, worker or worker_name(), policies)


def build_scheduling(
    repos: Repositories,
    library: ScenarioLibrary,
    clock: Clock,
    limiter: RateLimiter,
    practice: PracticeService,
    chats: dict[str, ChatPort],
    data_dir: Path | str,
    *,
    policy: PushPolicy | None = None,
    policies: Mapping[str, RetryPolicy] = RETRY_POLICIES,
    every: Intervals = Intervals(),
    name: str = "main",
    elect: bool = True,
    cadences: CadenceService | None = None,
    holds: Holds | None = None,
    report_link: ReportLink | None = None,
) -> Scheduling:
    """Every scheduled service over one outbox and limiter, and the runner with their jobs.

    `elect=False` runs the jobs without waiting on leader election (a single-process simulation).
    `cadences` and `holds` are the core's own (bot/app.py), so a process builds each once."""
    outbox = build_outbox(repos, clock, limiter, policies=policies)
    store = ProgrammeRepo(repos.db)
    # A team's cadence may name its workspace's own scenarios.
    cadences = cadences or CadenceService(repos, clock, library, libraries=practice.libraries)
    holds = holds or Holds(store)
    programmes = Programmes(repos, library, clock, store)
    reporting = Reporting(clock, store)
    leader = LeaderLock(repos.db)
    pushes = PushService(repos, practice, library, cadences, outbox, policy or PushPolicy(),
                         keep_going=leader.is_held if elect else (lambda: True), holds=holds.holds)
    nudges = NudgeService(repos, practice, library, cadences, outbox)
    digests = DigestService(repos, library, chats, clock, Path(data_dir), lambda: practice, outbox=outbox,
                            report_link=report_link)
    enablement = EnablementDigests(repos, reporting, chats, clock, outbox)
    assessments = Assessments(repos, programmes, store, practice, outbox)
    runner = SchedulerRunner(repos.db.engine, leader, name=name, standby_poll_s=every.standby_poll)
    runner.add_periodic("plan", pushes.plan, every.plan, run_at_start=True)
    runner.add_periodic("deliver", pushes.deliver_due, every.deliver, run_at_start=True)
    runner.add_periodic("nudge", nudges.send_due, every.nudge)
    runner.add_periodic("expire", practice.expire_stale, every.expire)
    runner.add_periodic("digests", digests.deliver_due, every.digests)
    runner.add_periodic("enablement-digests", enablement.deliver_due, every.digests)
    runner.add_periodic("assessments", assessments.tick, every.assessments)
    return Scheduling(runner, limiter, outbox, pushes, nudges, digests, enablement, programmes, holds,
                      assessments, reporting)

