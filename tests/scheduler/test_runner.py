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
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine

from bot.scheduling.pushes import PushPolicy
from scheduler.runner import SchedulerRunner
from storage import Repositories
from storage.repos.leader import LeaderLock
from tests.scheduler.conftest import ClockedChat, Org

UTC = timezone.utc
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


def test_one_worker_leads_and_a_standby_takes_over_when_the_leader_is_killed(db_url: str, tmp_path: Path) -> None:
    beats = tmp_path / "beats.txt"
    script = tmp_path / "leader.py"
    script.write_text(LEADER_SCRIPT)
    repos = Repositories.open(db_url)  # migrated before either worker starts
    leader = subprocess.Popen([sys.executable, str(script), db_url, str(beats)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    standby = SchedulerRunner(repos.db.engine, LeaderLock(repos.db), name="failover", standby_poll_s=0.2)
    standby.add_periodic("beat", lambda: beats.open("a").write("standby\n"), seconds=1)
    try:
        assert wait_for(lambda: beats.exists() and "subprocess" in beats.read_text(), timeout=60)
        standby.start()
        time.sleep(1.5)
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


def test_two_workers_delivering_the_same_wave_at_once_push_each_rep_exactly_once(db_url: str) -> None:
    start = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)
    chat = ClockedChat(platform="slack")
    lock = threading.Lock()
    original = chat.open_practice_thread

    def thread_safe_open(person, root):  # type: ignore[no-untyped-def]
        with lock:
            return original(person, root)

    chat.open_practice_thread = thread_safe_open  # type: ignore[method-assign]
    policy = PushPolicy(concurrency=3, late_grace=timedelta(hours=12))
    one = Org(db_url, start, policy=policy, chat=chat, worker="worker-1")
    reps = [one.rep(f"U-{i}", "UTC") for i in range(60)]
    one.set_cadence(sessions_per_week=1, weekdays="mon")
    one.pushes.plan()
    two = Org(db_url, start, policy=policy, chat=chat, worker="worker-2")
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
            if len(chat.pushes()) == len(reps):
                break
            for org in (one, two):
                org.clock.advance(minutes=5)
        per_rep = Counter(d.user for d in chat.pushes())
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
