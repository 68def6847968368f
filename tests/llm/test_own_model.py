"""The buyer and the judge on your own model: the real `openai` SDK against a fake OpenAI-compatible server.

The same guarantees as with Claude: fenced rep text, verbatim evidence, time
budgets, the breaker and the offline fallback, structured judge output whatever
the server supports, and usage with the provider recorded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.llm.client import LlmClient
from bot.llm.openai_compat import OpenAiCompatClient, parse_json_object, to_chat_messages
from bot.llm.providers import ProviderChoice, ProviderNotConfigured, resolve
from bot.practice.buyers.llm import LlmBuyer
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engines import make_engines
from bot.practice.fallback import FallbackBuyer, FallbackJudge
from bot.practice.judges.llm import LlmJudge
from bot.practice.judges.offline import OfflineJudge
from bot.practice.states import State
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage.repos.usage import UsageRepo
from tests.fakes.anthropic_api import Fault, Slow
from tests.fakes.openai_api import Answer, FakeOpenAI
from tests.llm.conftest import FENCED, ClaudeBot, cards, texts
from tests.slack.conftest import SlackWorld, make_world

SCENARIO = ScenarioLibrary.load().get("discovery-procurement-stall")
GOOD = "Before pricing, what's driving this for you right now? What is it costing the business?"
BUYER_MODEL, JUDGE_MODEL = "llama-3.1-8b-instruct", "qwen2.5-32b-instruct"


def own_settings(db_url: str, base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(database_url=db_url, openai_base_url=base_url, llm_model=BUYER_MODEL,
                                  anthropic_timeout_s=2.0, anthropic_judge_timeout_s=3.0, anthropic_max_retries=2)
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def own_bot(sqlite_url: str) -> Iterator[Callable[..., ClaudeBot]]:
    bots: list[ClaudeBot] = []

    def make(base_url: str, **overrides: Any) -> ClaudeBot:
        bot = ClaudeBot(own_settings(sqlite_url, base_url, **overrides), user=f"U{len(bots) + 1}")
        bots.append(bot)
        return bot

    yield make
    for bot in bots:
        bot.close()


def line(text: str, *revealed: str) -> Answer:
    return Answer.function("buyer_reply", {"text": text, "revealed_fact_ids": list(revealed)})


def verdicts(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"scores": list(entries)}


def verdict(behavior: str, score: int, evidence: list[str]) -> dict[str, Any]:
    return {"behavior": behavior, "level": min(score // 20, 4), "score": score, "evidence": evidence,
            "confidence": 0.9, "try_next": "Ask one more question about impact."}


# ---- which engines run -----------------------------------------------------------------------


def test_with_no_settings_the_bot_stays_offline(sqlite_url: str) -> None:
    settings = Settings(_env_file=None, database_url=sqlite_url)  # type: ignore[call-arg]
    buyer, judge = make_engines(settings)
    assert isinstance(buyer, OfflineBuyer) and isinstance(judge, OfflineJudge)
    assert resolve(settings, "buyer") == ProviderChoice("offline", "")


def test_auto_prefers_claude_then_the_own_server_then_offline(sqlite_url: str) -> None:
    both = own_settings(sqlite_url, "http://127.0.0.1:9/v1", anthropic_api_key="sk-ant-test")
    assert resolve(both, "buyer").provider == "anthropic"
    own = own_settings(sqlite_url, "http://127.0.0.1:9/v1")
    assert resolve(own, "buyer") == ProviderChoice("openai", BUYER_MODEL)
    forced = own_settings(sqlite_url, "http://127.0.0.1:9/v1", anthropic_api_key="sk-ant-test", llm_provider="openai")
    assert resolve(forced, "judge").engine == f"openai:{BUYER_MODEL}"
    off = own_settings(sqlite_url, "http://127.0.0.1:9/v1", llm_provider="offline")
    assert resolve(off, "buyer").provider == "offline"


def test_a_provider_named_but_not_configured_is_a_plain_set_up_error(sqlite_url: str) -> None:
    with pytest.raises(ProviderNotConfigured, match="OPENAI_BASE_URL"):
        resolve(Settings(_env_file=None, llm_provider="openai", llm_model="m"), "buyer")  # type: ignore[call-arg]
    with pytest.raises(ProviderNotConfigured, match="LLM_MODEL"):
        resolve(own_settings(sqlite_url, "http://127.0.0.1:9/v1", llm_model=None), "buyer")
    with pytest.raises(ProviderNotConfigured, match="ANTHROPIC_API_KEY"):
        resolve(Settings(_env_file=None, llm_provider="anthropic"), "buyer")  # type: ignore[call-arg]


def test_a_small_local_buyer_can_sit_beside_a_stronger_judge_on_another_provider(sqlite_url: str) -> None:
    settings = own_settings(sqlite_url, "http://127.0.0.1:9/v1", anthropic_api_key="sk-ant-test",
                            llm_provider="openai", llm_judge_provider="anthropic", llm_judge_model="claude-opus-4-6")
    buyer, judge = make_engines(settings)
    assert isinstance(buyer, FallbackBuyer) and isinstance(buyer.primary, LlmBuyer)
    assert isinstance(buyer.primary.client, OpenAiCompatClient) and buyer.name == f"openai:{BUYER_MODEL}"
    assert isinstance(judge, FallbackJudge) and isinstance(judge.primary, LlmJudge)
    assert isinstance(judge.primary.client, LlmClient) and judge.primary.name == "claude:claude-opus-4-6"
    assert buyer.breaker is not judge.breaker  # one provider's outage does not silence the other


# ---- a whole session ------------------------------------------------------------------------------


@pytest.fixture
def slack_on_own_model(sqlite_url: str, server: FakeOpenAI) -> Iterator[SlackWorld]:
    world = make_world(sqlite_url, openai_base_url=server.url,
                       llm_model=BUYER_MODEL, llm_judge_model=JUDGE_MODEL, anthropic_timeout_s=2.0)
    yield world
    world.close()


def test_a_whole_slack_session_runs_on_the_own_model_with_one_call_per_turn_and_one_judge_call(
        slack_on_own_model: SlackWorld, server: FakeOpenAI) -> None:
    world, rep = slack_on_own_model, "U0DANA"
    thread = world.start(rep)
    server.script(line("Fair question. Renewals slipped twice this quarter and finance noticed."))
    first = world.say(rep, thread, GOOD)
    assert first[-1].text == "Fair question. Renewals slipped twice this quarter and finance noticed."
    server.script(line("Every late shipment costs us a credit to the customer."))
    world.say(rep, thread, "How is that affecting the business, and who feels it?")
    server.script(Answer.function("record_scores", verdicts(verdict("business_impact_first", 70, []),
                                                            verdict("open_question", 85, [GOOD[:40]]))))
    done = world.say(rep, thread, "done")
    assert done[-1].blocks[0]["text"]["text"].startswith("Scorecard")

    assert [(r.purpose, r.body["model"]) for r in server.ok()] == [
        ("buyer", BUYER_MODEL), ("buyer", BUYER_MODEL), ("judge", JUDGE_MODEL)]
    for request in server.ok():
        rep_spans = [m.group(2) for msg in request.body["messages"] for m in FENCED.finditer(str(msg["content"]))]
        assert any("driving this" in span for span in rep_spans)  # the rep's words arrive fenced, as data
    (session,) = [s for s in _sessions(world) if s.thread == thread]
    assert session.buyer_engine == f"openai:{BUYER_MODEL}" and session.judge_engine == f"openai:{JUDGE_MODEL}"
    assert {t.engine for t in world.core.repos.sessions.turns(session.id) if t.speaker == "buyer"} >= {
        f"openai:{BUYER_MODEL}"}
    rows = UsageRepo(world.core.repos.db).for_session(session.id)
    assert [(r.provider, r.purpose, r.ok) for r in rows] == [("openai", "buyer", True)] * 2 + [("openai", "judge", True)]
    assert all(r.input_tokens > 0 and r.output_tokens > 0 for r in rows)


def _sessions(world: SlackWorld) -> list[Any]:
    from sqlmodel import select

    from storage.models import PracticeSession

    with world.core.repos.db.session() as s:
        return list(s.exec(select(PracticeSession)).all())


# ---- structured output and misbehaving models -------------------------------------------------


def test_a_judge_that_answers_invalid_json_is_asked_once_more_and_its_second_answer_counts(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    server.script(line("Go on."))
    bot.say(GOOD)
    server.script(Answer.function("record_scores", '{"scores": [{"behavior": "open_question", "score": 80,,}'),
                  Answer.function("record_scores", verdicts(verdict("business_impact_first", 70, []),
                                                            verdict("open_question", 80, [GOOD[:30]]))))
    replies = bot.say("done")
    assert cards(replies)[-1].kind == "scorecard"
    judge_calls = server.ok("judge")
    assert len(judge_calls) == 2 and "not valid JSON" in judge_calls[1].body["messages"][-1]["content"]
    assert bot.session.judge_engine == f"openai:{BUYER_MODEL}"


def test_a_judge_that_answers_invalid_json_twice_leaves_the_offline_score(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    server.script(line("Go on."))
    bot.say(GOOD)
    server.script(Answer.function("record_scores", "not json"), Answer.function("record_scores", "{still not"))
    replies = bot.say("done")
    assert cards(replies)[-1].kind == "scorecard"
    assert bot.session.judge_engine == "offline"


def test_a_quote_the_judge_invents_never_reaches_the_scorecard(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    server.script(line("Go on."))
    bot.say(GOOD)
    invented = "I really understand how frustrating this must be for you"
    server.script(Answer.function("record_scores", verdicts(verdict("open_question", 95, [invented, "what's driving this for you right now?"]))))
    replies = bot.say("done")
    assert invented not in json.dumps(cards(replies)[-1].__dict__, default=str)
    (score,) = [s for s in bot.core.repos.sessions.scores_for_session(bot.session_id) if s.behavior == "open_question"]
    assert invented not in score.evidence and "what's driving this for you right now?" in score.evidence
    assert score.engine == f"openai:{BUYER_MODEL}"


def test_a_server_without_tools_gets_a_json_schema_request_and_remembers_it(
        own_bot: Callable[..., ClaudeBot]) -> None:
    with FakeOpenAI(tools=False) as server:
        bot = own_bot(server.url)
        bot.start()
        server.script(Answer.text(json.dumps({"text": "We've been burned by vendors before.", "revealed_fact_ids": []})))
        replies = bot.say(GOOD)
        assert texts(replies) == ["We've been burned by vendors before."]
        server.script(Answer.text(json.dumps({"text": "Tell me more about that.", "revealed_fact_ids": []})))
        bot.say("What happened with the last vendor?")
        modes = [(r.status, r.mode) for r in server.requests]
        assert modes == [(400, "tools"), (200, "json_schema"), (200, "json_schema")]  # learnt once


def test_a_server_without_tools_or_json_schema_gets_the_schema_in_the_prompt(
        own_bot: Callable[..., ClaudeBot]) -> None:
    with FakeOpenAI(tools=False, json_schema=False) as server:
        bot = own_bot(server.url)
        bot.start()
        server.script(Answer.text('```json\n{"text": "Alright, what do you need to know?", "revealed_fact_ids": []}\n```'))
        replies = bot.say(GOOD)
        assert texts(replies) == ["Alright, what do you need to know?"]
        last = server.requests[-1]
        assert last.mode == "prompt" and "JSON schema" in last.body["messages"][-1]["content"]
        assert bot.turns()[-1].engine == f"openai:{BUYER_MODEL}"


def test_a_model_that_ignores_the_tool_is_asked_for_json_instead(own_bot: Callable[..., ClaudeBot]) -> None:
    with FakeOpenAI(ignores_tools=True) as server:
        bot = own_bot(server.url)
        bot.start()
        bot.say(GOOD)
        assert [r.mode for r in server.requests][:2] == ["tools", "json_schema"]
        assert bot.turns()[-1].engine == f"openai:{BUYER_MODEL}"


def test_a_buyer_line_that_reads_out_the_hidden_facts_is_replaced_by_the_offline_buyer(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    leak = " ".join(f.fact for f in SCENARIO.hidden_facts)
    server.script(line(leak))
    replies = bot.say("Hi there, thanks for your time.")
    assert texts(replies) and texts(replies)[0] != leak
    assert bot.turns()[-1].engine == "offline"


def test_an_overlong_buyer_line_is_cut_at_a_sentence_end(server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    server.script(line("We need this sorted. " * 60))
    (reply,) = texts(bot.say(GOOD))
    assert len(reply) <= 600 and reply.endswith(".")


# ---- an unreliable server -------------------------------------------------------------------------


def test_a_server_that_is_down_opens_the_breaker_and_the_offline_buyer_answers_at_once(
        sqlite_url: str, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot("http://127.0.0.1:9/v1", anthropic_breaker_failures=2, anthropic_breaker_cooldown_s=3600)  # nothing listens on port 9
    bot.start()
    for n in range(4):
        replies = bot.say(f"{GOOD} ({n})")
        assert texts(replies), "the rep always gets a reply"
    assert {t.engine for t in bot.turns() if t.speaker == "buyer"} == {"offline"}
    rows = UsageRepo(bot.core.repos.db).for_session(bot.session_id)
    assert [r.ok for r in rows] == [False, False]  # the breaker opened after two failures: no more calls


def test_a_rate_limit_is_retried_within_the_budget(server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url)
    bot.start()
    server.script(Fault(429, retry_after_s=0.05), line("Sorry, go on."))
    assert texts(bot.say(GOOD)) == ["Sorry, go on."]
    assert [r.status for r in server.requests] == [429, 200]


def test_a_slow_server_never_keeps_the_rep_past_the_buyer_budget(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    import time

    bot = own_bot(server.url, anthropic_timeout_s=1.0)
    bot.start()
    server.script(Slow(5.0), Slow(5.0), Slow(5.0))
    started = time.monotonic()
    replies = bot.say(GOOD)
    assert texts(replies) and time.monotonic() - started < 4.0
    assert bot.turns()[-1].engine == "offline"


def test_a_failing_server_answers_500_and_the_offline_judge_scores(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    bot = own_bot(server.url, anthropic_max_retries=0)
    bot.start()
    server.script(line("Go on."))
    bot.say(GOOD)
    server.script(Fault(500))
    replies = bot.say("done")
    assert cards(replies)[-1].kind == "scorecard" and bot.session.state == State.FINISHED
    assert bot.session.judge_engine == "offline"


# ---- translation ------------------------------------------------------------------------------------------


def test_the_prompts_blocks_become_plain_chat_messages_in_order() -> None:
    system = [{"type": "text", "text": "Persona.", "cache_control": {"type": "ephemeral"}}, {"type": "text", "text": "Rules."}]
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "notes"}]},
                {"role": "assistant", "content": "Hello"}]
    assert to_chat_messages(system, messages) == [
        {"role": "system", "content": "Persona.\n\nRules."},
        {"role": "user", "content": "Hi\n\nnotes"}, {"role": "assistant", "content": "Hello"}]


@pytest.mark.parametrize(("raw", "ok"), [('{"a": 1}', True), ('```json\n{"a": 1}\n```', True), ("[1]", False),
                                         ("", False), ('{"a": 1', False)])
def test_only_a_json_object_counts_as_a_structured_answer(raw: str, ok: bool) -> None:
    value, problem = parse_json_object(raw)
    assert (value is not None) is ok and (problem == "") is ok


# ---- rehearse llm check --------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[pytest.MonkeyPatch]:
    from bot.settings import get_settings

    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in ("ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "LLM_PROVIDER", "LLM_MODEL", "LLM_JUDGE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_llm_check_reports_model_latency_tokens_and_structured_output(
        cli_env: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    with FakeOpenAI(tools=False) as server:
        cli_env.setenv("OPENAI_BASE_URL", server.url)
        cli_env.setenv("LLM_MODEL", BUYER_MODEL)
        result = CliRunner().invoke(app, ["llm", "check"])
        assert result.exit_code == 0, result.output
        assert BUYER_MODEL in result.output and "json_schema" in result.output and "FAILED" not in result.output
        assert [r.purpose for r in server.ok()] == ["buyer", "judge"]


def test_llm_check_fails_with_exit_1_when_the_server_is_down(cli_env: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    cli_env.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    cli_env.setenv("LLM_MODEL", BUYER_MODEL)
    cli_env.setenv("ANTHROPIC_MAX_RETRIES", "0")
    result = CliRunner().invoke(app, ["llm", "check"])
    assert result.exit_code == 1 and "FAILED" in result.output and "connection" in result.output


def test_llm_check_names_the_missing_setting(cli_env: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    cli_env.setenv("LLM_PROVIDER", "openai")
    result = CliRunner().invoke(app, ["llm", "check"])
    assert result.exit_code == 1 and "OPENAI_BASE_URL" in result.output


def test_model_calls_fallbacks_and_the_breaker_show_in_the_metrics(
        server: FakeOpenAI, own_bot: Callable[..., ClaudeBot]) -> None:
    from bot.observability.metrics import LLM_BREAKER_OPEN, LLM_CALLS, LLM_FALLBACKS, LLM_TOKENS

    def value(metric: Any, *labels: str) -> float:
        return float(metric.labels(*labels)._value.get())

    ok_before = value(LLM_CALLS, "openai", "buyer", "ok")
    out_before = value(LLM_TOKENS, "openai", "buyer", "output")
    fallbacks_before = value(LLM_FALLBACKS, "buyer")
    bot = own_bot(server.url, anthropic_breaker_failures=1, anthropic_breaker_cooldown_s=3600,
                  anthropic_max_retries=0)
    bot.start()
    server.script(line("Go on."))
    bot.say(GOOD)
    assert value(LLM_CALLS, "openai", "buyer", "ok") == ok_before + 1
    assert value(LLM_TOKENS, "openai", "buyer", "output") > out_before
    server.script(Fault(500))
    bot.say("And what else?")
    assert value(LLM_FALLBACKS, "buyer") == fallbacks_before + 1
    assert value(LLM_BREAKER_OPEN, "openai") == 1
