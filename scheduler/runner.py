"""The APScheduler runner: periodic jobs in a persistent job store, run by one elected leader.

APScheduler 3.x `BackgroundScheduler` with a `SQLAlchemyJobStore` on the project
database, so a job's next run survives restarts: after downtime a job runs once
(coalesce) if it is within the misfire grace, never once per missed interval.
Two schedulers must not share a job store, so only the leader (see
storage.repos.leader) starts one; the others poll for leadership and take over
when the leader's lock disappears.

Stored jobs reference the module-level `run_job(runner, name)` with plain
string arguments; the callable behind each name lives in a small registry filled
at start, so a restarted process binds the stored jobs to its own services.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFunc = Callable[[], Any]

# runner name -> job name -> callable. Filled by SchedulerRunner.add_periodic, read by run_job.
_REGISTRY: dict[str, dict[str, JobFunc]] = {}
_REGISTRY_LOCK = threading.Lock()


def run_job(runner: str, name: str) -> None:
    """What every stored job calls: look the function up by name and run it, logging failures."""
    with _REGISTRY_LOCK:
        func = _REGISTRY.get(runner, {}).get(name)
    if func is None:
        log.warning("scheduled job %s/%s has no function in this process; skipped", runner, name)
        return
    try:
        func()
    except Exception:  # one failed run must not stop the next ones
        log.exception("scheduled job %s failed", name)


class Leadership(Protocol):
    def try_acquire(self) -> bool: ...

    def is_held(self) -> bool: ...

    def release(self) -> None: ...


@dataclass(frozen=True)
class Periodic:
    name: str
    seconds: float
    run_at_start: bool  # also run as soon as this process becomes leader


def worker_name() -> str:
    """Who claims pushes in the log: host, pid and a random tail (a restarted pid is a new worker)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SchedulerRunner:
    """Run registered periodic jobs while this process is the scheduling leader."""

    def __init__(
        self,
        engine: Any,
        leader: Leadership,
        *,
        name: str = "main",
        misfire_grace_s: int = 15 * 60,
        standby_poll_s: float = 5.0,
        on_leadership: Callable[[], None] | None = None,
        max_workers: int = 4,
    ) -> None:
        self.engine = engine
        self.leader = leader
        self.name = name
        self.misfire_grace_s = misfire_grace_s
        self.standby_poll_s = standby_poll_s
        self.on_leadership = on_leadership  # e.g. hand back the dead leader's claims
        self.max_workers = max_workers
        self._periodic: dict[str, Periodic] = {}
        self._scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.became_leader_at: datetime | None = None

    # ---- registration -----------------------------------------------------------

    def add_periodic(self, name: str, func: JobFunc, seconds: float, run_at_start: bool = False) -> None:
        """Run `func` every `seconds` on the leader (digests and other extras register here too)."""
        with _REGISTRY_LOCK:
            _REGISTRY.setdefault(self.name, {})[name] = func
        self._periodic[name] = Periodic(name, seconds, run_at_start)
        if self._scheduler is not None:
            self._install(self._scheduler, self._periodic[name])

    def periodic_jobs(self) -> dict[str, tuple[JobFunc, float]]:
        """Each registered job's function and interval (the demo drives them on a simulated clock)."""
        with _REGISTRY_LOCK:
            funcs = dict(_REGISTRY.get(self.name, {}))
        return {name: (funcs[name], p.seconds) for name, p in self._periodic.items() if name in funcs}

    # ---- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start electing in the background; returns at once."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._supervise, name=f"scheduler-{self.name}", daemon=True)
        self._thread.start()

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._stop_scheduling(wait)
        self.leader.release()

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None

    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()] if self._scheduler is not None else []

    def next_run_times(self) -> dict[str, datetime | None]:
        if self._scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def _supervise(self) -> None:
        while not self._stop.is_set():
            if self._scheduler is None:
                if self.leader.try_acquire():
                    self._become_leader()
            elif not self.leader.is_held():
                log.warning("lost scheduler leadership; standing by")
                self._stop_scheduling(wait=False)
            self._stop.wait(self.standby_poll_s)

    def _become_leader(self) -> None:
        log.info("this process is the scheduling leader (%s)", self.name)
        self.became_leader_at = datetime.now(UTC)
        if self.on_leadership is not None:
            try:
                self.on_leadership()
            except Exception:
                log.exception("leadership hook failed")
        scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine)},
            executors={"default": ThreadPoolExecutor(self.max_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": self.misfire_grace_s},
            timezone=UTC,
        )
        scheduler.start(paused=True)  # load stored jobs first, then reconcile them with ours
        for periodic in self._periodic.values():
            self._install(scheduler, periodic)
        scheduler.resume()
        self._scheduler = scheduler

    def _install(self, scheduler: BackgroundScheduler, periodic: Periodic) -> None:
        """Keep a stored job (and its next run time) when it is unchanged; otherwise (re)write it."""
        interval = timedelta(seconds=periodic.seconds)
        args = [self.name, periodic.name]
        job = scheduler.get_job(periodic.name)
        unchanged = (job is not None and isinstance(job.trigger, IntervalTrigger)
                     and job.trigger.interval == interval and list(job.args) == args)
        if not unchanged:
            scheduler.add_job(run_job, IntervalTrigger(seconds=periodic.seconds, timezone=UTC),
                              args=args, id=periodic.name, name=periodic.name, replace_existing=True)
        if periodic.run_at_start:  # due now; afterwards the interval carries on from this run
            scheduler.modify_job(periodic.name, next_run_time=datetime.now(UTC))

    def _stop_scheduling(self, wait: bool) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            try:
                scheduler.shutdown(wait=wait)
            except Exception:
                log.exception("scheduler shutdown failed")
