"""`rehearse llm check`: one buyer turn and one judge call against the configured model, measured.

The calls go through the very LlmBuyer and LlmJudge a session uses (prompts,
fences, output checks), with a recording wrapper around the client, so "the
check passed" means a session would get a model's reply and a model's score.
Nothing is stored: the check writes no usage rows and opens no session.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.llm.client import LlmError, LlmResult, ModelClient, Purpose
from bot.llm.providers import ProviderChoice, resolve
from bot.ports import BuyerContext, JudgeContext
from bot.practice.buyers.llm import LlmBuyer
from bot.practice.engines import make_client
from bot.practice.judges.llm import LlmJudge
from bot.settings import Settings
from scenarios.schema import Scenario
from scoring.types import Turn

SAMPLE_REP_LINE = "Before we get into pricing, what's driving this for you right now, and what is it costing you?"


@dataclass(frozen=True)
class CallCheck:
    """How one role's call went."""

    role: Purpose
    provider: str
    model: str
    ok: bool
    seconds: float
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    structured: str | None = None  # tools, json_schema or prompt; None when the call failed
    detail: str = ""  # the buyer's line, the judge's scores, or why it failed


@dataclass
class _Recording:
    """The client, with each call's result and duration kept for the report."""

    inner: ModelClient
    results: list[tuple[LlmResult, float]] = field(default_factory=list)

    @property
    def settings(self) -> Settings:
        return self.inner.settings

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def provider(self) -> str:
        return self.inner.provider

    @property
    def engine(self) -> str:
        return self.inner.engine

    def create(self, purpose: Purpose, **kwargs: Any) -> LlmResult:
        started = time.monotonic()
        result = self.inner.create(purpose, **kwargs)
        self.results.append((result, time.monotonic() - started))
        return result


def check_models(settings: Settings, scenario: Scenario) -> list[CallCheck]:
    """One buyer reply and one judge call on `scenario`; an offline role is reported, not called."""
    rep = Turn("rep", SAMPLE_REP_LINE)
    history: Sequence[Turn] = (Turn("buyer", scenario.opening_line.strip()), rep)
    out: list[CallCheck] = []
    for role in ("buyer", "judge"):
        choice = resolve(settings, role)  # type: ignore[arg-type]
        if choice.provider == "offline":
            out.append(CallCheck(role, "offline", "", True, 0.0, detail="no model set: the offline engine answers"))
            continue
        client = _Recording(make_client(settings, choice))
        started = time.monotonic()
        try:
            if role == "buyer":
                reply = LlmBuyer(client).reply(BuyerContext(scenario, history, {}, "llm-check"))
                detail = reply.text
            else:
                scores = LlmJudge(client).judge(JudgeContext(scenario, list(scenario.behaviors), history, "llm-check"))
                detail = ", ".join(f"{s.behavior} {s.score}" + ("" if s.engine == client.engine else " (offline: the model gave none)")
                                   for s in scores)
        except (LlmError, ValueError) as exc:
            out.append(_failed(role, choice, time.monotonic() - started, str(exc)))  # our reason codes, no text
            continue
        out.append(_passed(role, choice, client.results, detail))
    return out


def _passed(role: Purpose, choice: ProviderChoice, results: list[tuple[LlmResult, float]], detail: str) -> CallCheck:
    usage = [r.usage for r, _ in results]
    return CallCheck(role, choice.provider, choice.model, True, sum(s for _, s in results),
                     sum(u.input_tokens + u.cache_write_tokens for u in usage), sum(u.output_tokens for u in usage),
                     sum(u.cache_read_tokens for u in usage),
                     results[-1][0].structured or ("tools" if choice.provider == "anthropic" else None), detail)


def _failed(role: Purpose, choice: ProviderChoice, seconds: float, why: str) -> CallCheck:
    return CallCheck(role, choice.provider, choice.model, False, seconds, detail=why)
