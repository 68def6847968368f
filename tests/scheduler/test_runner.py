"""The APScheduler runner: persistent jobs, catch-up once after downtime, one leader among workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from bot.scheduling.pushes import PushPolicy
from scheduler.runner import SchedulerRunner
from storage import Repositories
from storage.repos.leader import LeaderLock
from tests.scheduler.conftest import ClockedChat, Org

UTC = UTC
ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_worker_that_was_down_for_ten_intervals_catches_up_once(db_url: str) -> None:
    repos = Repositories.open(db_url)
    runs: list[datetime] = []
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=True) as traveller:
        first = SchedulerRunner(repos.db.engine, LeaderLock(repos.db), name="catch-up", standby_poll_s=0.1)
        first.add_periodic("beat", lambda: runs.append(datetime.now(UTC)), seconds=60)
        first.start()
        assert wait_for(lambda: first.is_leader)
        assert first.job_ids() == ["beat"] and runs == []
        first.shutdown()  # the process goes down; the job's next run stays in the database

        traveller.shift(timedelta(minutes=10, seconds=5))  # ten runs were missed meanwhile
        second = SchedulerRunner(repos.db.engine, LeaderLock(repos.db), name="catch-up", standby_poll_s=0.1)
        second.add_periodic("beat", lambda: runs.append(datetime.now(UTC)), seconds=60)
        second.start()
        try:
            assert wait_for(lambda: len(runs) >= 1)
            time.sleep(0.5)
            assert len(runs) == 1, "coalesced: one catch-up run, not ten"
            next_run = second.next_run_times()["beat"]
            assert next_run is not None and next_run > datetime.now(UTC)
        finally:
            second.shutdown()
    repos.db.dispose()


def test_jobs_that_should_run_at_start_run_as_soon_as_the_worker_leads(db_url: str) -> None:
    repos = Repositories.open(db_url)
    ran = threading.Event()
    runner = SchedulerRunner(repos.db.engine, LeaderLock(repos.db), name="at-start", standby_poll_s=0.1)
    runner.add_periodic("plan", ran.set, seconds=3600, run_at_start=True)
    runner.start()
    try:
        assert ran.wait(20)
    finally:
        runner.shutdown()
        repos.db.dispose()


LEADER_SCRIPT = textwrap.dedent("""
    import sys, time
    from storage.db import Database
    from storage.repos.leader import LeaderLock
    from scheduler.runner import SchedulerRunner

    url, beats = sys.argv[1], sys.argv[2]
    db = Database(url)
    runner = SchedulerRunner(db.engine, LeaderLock(db), name="failover", standby_poll_s=0.2)
    runner.add_periodic("beat", lambda: open(beats, "a").write("subprocess\\n"), seconds=1)
    runner.start()
    while True:
        time.sleep(1)
""")


class CountingLeadership:
    """The real leader lock, counting how often its runner asked for it."""

    def __init__(self, inner: LeaderLock) -> None:
        self.inner = inner
        self.attempts = 0

    def try_acquire(self) -> bool:
        self.attempts += 1
        return self.inner.try_acquire()

    def is_held(self) -> bool:
        return self.inner.is_held()

    def release(self) -> None:
        self.inner.release()


def test_one_worker_leads_and_a_standby_takes_over_when_the_leader_is_killed(db_url: str, tmp_path: Path) -> None:
    beats = tmp_path / "beats.txt"
    script = tmp_path / "leader.py"
    script.write_text(LEADER_SCRIPT)
    repos = Repositories.open(db_url)  # migrated before either worker starts
    leader = subprocess.Popen([sys.executable, str(script), db_url, str(beats)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    standby_lock = CountingLeadership(LeaderLock(repos.db))
    standby = SchedulerRunner(repos.db.engine, standby_lock, name="failover", standby_poll_s=0.2)
    standby.add_periodic("beat", lambda: beats.open("a").write("standby\n"), seconds=1)
    try:
        assert wait_for(lambda: beats.exists() and "subprocess" in beats.read_text(), timeout=60)
        standby.start()
        # Not a pause: the standby has asked for the lock (and been refused) three times.
        assert wait_for(lambda: standby_lock.attempts >= 3)
        assert not standby.is_leader, "the standby must not schedule while the leader lives"
        assert "standby" not in beats.read_text()

        leader.send_signal(signal.SIGKILL)  # no goodbye: the lock goes with the process
        leader.wait(10)
        assert wait_for(lambda: standby.is_leader, timeout=20)
        assert wait_for(lambda: "standby" in beats.read_text(), timeout=20)
    finally:
        if leader.poll() is None:
            leader.kill()
        standby.shutdown()
        repos.db.dispose()


class FirstPushGate:
    """Holds each worker's first push until every worker has reached its first push.

    A worker reaches a push only after claiming a batch, so once the gate opens every worker
    holds a claim of its own, however the threads were scheduled. The gate sits in the chat
    (the platform boundary), so the workers run their real claim-and-deliver code."""

    def __init__(self, workers: list[str], timeout: float = 60.0) -> None:
        self.arrived = {w: threading.Event() for w in workers}
        self.timeout = timeout
        self.waited_in_vain: list[str] = []

    def wrap(self, chat: ClockedChat, worker: str, lock: threading.Lock) -> None:
        original = chat.open_practice_thread

        def gated_open(person, root):  # type: ignore[no-untyped-def]
            self.arrived[worker].set()
            # Not raising here: delivery would swallow it as a failed push. The test asserts below.
            if not all(e.wait(self.timeout) for e in self.arrived.values()):
                self.waited_in_vain.append(worker)
            with lock:  # the recording chat is not thread-safe
                return original(person, root)

        chat.open_practice_thread = gated_open  # type: ignore[method-assign]


def test_two_workers_delivering_the_same_wave_at_once_push_each_rep_exactly_once(db_url: str) -> None:
    start = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    chats = {w: ClockedChat(platform="slack") for w in ("worker-1", "worker-2")}
    gate = FirstPushGate(list(chats))
    lock = threading.Lock()
    for worker, chat in chats.items():
        gate.wrap(chat, worker, lock)
    # Batches of 10 with 3 in flight: one worker holds at most 30 of the 60 rows while it waits at the
    # gate, so the other always finds rows to claim.
    policy = PushPolicy(concurrency=3, batch=10, late_grace=timedelta(hours=12))
    one = Org(db_url, start, policy=policy, chat=chats["worker-1"], worker="worker-1")
    reps = [one.rep(f"U-{i}", "UTC") for i in range(60)]
    one.set_cadence(sessions_per_week=1, weekdays="mon")
    one.pushes.plan()
    two = Org(db_url, start, policy=policy, chat=chats["worker-2"], worker="worker-2")

    def pushed() -> list[str]:
        return [d.user for chat in chats.values() for d in chat.pushes()]

    try:
        due = max(r.due_at for r in one.pushes.pushes.all("push") if r.due_at.weekday() == 0)
        for org in (one, two):
            org.clock.current = due
        for _ in range(5):  # a retry round for any push that hit a transient error
            workers = [threading.Thread(target=org.pushes.deliver_due) for org in (one, two)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            if len(pushed()) == len(reps):
                break
            for org in (one, two):
                org.clock.advance(minutes=5)
        assert gate.waited_in_vain == [], "each worker claimed a batch of the wave"
        per_rep = Counter(pushed())
        assert per_rep == {r.platform_user_id: 1 for r in reps}, "zero double pushes, zero lost"
        rows = one.pushes.pushes.all("push")
        sent = [r for r in rows if r.status == "sent"]
        assert len(sent) == len(reps)
        assert {r.claimed_by for r in sent} == {"worker-1", "worker-2"}, "both workers took part"
        sessions = {s.push_key for p in reps for s in one.repos.sessions.sessions_of(p.id)}  # type: ignore[arg-type]
        assert sessions == {r.idempotency_key for r in sent}
    finally:
        one.repos.db.dispose()
        two.repos.db.dispose()
