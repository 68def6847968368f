"""Slack's rules, kept: acknowledge within 3 s, one reply per message however often Slack
delivers it, signatures on every request, Retry-After honoured on every Web API call."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from bot.ports import BuyerContext, BuyerReply
from bot.practice.buyers.offline import OfflineBuyer
from scenarios.loader import ScenarioLibrary
from scenarios.schema import Scenario
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender, sign
from tests.slack.conftest import SlackWorld, make_world

LINE = "What's driving this for you right now? What business problem are you trying to solve?"


def test_a_retried_event_gets_exactly_one_buyer_reply(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    sender = slack.sender
    event = sender.message_event(rep, slack.dm(rep), LINE, thread_ts=thread)
    assert sender.event(event, event_id="Ev0001").status == 200
    # Slack retries the same event id; and it may deliver the same message under a new event id.
    assert sender.event(event, event_id="Ev0001", retry_num=1).status == 200
    assert sender.event(event, event_id="Ev0002", retry_num=2).status == 200
    slack.settle()
    replies = slack.fake.in_thread(slack.dm(rep), thread)
    assert len(replies) == 1 and replies[0].username == "Dana Whitfield"
    session = slack.core.repos.sessions.find_by_thread("slack", slack.dm(rep), thread)
    assert session is not None
    assert [t.speaker for t in slack.core.repos.sessions.turns(session.id)] == ["buyer", "rep", "buyer"]


def test_a_request_with_a_bad_signature_is_refused_and_does_nothing(slack: SlackWorld) -> None:
    body, headers = slack.sender.build_command("/practice", "", "U0DANA")
    forged = slack.sender.post(body, {**headers, "X-Slack-Signature": sign("not-the-secret", int(time.time()), body)})
    tampered = slack.sender.post(body + b"&text=pricing-objection", headers)
    assert forged.status == 401 and tampered.status == 401
    slack.settle()
    assert slack.fake.calls == []


def test_a_replayed_request_with_a_stale_timestamp_is_refused(slack: SlackWorld) -> None:
    stale = int(time.time()) - 6 * 60
    event = slack.sender.message_event("U0DANA", slack.dm("U0DANA"), "hello")
    body, headers = slack.sender.build_event(event, timestamp=stale)  # correctly signed, but six minutes old
    assert slack.sender.post(body, headers).status == 401
    slack.settle()
    assert slack.fake.calls == []


def test_a_429_storm_is_waited_out_and_every_reply_arrives_once(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    slack.fake.fail("chat.postMessage", 429, times=3, retry_after=0)
    slack.fake.fail("users.info", 429, times=2, retry_after=0)
    slack.clock.advance(days=2)  # the profile is stale, so users.info is called (and throttled) too
    replies = slack.say(rep, thread, LINE)
    slack.settle()
    assert len(replies) == 1 and replies[0].username == "Dana Whitfield"
    assert len(slack.fake.calls_of("chat.postMessage", ok=False)) == 3
    assert len(slack.fake.calls_of("users.info", ok=False)) == 2
    assert len(slack.fake.in_thread(slack.dm(rep), thread)) == 1


def test_a_slack_server_error_is_retried(slack: SlackWorld) -> None:
    rep = "U0DANA"
    thread = slack.start(rep)
    slack.fake.fail("chat.postMessage", 500, times=1)
    replies = slack.say(rep, thread, LINE)
    assert len(replies) == 1 and replies[0].username == "Dana Whitfield"


class GatedBuyer:
    """The offline buyer, held at a gate: a slow LLM the test controls."""

    name = "gated"

    def __init__(self) -> None:
        self.inner = OfflineBuyer()
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        return self.inner.opening(scenario, session_id)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        self.waiting.set()
        assert self.gate.wait(20)
        return self.inner.reply(ctx)


@pytest.fixture
def slow(fresh_sqlite: str, library: ScenarioLibrary) -> Iterator[tuple[SlackWorld, GatedBuyer]]:
    buyer = GatedBuyer()
    world = make_world(fresh_sqlite, buyer=buyer, library=library, migrate=False)
    yield world, buyer
    buyer.gate.set()
    world.close()


def test_slack_gets_its_answer_while_a_slow_buyer_is_still_thinking(slow: tuple[SlackWorld, GatedBuyer]) -> None:
    world, buyer = slow
    rep = "U0DANA"
    thread = world.start(rep)
    first = world.sender.message(rep, world.dm(rep), LINE, thread_ts=thread)
    assert first.status == 200
    assert buyer.waiting.wait(10)  # the buyer is thinking, and Slack already has its 200
    assert world.fake.in_thread(world.dm(rep), thread) == []
    # A second message from the rep while the first is unanswered: answered after it, in order.
    second = world.sender.message(rep, world.dm(rep), "And who else is involved in the decision?",
                                  thread_ts=thread)
    assert second.status == 200
    buyer.gate.set()
    replies = world.fake.wait_thread(world.dm(rep), thread, 2)
    assert [m.username for m in replies] == ["Dana Whitfield", "Dana Whitfield"]
    world.settle()  # a turn is stored once its line is out
    session = world.core.repos.sessions.find_by_thread("slack", world.dm(rep), thread)
    assert session is not None
    turns = world.core.repos.sessions.turns(session.id)
    assert [t.speaker for t in turns] == ["buyer", "rep", "buyer", "rep", "buyer"]
    assert turns[1].text == LINE and "who else" in (turns[3].text or "")


def test_the_health_check_answers_without_a_signature(slack: SlackWorld) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{slack.url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read())["ok"] is True


def test_slacks_url_verification_challenge_is_answered(slack: SlackWorld) -> None:
    sender = SlackSender(slack.sender.url, SIGNING_SECRET)
    body = b'{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}'
    reply = sender.post(body, sender._headers(body, "application/json"))
    assert reply.status == 200 and "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in reply.body


class FlakyBuyer(GatedBuyer):
    """Fails its first reply, like an LLM outage without an offline fallback."""

    def __init__(self) -> None:
        super().__init__()
        self.gate.set()
        self.failures = 1

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("buyer unavailable")
        return super().reply(ctx)


def test_a_failure_on_our_side_is_said_in_the_thread_and_a_redelivery_is_answered_once(
        fresh_sqlite: str, library: ScenarioLibrary) -> None:
    world = make_world(fresh_sqlite, buyer=FlakyBuyer(), library=library, migrate=False)
    try:
        rep = "U0DANA"
        thread = world.start(rep)
        event = world.sender.message_event(rep, world.dm(rep), LINE, thread_ts=thread)
        world.sender.event(event, event_id="Ev0100")
        (sorry,) = world.fake.wait_thread(world.dm(rep), thread, 1)
        assert "send it again" in sorry.text
        world.sender.event(event, event_id="Ev0100", retry_num=1)  # Slack's retry (or the rep resending)
        replies = world.fake.wait_thread(world.dm(rep), thread, 2)
        assert replies[-1].username == "Dana Whitfield"
        world.settle()  # a turn is stored once its line is out
        session = world.core.repos.sessions.find_by_thread("slack", world.dm(rep), thread)
        assert session is not None
        # The rep's message is in the transcript once, answered once.
        assert [t.speaker for t in world.core.repos.sessions.turns(session.id)] == ["buyer", "rep", "buyer"]
    finally:
        world.close()
