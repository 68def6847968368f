"""The LLM client the buyer and the judge call, and its Anthropic implementation.

`LlmClient.create` sends one Messages API request through the official SDK
(model, limits and timeouts from settings; the SDK's own retries), keeps the
whole call inside a per-purpose time budget (the buyer's reply must come while
the rep is still looking; see bot/llm/budget.py), records token usage per
session, and turns every way the service can fail into one `LlmUnavailable`,
which the fallback engines catch.

What is logged: purpose, session id, model, status, duration and token counts.
Never the API key, never prompt or transcript text (the SDK logs request bodies
at DEBUG, so its loggers are held at INFO or quieter).

`ModelClient` is the port both providers fill: this Anthropic client and
bot/llm/openai_compat.py's client for OpenAI-compatible servers take the same
request and give the same `LlmResult`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol, cast

import anthropic
from anthropic.types import MessageParam, TextBlockParam

from bot.llm.budget import BudgetExhausted, DeadlineMiddleware, budget
from bot.observability.metrics import record_llm_call
from bot.ports import Clock, SystemClock
from bot.settings import Settings

log = logging.getLogger(__name__)

Purpose = Literal["buyer", "judge"]
# Loggers that would print request bodies or headers at DEBUG.
QUIET_LOGGERS = ("anthropic", "httpx2", "httpx", "httpcore")


class LlmError(Exception):
    """Claude could not give a usable answer. Messages never carry transcript text."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason if status is None else f"{reason} (HTTP {status})")
        self.reason = reason
        self.status = status


class LlmUnavailable(LlmError):
    """Timeout, connection failure, 429, 529 or 5xx after the SDK's retries, or the budget ran out."""


class LlmBadOutput(LlmError):
    """Claude answered, but not in a form we can use (no tool call, an answer out of character)."""


@dataclass(frozen=True)
class TokenUsage:
    """The four counters of one call. `input_tokens` are the uncached ones."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def total_input(self) -> int:
        return self.input_tokens + self.cache_read_tokens + self.cache_write_tokens


@dataclass(frozen=True)
class LlmResult:
    """What one successful call returned: text, tool inputs by tool name, usage."""

    model: str
    text: str
    tool_inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage: TokenUsage = TokenUsage()
    stop_reason: str | None = None
    structured: str | None = None  # how a forced tool's input came back: tools, json_schema or prompt


    def tool_input(self, name: str) -> dict[str, Any]:
        if name not in self.tool_inputs:
            raise LlmBadOutput(f"no {name} tool call in the answer")
        return self.tool_inputs[name]


class UsageRecorder(Protocol):
    """Where usage goes (storage.repos.usage.UsageRepo in production)."""

    def record(self, *, purpose: str, model: str, at: datetime, provider: str = "anthropic",
               session_id: str | None = None,
               person_id: int | None = None, input_tokens: int = 0, output_tokens: int = 0,
               cache_read_tokens: int = 0, cache_write_tokens: int = 0, ok: bool = True) -> Any: ...


class ModelClient(Protocol):
    """What the buyer and the judge need of a model, whichever provider serves it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def model(self) -> str: ...

    @property
    def provider(self) -> str: ...

    @property
    def engine(self) -> str: ...

    def create(self, purpose: Purpose, *, session_id: str | None, system: Sequence[dict[str, Any]],
               messages: Sequence[dict[str, Any]], max_tokens: int, tools: Sequence[dict[str, Any]] | None = None,
               tool_choice: dict[str, Any] | None = None, person_id: int | None = None) -> LlmResult: ...


def cached(block: dict[str, Any]) -> dict[str, Any]:
    """The block with a prompt-cache breakpoint: the prefix up to and including it is cached."""
    return {**block, "cache_control": {"type": "ephemeral"}}


def text_block(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


class LlmClient:
    """Claude for the buyer and the judge, with budgets, retries and usage accounting."""

    provider = "anthropic"

    def __init__(self, settings: Settings, usage: UsageRecorder | None = None, clock: Clock | None = None,
                 model: str | None = None) -> None:
        if not settings.anthropic_api_key:
            raise ValueError("LlmClient needs ANTHROPIC_API_KEY; without it use the offline engines")
        self.settings = settings
        self.model = model or settings.anthropic_model
        self.usage = usage
        self.clock = clock or SystemClock()
        self.budgets: dict[str, float] = {"buyer": settings.anthropic_timeout_s,
                                          "judge": settings.anthropic_judge_timeout_s}
        for name in QUIET_LOGGERS:
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.INFO:
                logger.setLevel(logging.INFO)
        # base_url from settings so a `.env` value counts too; None lets the SDK read the environment.
        self._sdk = anthropic.Anthropic(
            api_key=settings.anthropic_api_key,
            base_url=settings.anthropic_base_url,
            timeout=settings.anthropic_timeout_s,
            max_retries=settings.anthropic_max_retries,
            middleware=[DeadlineMiddleware()],
        )

    @property
    def engine(self) -> str:
        """The engine name recorded on turns and scores."""
        return f"claude:{self.model}"

    def create(
        self,
        purpose: Purpose,
        *,
        session_id: str | None,
        system: Sequence[dict[str, Any]],
        messages: Sequence[dict[str, Any]],
        max_tokens: int,
        tools: Sequence[dict[str, Any]] | None = None,
        tool_choice: dict[str, Any] | None = None,
        person_id: int | None = None,
    ) -> LlmResult:
        """One Messages API call. Raises LlmUnavailable when the service fails or the budget runs out."""
        started = time.monotonic()
        extra: dict[str, Any] = {}
        if tools:
            extra["tools"] = list(tools)
        if tool_choice:
            extra["tool_choice"] = tool_choice
        try:
            with budget(self.budgets[purpose]):
                message = self._sdk.messages.create(
                    model=self.model, max_tokens=max_tokens,
                    # Callers build the Messages API's JSON shapes as plain dicts; the SDK types them as TypedDicts.
                    system=cast("list[TextBlockParam]", list(system)),
                    messages=cast("list[MessageParam]", list(messages)),
                    **extra,
                )
        except BudgetExhausted as exc:
            raise self._failed(purpose, session_id, person_id, started, exc.reason, exc.status) from None
        except anthropic.APITimeoutError:
            raise self._failed(purpose, session_id, person_id, started, "timeout") from None
        except anthropic.APIConnectionError:
            raise self._failed(purpose, session_id, person_id, started, "connection") from None
        except anthropic.APIStatusError as exc:
            raise self._failed(purpose, session_id, person_id, started, status_reason(exc.status_code),
                               exc.status_code) from None
        except anthropic.AnthropicError as exc:
            raise self._failed(purpose, session_id, person_id, started, type(exc).__name__) from None

        result = _result(message)
        self._record(purpose, session_id, person_id, result.usage, ok=True)
        u, ms = result.usage, round((time.monotonic() - started) * 1000)
        log.info("llm call ok: %s, %d ms, tokens in %d / cache read %d / cache write %d / out %d", purpose, ms,
                 u.input_tokens, u.cache_read_tokens, u.cache_write_tokens, u.output_tokens, extra={
                     "purpose": purpose, "session_id": session_id, "model": self.model, "ms": ms,
                     "input_tokens": u.input_tokens, "cache_read_tokens": u.cache_read_tokens,
                     "cache_write_tokens": u.cache_write_tokens, "output_tokens": u.output_tokens})
        return result

    def _failed(self, purpose: str, session_id: str | None, person_id: int | None, started: float, reason: str,
                status: int | None = None) -> LlmUnavailable:
        self._record(purpose, session_id, person_id, TokenUsage(), ok=False)
        level = logging.ERROR if status in (400, 401, 403, 404) else logging.WARNING  # ours to fix, not a blip
        ms = round((time.monotonic() - started) * 1000)
        log.log(level, "llm call failed: %s, %s (HTTP %s) after %d ms", purpose, reason, status, ms, extra={
            "purpose": purpose, "session_id": session_id, "model": self.model, "reason": reason, "status": status,
            "ms": ms})
        return LlmUnavailable(reason, status)

    def _record(self, purpose: str, session_id: str | None, person_id: int | None, usage: TokenUsage,
                ok: bool) -> None:
        record_llm_call(self.provider, purpose, ok, usage.input_tokens + usage.cache_write_tokens,
                        usage.cache_read_tokens, usage.output_tokens)
        if self.usage is None:
            return
        try:
            self.usage.record(
                purpose=purpose, model=self.model, provider=self.provider, at=self.clock.now(),
                session_id=session_id, person_id=person_id,
                input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                cache_read_tokens=usage.cache_read_tokens, cache_write_tokens=usage.cache_write_tokens, ok=ok,
            )
        except Exception:  # accounting must never cost the rep a reply
            log.exception("could not record llm usage", extra={"purpose": purpose, "session_id": session_id})


def status_reason(status: int) -> str:
    """Our reason code for an HTTP status, shared by both providers."""
    if status == 429:
        return "rate_limited"
    if status == 529:
        return "overloaded"
    if status >= 500:
        return "server_error"
    return "rejected"


def _result(message: Any) -> LlmResult:
    texts: list[str] = []
    tools: dict[str, dict[str, Any]] = {}
    for block in message.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use" and isinstance(block.input, dict):
            tools.setdefault(block.name, block.input)
    u = message.usage
    usage = TokenUsage(
        input_tokens=int(u.input_tokens or 0), output_tokens=int(u.output_tokens or 0),
        cache_read_tokens=int(u.cache_read_input_tokens or 0),
        cache_write_tokens=int(u.cache_creation_input_tokens or 0),
    )
    return LlmResult(str(message.model), "".join(texts), tools, usage, message.stop_reason)
