"""`rehearse serve` as an operator runs it: configured from the environment, serving Slack on PORT."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.slack_api import BOT_TOKEN, FakeSlack
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_"))}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
                "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO", **extra})
    return env


def test_serve_without_slack_credentials_says_what_to_set_and_exits(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "serve"], env=_env(tmp_path), cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[FakeSlack, str]]:
    fake = FakeSlack().start()
    fake.add_user("U0DANA", "Priya Shah")
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
               SLACK_API_URL=fake.api_url, PORT="0")
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"], env=env,
                               cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        url = _listening_url(process)
        yield fake, url
        process.terminate()  # SIGTERM, as a platform stops a dyno
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        assert process.stderr is not None
        process.stderr.close()
        fake.stop()


def _listening_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + 90
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line and process.poll() is not None:
            break
        seen.append(line)
        match = re.search(r"listening on (http://[\d.]+:\d+)", line)
        if match:
            return match.group(1)
    raise AssertionError("rehearse serve did not start:\n" + "".join(seen))


@pytest.mark.slow
def test_serve_answers_health_checks_and_slack_on_one_port(served: tuple[FakeSlack, str]) -> None:
    fake, url = served
    with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:
        assert json.loads(response.read()) == {"ok": True, "slack": "http", "queued": 0}
    sender = SlackSender(f"{url}/slack/events")
    assert sender.command("/practice", "pricing-objection", "U0DANA").status == 200
    (card,) = fake.wait_for(lambda: fake.top_level(fake.dm_channel_of("U0DANA")), timeout=30)
    assert "expensive" in card.blocks[0]["text"]["text"]
