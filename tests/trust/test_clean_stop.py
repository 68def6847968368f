"""`rehearse worker` with Discord stops cleanly on SIGTERM, as platforms stop it (issue 18, item 13):
the gateway is closed, the scheduler shut down, exit code 0 within 10 seconds."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.discord.harness import token_for
from tests.fakes.discord_server import FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


class RunningFake:
    """The fake Discord gateway and REST API on its own event loop thread, for a worker process to reach."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.fake = asyncio.run_coroutine_threadsafe(FakeDiscord().start(), self.loop).result(10)

    def wait_until(self, predicate, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
        asyncio.run_coroutine_threadsafe(self.fake.wait_until(predicate, timeout), self.loop).result(timeout + 5)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.fake.close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def discord() -> Iterator[RunningFake]:
    running = RunningFake()
    yield running
    running.close()


@pytest.mark.slow
def test_the_worker_closes_the_gateway_and_exits_0_within_10_s_of_sigterm(discord: RunningFake, tmp_path: Path) -> None:
    fake = discord.fake
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
                "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO", "DISCORD_TOKEN": token_for(fake.app_id),
                "DISCORD_API_URL": fake.api_url, "DISCORD_GATEWAY_URL": fake.gateway_url})
    worker = subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        discord.wait_until(lambda: fake.identifies >= 1 and fake.sockets)

        stopped_at = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(30)
        took = time.monotonic() - stopped_at
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert worker.stderr is not None
    log = worker.stderr.read()
    worker.stderr.close()

    assert code == 0, log[-2000:]
    assert took < 10
    discord.wait_until(lambda: all(ws.closed for ws in fake.sockets), timeout=5)  # the gateway was closed
    assert "scheduler shut down" in log.lower() or "Scheduler has been shut down" in log
    assert "Traceback" not in log
