"""One rep, several web processes: each message answered once, in the order it was sent (issue #18, item 11).

On PostgreSQL two engines stand for two `rehearse serve` processes behind a load
balancer: separate connection pools, separate in-process locks, one database.
SQLite is served by one web process, so there the messages reach one engine.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta

import psycopg
import pytest

from bot.messages import Inbound, Text
from bot.ports import BuyerContext, BuyerPort, BuyerReply
from scenarios.schema import Scenario
from tests.core.testbot import RecordingChat, TestBot

LINES = [
    "What's driving the review on your side?",
    "How is that affecting the team each month?",
    "Who else needs to be comfortable with a change?",
    "What happens if nothing changes this quarter?",
    "What would a good outcome look like?",
    "So the delays matter more than the price — fair?",
]


class SlowBuyer:
    """The offline buyer taking as long as a quick LLM reply, so the messages overlap in flight."""

    def __init__(self, inner: BuyerPort, seconds: float) -> None:
        self.inner = inner
        self.seconds = seconds

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        return self.inner.opening(scenario, session_id)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        time.sleep(self.seconds)
        return self.inner.reply(ctx)


@pytest.mark.parametrize("processes", [1, 2])
def test_messages_sent_alternately_to_two_processes_are_answered_once_each_in_order(
        db_url: str, processes: int) -> None:
    if processes == 2 and db_url.startswith("sqlite"):
        pytest.skip("SQLite is served by one web process; two processes need PostgreSQL")
    chat = RecordingChat()  # the one Slack both processes post to
    first = TestBot(db_url, chat=chat)
    bots = [first] + [TestBot(db_url, clock=first.clock, chat=chat) for _ in range(processes - 1)]
    for bot in bots:
        bot.service.buyer = SlowBuyer(bot.service.buyer, 0.15)
        if processes == 2:
            bot.service.peers = lambda: 2  # what each process reads from PostgreSQL behind a load balancer
    first.start()
    assert first.ref is not None
    sends = []
    for i, line in enumerate(LINES):  # 50 ms apart, alternating between the processes
        service = bots[i % len(bots)].service
        inbound = Inbound(first.ref, first.person, f"Ev{i}", first.clock.now(), line)
        sends.append(threading.Thread(target=service.handle, args=(inbound,)))
        sends[-1].start()
        time.sleep(0.05)
    for thread in sends:
        thread.join(60)
        assert not thread.is_alive()

    turns = first.repos.sessions.turns(first.session_id)  # type: ignore[arg-type]
    assert [t.text for t in turns if t.speaker == "rep"] == LINES
    assert [t.speaker for t in turns] == ["buyer"] + ["rep", "buyer"] * len(LINES)
    posted = [m.text for r, m in chat.posted[1:] if isinstance(m, Text)]
    assert posted == [t.text for t in turns[2::2]]  # every answer once, in the order of the messages
    for bot in bots:
        assert bot.service.held_locks == 0  # no lock object outlives its session's work


def test_per_session_locks_do_not_accumulate_in_a_long_running_process(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    for _ in range(5):
        bot.start()
        bot.say(LINES[0])
        bot.say("done")
    assert bot.service.held_locks == 0


def test_a_message_received_by_a_slower_process_is_answered_before_the_next_one(pg_url: str) -> None:
    chat = RecordingChat()
    slow = TestBot(pg_url, chat=chat)
    fast = TestBot(pg_url, clock=slow.clock, chat=chat)
    slow.start()
    assert slow.ref is not None
    first = Inbound(slow.ref, slow.person, "Ev-first", slow.clock.now(), LINES[0])
    slow.clock.advance(seconds=1)
    second = Inbound(slow.ref, slow.person, "Ev-second", slow.clock.now(), LINES[1])
    assert slow.service.receive(first)  # acknowledged by the slow process, which has not handled it yet
    fast.service.handle(second)  # the next message reaches the other process
    slow.service.handle(first, received=True)  # the slow process catches up: nothing left to do

    turns = slow.repos.sessions.turns(slow.session_id)  # type: ignore[arg-type]
    assert [t.text for t in turns if t.speaker == "rep"] == [LINES[0], LINES[1]]
    assert [t.speaker for t in turns] == ["buyer", "rep", "buyer", "rep", "buyer"]
    assert [m.text for _, m in chat.posted[1:] if isinstance(m, Text)] == [turns[2].text, turns[4].text]


def test_a_message_a_busy_process_stores_late_is_still_answered_before_the_next_one(pg_url: str) -> None:
    """The busy process takes 200 ms to store the first message; the other has the second 50 ms after
    it was sent. Without a wait, the second would be answered first."""
    chat = RecordingChat()
    busy = TestBot(pg_url, chat=chat)
    quick = TestBot(pg_url, clock=busy.clock, chat=chat)
    for bot in (busy, quick):
        bot.service.peers = lambda: 2
    busy.start()
    assert busy.ref is not None
    first = Inbound(busy.ref, busy.person, "Ev-first", busy.clock.now(), LINES[0])
    second = Inbound(busy.ref, busy.person, "Ev-second", busy.clock.now() + timedelta(milliseconds=50), LINES[1])

    def busy_process() -> None:
        time.sleep(0.2)
        busy.service.handle(first)

    late = threading.Thread(target=busy_process)
    late.start()
    time.sleep(0.05)
    quick.service.handle(second)
    late.join(30)

    turns = busy.repos.sessions.turns(busy.session_id)  # type: ignore[arg-type]
    assert [t.text for t in turns if t.speaker == "rep"] == [LINES[0], LINES[1]]
    assert [m.text for _, m in chat.posted[1:] if isinstance(m, Text)] == [turns[2].text, turns[4].text]


def test_one_web_process_never_holds_a_message_back(pg_url: str) -> None:
    bot = TestBot(pg_url)
    bot.service.peers = lambda: 1
    bot.start()
    started = time.monotonic()
    bot.say(LINES[0])
    assert time.monotonic() - started < 0.5  # no order window: nobody else can be storing an earlier message


def test_web_processes_count_each_other_through_postgresql(pg_url: str) -> None:
    from storage.db import Database

    before = Database(pg_url, role="web").web_processes()
    assert before >= 1  # itself
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://").split("?")[0]
    with psycopg.connect(plain, application_name=f"rehearse-web:elsewhere:{uuid.uuid4().hex[:8]}"), \
            psycopg.connect(plain, application_name="rehearse-worker:elsewhere:1"):
        assert Database(pg_url, role="web").web_processes() == before + 1  # the worker does not serve HTTP
