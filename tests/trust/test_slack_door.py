"""What a stranger (or a replay) can do to `POST /slack/events`: nothing that reaches Slack or the core
(issue 18, items 2, 3 and 4). Real waitress, real Bolt, the fake Slack Web API."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.guard.commands import COMMAND_FLOOD_NOTE
from bot.guard.flood import FloodLimits
from tests.fakes.slack_events import sign
from tests.slack.conftest import SlackWorld, make_world


@pytest.fixture
def slack(tmp_path: Path) -> Iterator[SlackWorld]:
    world = make_world(f"sqlite:///{tmp_path / 'door.db'}")
    yield world
    world.close()


def _post(world: SlackWorld, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(f"{world.url}/slack/events", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _signed(body: bytes, content_type: str) -> dict[str, str]:
    ts = int(time.time())
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign("fake-signing-secret", ts, body)}


UNSIGNED = {
    "a non-numeric timestamp": (b'{"type": "event_callback"}', {"Content-Type": "application/json",
                                "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=abc"}),
    "bad JSON": (b'{"type": "event_callback", ', {"Content-Type": "application/json",
                 "X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=" + "0" * 64}),
    "non-UTF-8 bytes": (b"\xff\xfe\x00payload=\xc3\x28", {"Content-Type": "application/x-www-form-urlencoded",
                        "X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": "v0=" + "0" * 64}),
    "a bad payload=": (b"payload=%7Bnot-json", {"Content-Type": "application/x-www-form-urlencoded"}),
    "a non-ASCII signature": (b"a=b", {"Content-Type": "application/x-www-form-urlencoded",
                              "X-Slack-Request-Timestamp": str(int(time.time())),
                              "X-Slack-Signature": "v0=\u00e9\u00e9"}),
}


@pytest.mark.parametrize("case", list(UNSIGNED))
def test_a_malformed_unsigned_request_gets_a_4xx_without_a_traceback_and_slack_is_never_called(
        slack: SlackWorld, case: str, caplog: pytest.LogCaptureFixture) -> None:
    body, headers = UNSIGNED[case]
    calls = len(slack.fake.calls)

    with caplog.at_level(logging.INFO):
        status, _ = _post(slack, body, headers)

    assert 400 <= status < 500
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
    assert len(slack.fake.calls) == calls


@pytest.mark.parametrize("body, content_type", [
    (b'{"type": "event_callback", ', "application/json"),
    (b"\xff\xfe text=\xc3\x28", "application/x-www-form-urlencoded"),
    (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
    (b"[1, 2, 3]", "application/json"),
])
def test_even_a_signed_malformed_body_gets_a_400_not_a_500(slack: SlackWorld, body: bytes, content_type: str) -> None:
    status, answer = _post(slack, body, _signed(body, content_type))

    assert status == 400 and json.loads(answer)["ok"] is False


def test_a_replayed_signed_practice_command_opens_one_session(slack: SlackWorld) -> None:
    dm = slack.dm("U0DANA")
    body, headers = slack.sender.build_command("/practice", "discovery-procurement-stall", "U0DANA", channel=dm)

    assert _post(slack, body, headers)[0] == 200
    slack.fake.wait_for(lambda: slack.fake.top_level(dm))
    replays = [_post(slack, body, headers)[0] for _ in range(3)]
    slack.settle()

    assert replays == [200, 200, 200]
    assert len(slack.fake.top_level(dm)) == 1


def test_a_burst_of_practice_commands_gets_one_polite_note(slack: SlackWorld) -> None:
    dm = slack.dm("U0DANA")
    answers = [slack.sender.command("/practice", "", "U0DANA", channel=dm) for _ in range(FloodLimits().commands + 3)]
    slack.settle()

    notes = [a for a in answers if a.body and COMMAND_FLOOD_NOTE in a.body]
    assert len(notes) == 1 and all(a.status == 200 for a in answers)
    assert len(slack.fake.top_level(dm)) <= FloodLimits().commands


def test_health_and_slack_still_answer_while_150_connections_hang_half_open(slack: SlackWorld) -> None:
    # A count, not a timing: with waitress's defaults (100 connections) nothing answered at all.
    port = slack.server.effective_port
    hanging = []
    try:
        for _ in range(150):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
            hanging.append(sock)
        time.sleep(0.5)
        with urllib.request.urlopen(f"{slack.url}/healthz", timeout=10) as response:
            assert response.status == 200
        reply = slack.sender.message("U0DANA", slack.dm("U0DANA"), "hello")
        assert reply.status == 200
    finally:
        for sock in hanging:
            sock.close()
