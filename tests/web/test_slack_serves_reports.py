"""With Slack: `rehearse serve`'s one port answers /slack/events, /healthz and the report pages, and a rep's
`/rehearse progress` and App Home carry the link to their history, which opens on that same port."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from scenarios.loader import ScenarioLibrary
from tests.slack.conftest import SlackWorld, make_world
from tests.slack.test_app_home import _open_home, _practise_once

LIBRARY = ScenarioLibrary.load()


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the local test server
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


@pytest.fixture
def slack_with_reports(sqlite_url: str) -> Iterator[SlackWorld]:
    world = make_world(sqlite_url, library=LIBRARY, secret_key="slack-reports-secret",
                       public_url="http://public.example.test")
    yield world
    world.close()


@pytest.fixture
def slack(sqlite_url: str) -> Iterator[SlackWorld]:
    world = make_world(sqlite_url, library=LIBRARY)
    yield world
    world.close()


def test_a_reps_progress_and_home_link_opens_their_history_on_the_slack_port(slack_with_reports: SlackWorld) -> None:
    world, rep = slack_with_reports, "U0DANA"
    _practise_once(world, rep)

    world.sender.command("/rehearse", "progress", rep)
    (answer,) = world.fake.wait_for(lambda: world.fake.calls_of("response_url"))
    link = re.search(r"http://public\.example\.test(/reports/[A-Za-z0-9_.\-]+)", json.dumps(answer.args["blocks"]))
    assert link is not None, answer.args["blocks"]
    status, headers, page = _get(world.url + link.group(1))
    assert status == 200 and "Your practice" in page and "1 session so far" in page
    assert headers["Cache-Control"] == "private, no-store"

    home = _open_home(world, rep)
    assert "Open your full practice history" in home and "http://public.example.test/reports/" in home
    assert _get(world.url + "/healthz")[0] == 200
    assert _get(world.url + link.group(1)[:-3] + "xyz")[0] == 403


def test_without_a_secret_key_the_slack_port_says_reports_are_off(slack: SlackWorld) -> None:
    status, _, page = _get(slack.url + "/reports/anything")
    assert status == 503 and "SECRET_KEY" in page
