"""Which engines a process runs with, and the fake API's caching rules that the token benchmark relies on."""

from __future__ import annotations

import anthropic

from bot.app import make_buyer_and_judge
from bot.practice.buyers.llm import LlmBuyer
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.fallback import FallbackBuyer, FallbackJudge
from bot.practice.judges.llm import LlmJudge
from bot.practice.judges.offline import OfflineJudge
from storage import Repositories
from tests.fakes.anthropic_api import FakeAnthropic
from tests.llm.conftest import claude_settings


def test_without_a_key_the_offline_engines_run_alone(sqlite_url: str) -> None:
    repos = Repositories.open(sqlite_url)
    buyer, judge = make_buyer_and_judge(claude_settings(sqlite_url, anthropic_api_key=None), repos)
    assert isinstance(buyer, OfflineBuyer) and isinstance(judge, OfflineJudge)
    repos.db.dispose()


def test_with_a_key_claude_runs_in_front_of_the_offline_engines(sqlite_url: str) -> None:
    repos = Repositories.open(sqlite_url)
    buyer, judge = make_buyer_and_judge(claude_settings(sqlite_url), repos)
    assert isinstance(buyer, FallbackBuyer) and isinstance(buyer.primary, LlmBuyer)
    assert isinstance(buyer.fallback, OfflineBuyer) and buyer.name == "claude:claude-sonnet-4-6"
    assert isinstance(judge, FallbackJudge) and isinstance(judge.primary, LlmJudge)
    assert isinstance(judge.fallback, OfflineJudge)
    repos.db.dispose()


def _ask(client: anthropic.Anthropic, system: str, *turns: str, model: str = "claude-sonnet-4-6") -> dict[str, int]:
    messages = []
    for i, text in enumerate(turns):
        block = {"type": "text", "text": text}
        if i == len(turns) - 1:
            block["cache_control"] = {"type": "ephemeral"}
        messages.append({"role": "user" if i % 2 == 0 else "assistant", "content": [block]})
    message = client.messages.create(model=model, max_tokens=10, messages=messages,  # type: ignore[arg-type]
                                     system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}])
    u = message.usage
    return {"in": u.input_tokens, "write": u.cache_creation_input_tokens or 0, "read": u.cache_read_input_tokens or 0}


def test_the_fake_caches_like_the_service() -> None:
    with FakeAnthropic() as fake:
        client = anthropic.Anthropic(api_key="sk-test", base_url=fake.url, max_retries=0)
        short = _ask(client, "Short system prompt.", "Hi")
        assert short["write"] == 0 and _ask(client, "Short system prompt.", "Hi")["read"] == 0  # under 1,024 tokens
        long = "A stable persona and rubric. " * 200
        first = _ask(client, long, "Hi")
        assert first["read"] == 0 and first["write"] > 1024
        second = _ask(client, long, "Hi", "Hello, what can I do?", "Tell me more")  # the prior prefix is found by lookback
        assert second["read"] == first["write"] and second["write"] > 0
        assert _ask(client, long, "Hi", model="claude-haiku-4-5")["write"] == 0  # Haiku 4.5 needs 4,096 tokens
        assert sum(r.body["model"] == "claude-sonnet-4-6" for r in fake.requests) == 4


def test_the_fake_fails_a_seeded_share_of_requests_for_load_tests() -> None:
    with FakeAnthropic(fault_rate=0.5, seed=7) as fake:
        client = anthropic.Anthropic(api_key="sk-test", base_url=fake.url, max_retries=0)
        outcomes = []
        for _ in range(40):
            try:
                client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "hi"}])
                outcomes.append("ok")
            except anthropic.InternalServerError as exc:
                assert exc.status_code == 529
                outcomes.append("529")
        assert 10 <= outcomes.count("529") <= 30
