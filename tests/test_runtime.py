"""The long-running process wiring: every scheduler job is registered and the process stops cleanly."""

from __future__ import annotations

import time
from pathlib import Path

from bot.runtime import build_process
from bot.settings import Settings


def test_the_worker_process_schedules_every_job_and_stops_cleanly(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'w.db'}", data_dir=str(tmp_path))  # type: ignore[call-arg]
    process = build_process(settings, platforms=(), scheduler=True)
    try:
        jobs = set(process.scheduling.runner.periodic_jobs())  # type: ignore[union-attr]
        assert {"plan", "deliver", "nudge", "expire", "digests", "retention", "assessments"} <= jobs
        assert process.scheduling.pushes.holds is not None  # type: ignore[union-attr]  # holdout reps are held
        assert process.core.actions.handles("rehearse_digest_nudge")
        runner = process.scheduling.runner  # type: ignore[union-attr]
        deadline = time.monotonic() + 60  # a condition, not a pause: generous for a busy machine
        while not runner.is_leader and time.monotonic() < deadline:
            time.sleep(0.1)
        assert runner.is_leader  # alone, this process leads and APScheduler holds the jobs
        assert set(runner.job_ids()) == jobs
    finally:
        process.stop()
