"""What reaches the log from a stranger's request: no body, no message text, no forged lines (issue 18, item 7).

The README promises logs never carry message text. slack-bolt logs a request that fails
verification with its whole body at INFO; these tests send one through the real Bolt app
and read the log the process would write."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.logs import MAX_MESSAGE_CHARS, configure_logging
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack

REP_TEXT = "our renewal price is 48k and the CFO hates it"
FORGED = "\n2026-12-04 12:00:00 ERROR bot.app: admin password reset for U1"


@pytest.fixture
def log_file() -> Iterator[io.StringIO]:
    """The process's log, with the filters `rehearse serve` installs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    configure_logging("INFO", [BOT_TOKEN])
    root.setLevel(logging.INFO)  # basicConfig leaves the level alone when pytest already added handlers
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture(scope="module")
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def bolt(fake_slack: FakeSlack) -> App:
    return App(client=WebClient(token=BOT_TOKEN, base_url=fake_slack.api_url), signing_secret="the-real-secret")


def test_a_request_that_fails_verification_leaves_no_body_and_no_message_text_in_the_log(
        log_file: io.StringIO, bolt: App) -> None:
    body = f"token=x&command=%2Fpractice&text={REP_TEXT.replace(' ', '+')}&user_id=U1"
    response = bolt.dispatch(BoltRequest(body=body, headers={
        "x-slack-signature": "v0=forged", "x-slack-request-timestamp": str(int(time.time()))}))

    assert response.status == 401
    written = log_file.getvalue()
    assert "Invalid request signature" in written  # the refusal is still visible to the operator
    assert REP_TEXT.split()[1] not in written and "renewal" not in written and "command=" not in written


def test_a_newline_in_a_header_cannot_forge_a_log_line(log_file: io.StringIO, bolt: App) -> None:
    bolt.dispatch(BoltRequest(body="a=b", headers={
        "x-slack-signature": "v0=forged" + FORGED, "x-slack-request-timestamp": str(int(time.time()))}))

    lines = log_file.getvalue().splitlines()
    assert not any(line.startswith("2026-12-04 12:00:00 ERROR") for line in lines)
    assert any("\\n2026-12-04" in line for line in lines)  # there, escaped, on the refusal's own line


def test_one_log_line_is_capped_whatever_a_request_carries(log_file: io.StringIO, bolt: App) -> None:
    bolt.dispatch(BoltRequest(body="a=b", headers={
        "x-slack-signature": "v0=" + "f" * 200_000, "x-slack-request-timestamp": str(int(time.time()))}))

    assert max(len(line) for line in log_file.getvalue().splitlines()) < MAX_MESSAGE_CHARS + 200


def test_our_own_lines_keep_their_ids_and_counts(log_file: io.StringIO) -> None:
    logging.getLogger("bot.practice.engine").info("session %s: %d turns", "s-1", 3)

    assert "session s-1: 3 turns" in log_file.getvalue()
