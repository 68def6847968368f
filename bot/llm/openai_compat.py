"""The buyer and the judge on your own model: any OpenAI-compatible chat-completions server.

`OpenAiCompatClient.create` takes the same request as `LlmClient.create` (the
Anthropic-shaped system blocks, messages and tools the prompts build) and sends
it through the official `openai` SDK to `OPENAI_BASE_URL` (vLLM, Ollama,
llama.cpp's server, LM Studio, a gateway). So the prompts, the fences, the
verbatim evidence check, the breaker and the offline fallback are the ones
Claude runs with.

Structured output, best first, learnt once per process and then kept:
1. `tools`: a forced function call (vLLM, Ollama, llama.cpp with --jinja, LM Studio);
2. `json_schema`: a `response_format` holding the tool's schema, for servers
   that reject tools or answer without calling one;
3. `prompt`: the schema in the prompt and the answer parsed as strict JSON.
In every mode an answer that is not valid JSON for the tool is asked for once
more with the parse error named; a second failure is LlmBadOutput, and the
offline engine answers.

Time budget: the SDK's own retries are off. Each attempt gets what is left of
the caller's budget, and a retry is made only when its wait (the server's
`retry-after`, or the backoff) still fits, as bot/llm/budget.py does for Claude.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from typing import Any, Literal

import openai

from bot.llm.budget import MIN_ATTEMPT_S, RETRYABLE, retry_wait_s
from bot.llm.client import (
    QUIET_LOGGERS,
    LlmBadOutput,
    LlmResult,
    LlmUnavailable,
    Purpose,
    TokenUsage,
    UsageRecorder,
    status_reason,
)
from bot.observability.metrics import record_llm_call
from bot.ports import Clock, SystemClock
from bot.settings import Settings

log = logging.getLogger(__name__)

StructuredMode = Literal["tools", "json_schema", "prompt"]
MODES: tuple[StructuredMode, ...] = ("tools", "json_schema", "prompt")
# Statuses with which servers refuse a feature they lack (vLLM without --enable-auto-tool-choice answers 400,
# some gateways 404 or 422, llama.cpp without --jinja 500 "tools param requires --jinja flag").
UNSUPPORTED = frozenset({400, 404, 415, 422, 501})
FENCED_JSON = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


class OpenAiCompatClient:
    """A chat-completions server for the buyer or the judge, with budgets, retries and usage accounting."""

    provider = "openai"

    def __init__(self, settings: Settings, model: str, usage: UsageRecorder | None = None,
                 clock: Clock | None = None) -> None:
        if not settings.openai_base_url:
            raise ValueError("OpenAiCompatClient needs OPENAI_BASE_URL")
        self.settings = settings
        self.model = model
        self.usage = usage
        self.clock = clock or SystemClock()
        self.mode: StructuredMode = "tools"
        self.budgets: dict[str, float] = {"buyer": settings.anthropic_timeout_s,
                                          "judge": settings.anthropic_judge_timeout_s}
        for name in (*QUIET_LOGGERS, "openai"):
            logger = logging.getLogger(name)
            if logger.getEffectiveLevel() < logging.INFO:
                logger.setLevel(logging.INFO)
        # Local servers take no key, but the SDK insists on one: any placeholder is sent and ignored.
        self._sdk = openai.OpenAI(base_url=settings.openai_base_url, api_key=settings.openai_api_key or "not-needed",
                                  max_retries=0, timeout=settings.anthropic_timeout_s)
        # The SDK imports its resource models on first use: 1.5-2.0 s here (cProfile, openai 2.x), which would
        # come out of the first rep's buyer budget. Pay it at start instead.
        self._completions = self._sdk.chat.completions

    @property
    def engine(self) -> str:
        return f"openai:{self.model}"

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
        """One answer; a forced tool's input comes back in `tool_inputs` whatever mode the server needs."""
        started = time.monotonic()
        deadline = started + self.budgets[purpose]
        chat = to_chat_messages(system, messages)
        tool = _forced_tool(tools, tool_choice)
        usage = TokenUsage()
        try:
            if tool is None:
                response = self._call(deadline, chat, max_tokens)
                usage = _usage(response)
                result = LlmResult(str(response.model or self.model), _content(response), {}, usage,
                                   _finish(response))
            else:
                result = self._structured(deadline, chat, max_tokens, tool)
                usage = result.usage
        except LlmUnavailable as exc:
            self._record(purpose, session_id, person_id, usage, ok=False)
            self._log_failure(purpose, session_id, started, exc)
            raise
        except LlmBadOutput:
            self._record(purpose, session_id, person_id, usage, ok=False)
            raise
        self._record(purpose, session_id, person_id, result.usage, ok=True)
        u, ms = result.usage, round((time.monotonic() - started) * 1000)
        log.info("llm call ok: %s, %d ms, tokens in %d / cache read %d / out %d (%s)", purpose, ms,
                 u.input_tokens, u.cache_read_tokens, u.output_tokens, result.structured or "text", extra={
                     "purpose": purpose, "session_id": session_id, "model": self.model, "ms": ms,
                     "provider": self.provider, "input_tokens": u.input_tokens,
                     "cache_read_tokens": u.cache_read_tokens, "output_tokens": u.output_tokens})
        return result

    # ---- structured output ---------------------------------------------------

    def _structured(self, deadline: float, chat: list[dict[str, Any]], max_tokens: int,
                    tool: dict[str, Any]) -> LlmResult:
        """The tool's input, trying the modes from the one that last worked; one re-ask on invalid JSON."""
        name = str(tool["name"])
        schema = dict(tool.get("input_schema") or {"type": "object"})
        spent = TokenUsage()
        for mode in MODES[MODES.index(self.mode):]:
            request = _with_mode(chat, mode, tool)
            try:
                response = self._call(deadline, request["messages"], max_tokens, **request["extra"])
            except _Unsupported:
                log.info("structured output: %s refused by the server, trying the next mode", mode)
                continue
            spent = _plus(spent, _usage(response))
            raw = _tool_arguments(response, name) if mode == "tools" else _content(response)
            if mode == "tools" and raw is None:
                if _content(response).strip().startswith(("{", "```")):
                    raw = _content(response)  # some servers put the call's JSON in the text
                else:
                    log.info("structured output: no %s call in the answer, trying the next mode", name)
                    continue
            self.mode = mode
            parsed, problem = parse_json_object(raw or "")
            if parsed is None:
                # One re-ask, naming the problem: small models usually fix a stray comma or a missing brace.
                retry = [*request["messages"], {"role": "assistant", "content": (raw or "")[:2000]},
                         {"role": "user", "content": f"That was not valid JSON ({problem}). Answer again with only "
                                                     f"the JSON object for {name}, nothing else."}]
                response = self._call(deadline, retry, max_tokens, **_json_extra(mode, tool))
                spent = _plus(spent, _usage(response))
                parsed, problem = parse_json_object(_tool_arguments(response, name) or _content(response))
                if parsed is None:
                    raise LlmBadOutput(f"invalid JSON from the {name} answer twice: {problem}")
            _check_required(parsed, schema, name)
            return LlmResult(str(response.model or self.model), "", {name: parsed}, spent, _finish(response), mode)
        raise LlmBadOutput(f"the server gave no structured answer for {name} in any mode")

    # ---- one HTTP call inside the budget ---------------------------------------

    def _call(self, deadline: float, messages: list[dict[str, Any]], max_tokens: int, **extra: Any) -> Any:
        attempt = 0
        while True:
            left = deadline - time.monotonic()
            if left < MIN_ATTEMPT_S:
                raise LlmUnavailable("deadline")
            headers: Any = None
            status: int | None = None
            try:
                return self._completions.create(model=self.model, messages=messages,  # type: ignore[call-overload,arg-type]
                                               max_tokens=max_tokens, timeout=left, **extra)
            except openai.APITimeoutError:
                reason = "timeout"
            except openai.APIConnectionError:
                reason = "connection"
            except openai.APIStatusError as exc:
                status, headers = exc.status_code, exc.response.headers
                if extra and status in UNSUPPORTED:
                    raise _Unsupported(status) from None
                if status not in RETRYABLE and status < 500:
                    raise LlmUnavailable(status_reason(status), status) from None
                reason = status_reason(status)
            except openai.OpenAIError as exc:
                raise LlmUnavailable(type(exc).__name__) from None
            wait = retry_wait_s(headers, attempt)
            attempt += 1
            if attempt > self.settings.anthropic_max_retries or deadline - time.monotonic() < wait + MIN_ATTEMPT_S:
                raise LlmUnavailable(reason, status)
            time.sleep(wait)

    # ---- accounting ------------------------------------------------------------

    def _log_failure(self, purpose: str, session_id: str | None, started: float, exc: LlmUnavailable) -> None:
        level = logging.ERROR if exc.status in (400, 401, 403, 404) else logging.WARNING  # ours to fix, not a blip
        ms = round((time.monotonic() - started) * 1000)
        log.log(level, "llm call failed: %s, %s (HTTP %s) after %d ms", purpose, exc.reason, exc.status, ms, extra={
            "purpose": purpose, "session_id": session_id, "model": self.model, "provider": self.provider,
            "reason": exc.reason, "status": exc.status, "ms": ms})

    def _record(self, purpose: str, session_id: str | None, person_id: int | None, usage: TokenUsage,
                ok: bool) -> None:
        record_llm_call(self.provider, purpose, ok, usage.input_tokens, usage.cache_read_tokens, usage.output_tokens)
        if self.usage is None:
            return
        try:
            self.usage.record(
                purpose=purpose, model=self.model, provider=self.provider, at=self.clock.now(),
                session_id=session_id, person_id=person_id, input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens, cache_read_tokens=usage.cache_read_tokens, ok=ok,
            )
        except Exception:  # accounting must never cost the rep a reply
            log.exception("could not record llm usage", extra={"purpose": purpose, "session_id": session_id})


class _Unsupported(Exception):
    """The server refused the structured-output feature this request used."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


# ---- translation: the prompts' Anthropic shape -> chat completions --------------


def to_chat_messages(system: Sequence[dict[str, Any]], messages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """System blocks become one system message; each message's text blocks are joined in order.

    Cache breakpoints are dropped: OpenAI-compatible servers cache prefixes on their own (vLLM's prefix
    caching, llama.cpp's slot cache), and a stable prefix is what they need — the prompts already keep it."""
    out: list[dict[str, Any]] = []
    system_text = "\n\n".join(_block_text(b) for b in system if _block_text(b))
    if system_text:
        out.append({"role": "system", "content": system_text})
    for message in messages:
        content = message.get("content")
        text = content if isinstance(content, str) else "\n\n".join(
            t for t in (_block_text(b) for b in content or []) if t)
        out.append({"role": message.get("role", "user"), "content": text})
    return out


def _block_text(block: dict[str, Any]) -> str:
    return str(block.get("text", "")) if block.get("type", "text") == "text" else ""


def _forced_tool(tools: Sequence[dict[str, Any]] | None, choice: dict[str, Any] | None) -> dict[str, Any] | None:
    if not tools or not choice or choice.get("type") != "tool":
        return None
    return next((t for t in tools if t.get("name") == choice.get("name")), None)


def _function(tool: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": tool["name"], "description": tool.get("description", ""),
                                             "parameters": tool.get("input_schema") or {"type": "object"}}}


def _json_extra(mode: StructuredMode, tool: dict[str, Any]) -> dict[str, Any]:
    if mode == "tools":
        return {"tools": [_function(tool)],
                "tool_choice": {"type": "function", "function": {"name": tool["name"]}}}
    if mode == "json_schema":
        return {"response_format": {"type": "json_schema", "json_schema": {
            "name": tool["name"], "schema": tool.get("input_schema") or {"type": "object"}}}}
    return {}


def _with_mode(chat: list[dict[str, Any]], mode: StructuredMode, tool: dict[str, Any]) -> dict[str, Any]:
    """The request for one mode: without tools the last user message says how to answer instead."""
    if mode == "tools":
        return {"messages": chat, "extra": _json_extra(mode, tool)}
    schema = json.dumps(tool.get("input_schema") or {"type": "object"}, separators=(",", ":"))
    note = (f"\n\nThis server cannot call tools: instead of calling {tool['name']}, answer with only the JSON "
            f"object that would be its input, matching this JSON schema, and nothing else:\n{schema}")
    last = {**chat[-1], "content": f"{chat[-1]['content']}{note}"}
    return {"messages": [*chat[:-1], last], "extra": _json_extra(mode, tool)}


# ---- reading answers ---------------------------------------------------------------


def _content(response: Any) -> str:
    choices = getattr(response, "choices", None) or []
    return str(choices[0].message.content or "") if choices else ""


def _finish(response: Any) -> str | None:
    choices = getattr(response, "choices", None) or []
    return str(choices[0].finish_reason) if choices and choices[0].finish_reason else None


def _tool_arguments(response: Any, name: str) -> str | None:
    choices = getattr(response, "choices", None) or []
    calls = (choices[0].message.tool_calls or []) if choices else []
    for call in calls:
        function = getattr(call, "function", None)
        if function is not None and function.name == name:
            return str(function.arguments or "")
    return None


def parse_json_object(raw: str) -> tuple[dict[str, Any] | None, str]:
    """A JSON object from an answer (a ```json fence is unwrapped), or None and what was wrong."""
    text = raw.strip()
    fenced = FENCED_JSON.search(text)
    if fenced:
        text = fenced.group(1).strip()
    if not text:
        return None, "empty answer"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    if not isinstance(value, dict):
        return None, f"a JSON {type(value).__name__}, not an object"
    return value, ""


def _check_required(value: dict[str, Any], schema: dict[str, Any], name: str) -> None:
    missing = [k for k in schema.get("required", []) if k not in value]
    if missing:
        raise LlmBadOutput(f"{name} answer lacks {', '.join(missing)}")


def _usage(response: Any) -> TokenUsage:
    """Tokens from the server's `usage` field; cached prompt tokens are counted apart where servers report them."""
    u = getattr(response, "usage", None)
    if u is None:
        return TokenUsage()
    prompt = int(getattr(u, "prompt_tokens", 0) or 0)
    details = getattr(u, "prompt_tokens_details", None)
    cached = int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0
    return TokenUsage(input_tokens=max(0, prompt - cached), output_tokens=int(getattr(u, "completion_tokens", 0) or 0),
                      cache_read_tokens=cached)


def _plus(a: TokenUsage, b: TokenUsage) -> TokenUsage:
    return TokenUsage(a.input_tokens + b.input_tokens, a.output_tokens + b.output_tokens,
                      a.cache_read_tokens + b.cache_read_tokens, a.cache_write_tokens + b.cache_write_tokens)

