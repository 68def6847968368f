"""An operator's view of `rehearse serve`: /metrics after a Slack session, /readyz as the database comes and goes."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.slack.conftest import SlackWorld, make_world

CURIOUS = ["What's driving this for you right now?", "How is that affecting the business?"]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    w = make_world(f"sqlite:///{tmp_path / 'rehearse.db'}")
    yield w
    w.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def turn_count(metrics: str) -> float:
    for family in text_string_to_metric_families(metrics):
        if family.name == "rehearse_turn_seconds":
            return sum(s.value for s in family.samples
                       if s.name.endswith("_count") and s.labels.get("platform") == "slack")
    return 0.0


def test_metrics_after_a_slack_session_count_one_turn_latency_per_reply(world: SlackWorld) -> None:
    before = turn_count(get(f"{world.url}/metrics")[1])
    thread = world.start("U0DANA")
    for line in CURIOUS:
        world.say("U0DANA", thread, line)
    world.settle()  # the reply is posted a moment before its latency is recorded
    status, body = get(f"{world.url}/metrics")
    assert status == 200 and turn_count(body) == before + len(CURIOUS)
    assert 'rehearse_sessions_total{event="started"}' in body


def test_readyz_is_503_while_the_database_file_is_gone_and_200_once_it_is_back(world: SlackWorld, tmp_path: Path) -> None:
    status, body = get(f"{world.url}/readyz")
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "slack": "ok"}
    shutil.move(tmp_path / "rehearse.db", tmp_path / "aside.db")
    status, body = get(f"{world.url}/readyz")
    assert status == 503 and "missing" in json.loads(body)["checks"]["database"]
    shutil.move(tmp_path / "aside.db", tmp_path / "rehearse.db")
    assert get(f"{world.url}/readyz")[0] == 200


def test_readyz_says_when_the_slack_token_is_rejected(world: SlackWorld) -> None:
    world.fake.bot_token = "xoxb-rotated-elsewhere"  # the bot's token no longer matches: auth.test says invalid_auth
    status, body = get(f"{world.url}/readyz")
    assert status == 503 and "invalid_auth" in json.loads(body)["checks"]["slack"]


def test_slack_429s_are_counted_by_web_api_method(world: SlackWorld) -> None:
    from bot.observability.metrics import SLACK_429

    before = SLACK_429.labels("chat.postMessage")._value.get()
    thread = world.start("U0DANA")
    world.fake.fail("chat.postMessage", 429, times=1, retry_after=0)
    world.say("U0DANA", thread, CURIOUS[0])  # Slack's 429 is waited out and the reply still arrives
    assert SLACK_429.labels("chat.postMessage")._value.get() == before + 1


def test_metrics_show_the_event_ledger_backlog(world: SlackWorld) -> None:
    from datetime import datetime

    world.core.repos.events.receive("slack:test-backlog", {"text": "waiting"}, datetime.now(UTC))
    body = get(f"{world.url}/metrics")[1]
    assert "rehearse_event_ledger_backlog 1.0" in body
