"""While Claude is down, reps get the offline buyer at once instead of waiting out each turn's budget."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.llm.breaker import CLOSED, OPEN, CircuitBreaker
from bot.llm.client import LlmBadOutput, LlmUnavailable
from tests.fakes.anthropic_api import FakeAnthropic, Fault
from tests.llm.conftest import ClaudeBot, buyer_line, texts
from tests.llm.test_buyer import CURIOUS, ENGINE, offline_lines

DOWN = dict(anthropic_max_retries=0, anthropic_breaker_failures=3, anthropic_breaker_cooldown_s=600)


def test_after_three_failed_turns_the_offline_buyer_answers_without_calling_claude(
        fake: FakeAnthropic, claude_bot: Callable[..., ClaudeBot]) -> None:
    bot = claude_bot(**DOWN)
    bot.start()
    fake.script(*[Fault(529)] * 3)
    for _ in range(3):
        assert texts(bot.say(CURIOUS))[0] in offline_lines()
    assert len(fake.requests) == 3
    fake.script(buyer_line("Claude would have said this."))
    replies = bot.say("What does a late shipment cost you?")
    assert texts(replies)[0] in offline_lines() and bot.turns()[-1].engine == "offline"
    assert len(fake.requests) == 3  # the open circuit spared the rep the call


def test_after_the_cooldown_one_probe_finds_claude_back_and_claude_plays_the_buyer_again(
        fake: FakeAnthropic, claude_bot: Callable[..., ClaudeBot]) -> None:
    bot = claude_bot(**DOWN)
    bot.start()
    fake.script(*[Fault(529)] * 3)
    for _ in range(3):
        bot.say(CURIOUS)
    bot.clock.advance(seconds=600)
    fake.script(buyer_line("Sorry, where were we? Late shipments."), buyer_line("Forty thousand a month."))
    assert texts(bot.say("What does a late shipment cost you?")) == ["Sorry, where were we? Late shipments."]
    assert texts(bot.say("And what does that do to the quarter?")) == ["Forty thousand a month."]
    assert bot.turns()[-1].engine == ENGINE and len(fake.requests) == 5


def test_a_failed_probe_keeps_the_offline_buyer_answering_for_another_cooldown(
        fake: FakeAnthropic, claude_bot: Callable[..., ClaudeBot]) -> None:
    bot = claude_bot(**DOWN)
    bot.start()
    fake.script(*[Fault(500)] * 4)
    for _ in range(3):
        bot.say(CURIOUS)
    bot.clock.advance(seconds=600)
    bot.say("What does a late shipment cost you?")  # the probe fails
    assert len(fake.requests) == 4
    bot.say("And what does that do to the quarter?")
    assert len(fake.requests) == 4 and bot.turns()[-1].engine == "offline"


class _Clock:
    def __init__(self) -> None:
        self.current = datetime(2026, 11, 2, 9, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current


def test_unusable_answers_say_nothing_about_an_outage_and_never_open_the_circuit() -> None:
    breaker = CircuitBreaker(failures=2, cooldown=timedelta(seconds=30), clock=_Clock())
    for _ in range(5):
        assert breaker.allow()
        breaker.failed(LlmBadOutput("no tool call"))
    assert breaker.state == CLOSED


def test_a_success_between_failures_starts_the_count_again() -> None:
    breaker = CircuitBreaker(failures=2, cooldown=timedelta(seconds=30), clock=_Clock())
    breaker.failed(LlmUnavailable("overloaded", 529))
    breaker.succeeded()
    breaker.failed(LlmUnavailable("overloaded", 529))
    assert breaker.state == CLOSED and breaker.allow()
    breaker.failed(LlmUnavailable("overloaded", 529))
    assert breaker.state == OPEN and not breaker.allow()


def test_only_one_probe_goes_out_at_a_time() -> None:
    clock = _Clock()
    breaker = CircuitBreaker(failures=1, cooldown=timedelta(seconds=30), clock=clock)
    breaker.failed(LlmUnavailable("timeout"))
    clock.current += timedelta(seconds=31)
    assert breaker.allow() is True  # the probe
    assert breaker.allow() is False  # everyone else waits for its answer
    breaker.succeeded()
    assert breaker.state == CLOSED and breaker.allow()
