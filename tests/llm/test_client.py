"""The one LLM client: what it sends, what it records, how it fails, and what it never logs."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest

from bot.llm.client import LlmClient, LlmUnavailable, cached, text_block
from storage import Repositories
from storage.repos.usage import UsageRepo
from tests.fakes.anthropic_api import FakeAnthropic, Fault, Reply, Slow
from tests.llm.conftest import API_KEY, ClaudeBot, buyer_line, claude_settings

LONG_PREFIX = "You are a careful assistant. " * 200  # ~1,500 tokens: long enough to cache


def ask(client: LlmClient, session_id: str | None = None) -> object:
    return client.create("buyer", session_id=session_id, system=[cached(text_block(LONG_PREFIX))],
                         messages=[{"role": "user", "content": [text_block("Hello there.")]}], max_tokens=50)


def test_usage_with_cache_fields_is_recorded_per_call(fake: FakeAnthropic, repos: Repositories) -> None:
    client = LlmClient(claude_settings(repos.db.url), UsageRepo(repos.db))
    first, second = ask(client, "s-1"), ask(client, "s-1")
    assert first.usage.cache_write_tokens > 1000 and first.usage.cache_read_tokens == 0  # type: ignore[attr-defined]
    assert second.usage.cache_read_tokens == first.usage.cache_write_tokens  # type: ignore[attr-defined]
    rows = UsageRepo(repos.db).for_session("s-1")
    assert [(r.cache_write_tokens > 0, r.cache_read_tokens > 0, r.ok) for r in rows] == [(True, False, True),
                                                                                       (False, True, True)]
    assert rows[0].input_tokens == first.usage.input_tokens and rows[0].model == "claude-sonnet-4-6"  # type: ignore[attr-defined]


@pytest.mark.parametrize("faults,budget_s,reason,status,attempts", [
    ([Fault(529, retry_after_s=0.01)] * 3, 10.0, "overloaded", 529, 3),  # quick retries fit in the budget
    ([Fault(500, retry_after_s=0.01)] * 3, 10.0, "server_error", 500, 3),
    ([Fault(429, retry_after_s=30)], 10.0, "retry would not fit", 429, 1),
    ([Slow(60)] * 3, 1.0, "timeout", None, 1),
])
def test_every_failure_becomes_one_llm_unavailable_within_the_budget(
        fake: FakeAnthropic, sqlite_url: str, faults: list, budget_s: float, reason: str, status: int | None,
        attempts: int) -> None:
    client = LlmClient(claude_settings(sqlite_url, anthropic_timeout_s=budget_s))
    fake.script(*faults)
    started = time.monotonic()
    with pytest.raises(LlmUnavailable) as failure:
        ask(client)
    # The SDK alone would wait out the 30 s Retry-After and retry the slow answer twice. Counted
    # attempts, not a tight timing: the only wall-clock bound is far from any busy machine's delay.
    assert time.monotonic() - started < 15
    assert [r.status for r in fake.requests] == [status or 0] * attempts  # 0: the fake had not answered yet
    assert failure.value.reason == reason and failure.value.status == status


def test_a_wrong_key_is_a_clear_error_in_the_log_and_still_an_llm_unavailable(
        fake: FakeAnthropic, sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    fake.script(Fault(401, message="invalid x-api-key"))
    client = LlmClient(claude_settings(sqlite_url))
    with caplog.at_level(logging.INFO), pytest.raises(LlmUnavailable) as failure:
        ask(client)
    assert failure.value.status == 401 and len(fake.requests) == 1  # 401 is not retried
    assert any(r.levelno == logging.ERROR and getattr(r, "status", None) == 401 for r in caplog.records)


def test_the_client_refuses_to_start_without_a_key(sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        LlmClient(claude_settings(sqlite_url, anthropic_api_key=None))


def test_logs_never_contain_the_api_key_or_the_transcript(
        fake: FakeAnthropic, claude_bot: Callable[..., ClaudeBot], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # the SDK would log request bodies at DEBUG
    bot = claude_bot()
    bot.start()
    secret_line = "Our warehouse in Tilbury loses 40k a month to chargebacks, says Mrs Okonkwo"
    fake.script(buyer_line("Tell me more about Tilbury."), *[Fault(529, retry_after_s=0.01)] * 3,
                Reply.tool("record_scores", {"scores": []}))
    bot.say(secret_line)
    bot.say(f"{secret_line}, again")
    bot.say("done")
    assert len(fake.requests) == 5
    logged = caplog.text + " ".join(str(r.__dict__) for r in caplog.records)
    assert "llm call ok" in logged and "llm call failed" in logged and "fell back" in logged
    for needle in (API_KEY, "Tilbury", "Okonkwo", "Tell me more"):
        assert needle not in logged, needle
