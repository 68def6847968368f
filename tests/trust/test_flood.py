"""One person flooding the bot gets one polite note, not a reply per message (issue 18, item 2).

The replies-under-a-flood figure through Slack is benchmarks/flood.py; here the rule itself,
on the real engine, storage and clock arithmetic."""

from __future__ import annotations

import uuid

from bot.guard.flood import FLOOD_NOTE, FloodGuard, FloodLimits, Verdict
from bot.messages import Attachment, Inbound, PersonRef, Text
from tests.core.testbot import ManualClock, TestBot


def _burst(bot: TestBot, count: int, *, attachments: tuple[Attachment, ...] = ()) -> list[str]:
    """`count` messages in the same second, as a script or a stuck key sends them."""
    assert bot.ref is not None
    before = len(bot.chat.posted)
    for i in range(count):
        bot.service.handle(Inbound(bot.ref, bot.person, uuid.uuid4().hex, bot.clock.now(), f"message {i}",
                                   attachments))
    return [m.text for _, m in bot.chat.posted[before:] if isinstance(m, Text)]


def test_a_thousand_messages_in_a_burst_get_twenty_answers_and_one_polite_note(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    bot.start()

    replies = _burst(bot, 1000)

    assert replies.count(FLOOD_NOTE) == 1
    assert len(replies) == FloodLimits().turns + 1


def test_after_a_quiet_minute_the_rep_is_answered_again(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    bot.start()
    _burst(bot, 30)

    bot.clock.advance(seconds=61)
    replies = bot.texts(bot.say("Sorry about that — what is driving this for you?"))

    assert replies and FLOOD_NOTE not in replies


def test_a_second_flood_later_gets_its_own_single_note(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    bot.start()
    first = _burst(bot, 25)
    bot.clock.advance(minutes=5)
    second = _burst(bot, 25)

    assert first.count(FLOOD_NOTE) == 1 and second.count(FLOOD_NOTE) == 1


def test_one_rep_s_flood_does_not_slow_down_another_rep(sqlite_url: str) -> None:
    flooder = TestBot(sqlite_url, user="U1")
    flooder.start()
    _burst(flooder, 100)
    calm = TestBot(sqlite_url, user="U2", clock=flooder.clock, chat=flooder.chat)
    calm.service = flooder.service  # one process, one guard
    calm.start()

    assert FLOOD_NOTE not in calm.texts(calm.say("What prompted this conversation?"))


def test_voice_clips_have_their_own_lower_limit() -> None:
    clock = ManualClock()
    guard = FloodGuard(clock)
    rep = PersonRef("slack", "T1", "U1")
    clip = ("turn", "clip")

    verdicts = [guard.admit(rep, *clip) for _ in range(8)]

    assert verdicts[:6] == [Verdict.ADMIT] * 6 and verdicts[6:] == [Verdict.NOTE, Verdict.QUIET]
    assert guard.admit(rep, "turn") is Verdict.ADMIT  # typing is still fine
    clock.advance(seconds=60)
    assert guard.admit(rep, *clip) is Verdict.ADMIT


def test_people_who_went_quiet_are_not_remembered_forever() -> None:
    clock = ManualClock()
    guard = FloodGuard(clock)
    for i in range(FloodGuard.SWEEP_EVERY - 1):
        guard.admit(PersonRef("slack", "T1", f"U{i}"), "turn")
    clock.advance(minutes=2)

    guard.admit(PersonRef("slack", "T1", "U-last"), "turn")

    assert guard.tracked == 1


def test_the_limits_are_per_minute_not_per_session(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    bot.start()
    for _ in range(3):  # a steady, fast rep: 15 messages a minute for three minutes
        assert FLOOD_NOTE not in _burst(bot, 15)
        bot.clock.advance(seconds=60)
