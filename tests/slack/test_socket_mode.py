"""Socket Mode: the same practice over Slack's websocket, for workspaces without a public URL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest

from scenarios.loader import ScenarioLibrary
from tests.fakes.slack_api import APP_TOKEN
from tests.slack.conftest import SlackWorld, make_world


@pytest.fixture
def socket_world(fresh_sqlite: str, library: ScenarioLibrary) -> Iterator[SlackWorld]:
    world = make_world(fresh_sqlite, library=library, migrate=False, slack_app_token=APP_TOKEN,
                       slack_signing_secret=None)
    world.adapter.start_socket_mode()
    world.fake.wait_socket_connected()
    yield world
    world.close()


def test_a_rep_practises_over_socket_mode_and_every_envelope_is_acknowledged(socket_world: SlackWorld) -> None:
    world, rep = socket_world, "U0DANA"
    body, _ = world.sender.build_command("/practice", "pricing-objection", rep)
    command = world.fake.socket_send(dict(parse_qsl(body.decode())), kind="slash_commands")
    (card,) = world.fake.wait_for(lambda: world.fake.top_level(world.dm(rep)))
    assert "expensive" in card.blocks[0]["text"]["text"]
    world.settle()

    event = world.sender.event_body(world.sender.message_event(
        rep, world.dm(rep), "Before we talk price, what made you start looking at this now?", thread_ts=card.ts))
    message = world.fake.socket_send(event)
    (reply,) = world.fake.wait_thread(world.dm(rep), card.ts, 1)
    assert reply.username and reply.thread_ts == card.ts

    acks = world.fake.wait_for(lambda: {a["envelope_id"] for a in world.fake.socket_acks} >= {command, message}
                               and world.fake.socket_acks)
    assert {a["envelope_id"] for a in acks} >= {command, message}
    # The app token, not the bot token, opened the connection.
    (opened,) = world.fake.calls_of("apps.connections.open")
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"


def test_without_a_signing_secret_http_events_are_switched_off(socket_world: SlackWorld) -> None:
    reply = socket_world.sender.command("/practice", "", "U0DANA")
    assert reply.status == 404 and "SLACK_SIGNING_SECRET" in json.loads(reply.body)["error"]
