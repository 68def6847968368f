"""A fake Anthropic Messages API on 127.0.0.1, for tests and benchmarks that drive the real SDK.

Point the SDK at it with `ANTHROPIC_BASE_URL=fake.url`. It answers
`POST /v1/messages` like the real service does, closely enough that what we
measure against it means something:

- Answers come from a script (`fake.script(Reply.tool(...), Fault(529), Slow(3.0))`,
  one entry per HTTP attempt, so the SDK's retries consume entries), then from
  `fake.responder(request)` when the script is empty. The default responder
  fills a forced tool's required fields from its JSON schema, or says "OK".
- `usage` is computed from the request: about one token per four characters,
  and prompt caching is simulated from the `cache_control` breakpoints it
  receives, the way the service documents it: a breakpoint caches the prefix
  (tools, then system, then messages) up to and including its block; a later
  request reads the longest cached prefix found at a breakpoint or up to 20
  blocks before it; prefixes shorter than the model's minimum are not cached;
  entries live five minutes from their last use; more than four breakpoints
  is a 400. So a benchmark against this fake measures our real caching layout.
- Faults: `Fault(529)` overloaded, `Fault(500)`, `Fault(429, retry_after_s=...)`,
  `Slow(seconds, then=...)`; `fault_rate` makes a seeded share of unscripted
  requests fail with `fault_status` (load tests run it at 0.5 with 529).
- Every request is recorded (`fake.requests`) with its body and headers.

Bound to port 0 on 127.0.0.1; use it as a context manager or call start()/stop().
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.loopback import LoopbackFake

CACHE_TTL_S = 300.0
LOOKBACK_BLOCKS = 20
MAX_BREAKPOINTS = 4
# The service's documented minimum cacheable prefix per model family; anything else gets 1024.
MIN_CACHE_TOKENS = {"claude-haiku-4": 4096, "claude-opus-4-5": 4096, "claude-opus-4-6": 4096, "claude-3-5-haiku": 2048,
                    "claude-3-haiku": 2048}


def estimate_tokens(text: str) -> int:
    """About four characters per token, as a rule of thumb for English text."""
    return max(1, math.ceil(len(text) / 4)) if text else 0


def min_cache_tokens(model: str) -> int:
    return next((n for prefix, n in MIN_CACHE_TOKENS.items() if model.startswith(prefix)), 1024)


@dataclass(frozen=True)
class Reply:
    """A successful answer: content blocks as the API returns them."""

    content: tuple[dict[str, Any], ...]
    stop_reason: str = "end_turn"

    @classmethod
    def text(cls, text: str) -> Reply:
        return cls(({"type": "text", "text": text},))

    @classmethod
    def tool(cls, name: str, tool_input: dict[str, Any]) -> Reply:
        block = {"type": "tool_use", "id": f"toolu_{uuid.uuid4().hex[:20]}", "name": name, "input": tool_input}
        return cls((block,), stop_reason="tool_use")


@dataclass(frozen=True)
class Fault:
    """An error answer. 529 overloaded, 500 api error, 429 rate limited (with retry-after)."""

    status: int
    retry_after_s: float | None = None
    message: str = ""


@dataclass(frozen=True)
class Slow:
    """Wait before answering (longer than the client's timeout to make it give up)."""

    seconds: float
    then: Reply | Fault | None = None


Scripted = Reply | Fault | Slow
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 429: "rate_limit_error",
               500: "api_error", 529: "overloaded_error"}


@dataclass
class Recorded:
    """One HTTP request the fake received, and the usage it answered with (None for faults)."""

    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    usage: dict[str, int] | None = None

    @property
    def tool_choice(self) -> str | None:
        choice = self.body.get("tool_choice") or {}
        return choice.get("name")


@dataclass
class _Block:
    text: str
    cached: bool  # carries cache_control


def flatten(body: dict[str, Any]) -> list[_Block]:
    """The request as the cache sees it: tools, then system, then each message's blocks, in order."""
    blocks: list[_Block] = []
    for tool in body.get("tools") or []:
        blocks.append(_Block(json.dumps({k: v for k, v in tool.items() if k != "cache_control"}, sort_keys=True),
                             "cache_control" in tool))
    system = body.get("system")
    if isinstance(system, str):
        blocks.append(_Block(system, False))
    for block in system if isinstance(system, list) else []:
        blocks.append(_Block(block.get("text", ""), "cache_control" in block))
    for message in body.get("messages") or []:
        content = message.get("content")
        role = message.get("role", "")
        if isinstance(content, str):
            blocks.append(_Block(f"{role}:{content}", False))
            continue
        for block in content or []:
            if block.get("type") == "text":
                text = block.get("text", "")
            elif block.get("type") == "tool_use":
                text = json.dumps(block.get("input", {}), sort_keys=True)
            else:
                text = json.dumps({k: v for k, v in block.items() if k != "cache_control"}, sort_keys=True)
            blocks.append(_Block(f"{role}:{text}", "cache_control" in block))
    return blocks


class PromptCache:
    """The service's prompt cache, simulated: prefix hashes written at breakpoints, read with lookback."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: dict[str, float] = {}  # prefix hash -> expiry
        self._clock = clock
        self._lock = threading.Lock()

    def usage(self, model: str, body: dict[str, Any]) -> dict[str, int]:
        blocks = flatten(body)
        tokens = [estimate_tokens(b.text) for b in blocks]
        cumulative: list[int] = []
        hashes: list[str] = []
        digest = hashlib.sha256(model.encode())
        for b, n in zip(blocks, tokens):
            digest.update(b"\x00" + b.text.encode())
            hashes.append(digest.copy().hexdigest())
            cumulative.append((cumulative[-1] if cumulative else 0) + n)
        total = cumulative[-1] if cumulative else 0
        breakpoints = [i for i, b in enumerate(blocks) if b.cached]
        minimum = min_cache_tokens(model)
        now = self._clock()
        with self._lock:
            hit = -1
            for bp in breakpoints:
                for j in range(bp, max(-1, bp - LOOKBACK_BLOCKS - 1), -1):
                    expiry = self._entries.get(hashes[j])
                    if expiry is not None and expiry > now:
                        hit = max(hit, j)
                        break
            read = cumulative[hit] if hit >= 0 else 0
            if hit >= 0:
                self._entries[hashes[hit]] = now + CACHE_TTL_S  # a hit refreshes the entry
            cacheable = [bp for bp in breakpoints if cumulative[bp] >= minimum]
            written_to = hit
            for bp in cacheable:
                self._entries[hashes[bp]] = now + CACHE_TTL_S
                written_to = max(written_to, bp)
            write = cumulative[written_to] - read if written_to > hit else 0
        return {"input_tokens": total - read - write, "cache_read_input_tokens": read,
                "cache_creation_input_tokens": write}

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def default_responder(request: dict[str, Any]) -> Reply:
    """A plausible answer to anything: a forced tool gets its required fields, otherwise "OK"."""
    choice = request.get("tool_choice") or {}
    if choice.get("type") == "tool":
        tool = next(t for t in request.get("tools", []) if t.get("name") == choice.get("name"))
        return Reply.tool(tool["name"], _from_schema(tool.get("input_schema", {})))
    return Reply.text("OK")


def _from_schema(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _from_schema(props[k]) for k in schema.get("required", []) if k in props}
    if kind == "array":
        return []
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0.5))
    if kind == "boolean":
        return False
    return "OK"


class FakeAnthropic(LoopbackFake):
    """The fake service. `url` is what ANTHROPIC_BASE_URL should be."""

    route = "/v1/messages"
    thread_name = "fake-anthropic"

    def __init__(self, responder: Callable[[dict[str, Any]], Reply] = default_responder, *,
                 fault_rate: float = 0.0, fault_status: int = 529, seed: int = 0) -> None:
        self.responder = responder
        self.fault_rate = fault_rate
        self.fault_status = fault_status
        self.cache = PromptCache()
        self.requests: list[Recorded] = []
        self._script: list[Scripted] = []
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        super().__init__()

    # ---- scripting --------------------------------------------------------

    def script(self, *entries: Scripted) -> None:
        """Queue answers, one per HTTP attempt, used before the responder."""
        with self._lock:
            self._script.extend(entries)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
        self.cache.clear()

    def calls(self, tool: str | None = None) -> list[Recorded]:
        """Requests answered successfully, optionally only those forcing `tool`."""
        return [r for r in list(self.requests) if r.status == 200 and (tool is None or r.tool_choice == tool)]

    # ---- answering --------------------------------------------------------

    def _next(self, body: dict[str, Any]) -> Scripted:
        with self._lock:
            if self._script:
                return self._script.pop(0)
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return Fault(self.fault_status, retry_after_s=0.01)
        return self.responder(body)

    def error(self, status: int, message: str) -> dict[str, Any]:
        return _error(status, message)

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        record = Recorded(body, headers)
        with self._lock:
            self.requests.append(record)
        problem = _invalid(body, headers)
        if problem is not None:
            record.status = problem[0]
            return problem[0], {}, _error(problem[0], problem[1])
        entry = self._next(body)
        if isinstance(entry, Slow):
            self._stopping.wait(entry.seconds)
            entry = entry.then or self.responder(body)
        if isinstance(entry, Fault):
            record.status = entry.status
            extra = {"retry-after": f"{entry.retry_after_s:g}"} if entry.retry_after_s is not None else {}
            return entry.status, extra, _error(entry.status, entry.message)
        model = str(body.get("model", ""))
        usage = self.cache.usage(model, body)
        usage["output_tokens"] = sum(
            estimate_tokens(b.get("text", "") if b["type"] == "text" else json.dumps(b.get("input", {})))
            for b in entry.content)
        record.status, record.usage = 200, usage
        return 200, {}, {
            "id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant", "model": model,
            "content": list(entry.content), "stop_reason": entry.stop_reason, "stop_sequence": None,
            "usage": usage,
        }


def _invalid(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, str] | None:
    """The checks the real service makes that our requests could fail."""
    if not headers.get("x-api-key") and not headers.get("authorization"):
        return 401, "x-api-key header is required"
    if not headers.get("anthropic-version"):
        return 400, "anthropic-version header is required"
    for key in ("model", "max_tokens", "messages"):
        if key not in body:
            return 400, f"{key}: Field required"
    if sum(b.cached for b in flatten(body)) > MAX_BREAKPOINTS:
        return 400, f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided."
    messages = body["messages"]
    if not messages or messages[0].get("role") != "user":
        return 400, "messages: first message must use the \"user\" role"
    for message in messages:
        content = message.get("content")
        blocks = [content] if isinstance(content, str) else [b.get("text") for b in content if b.get("type") == "text"]
        if any(isinstance(t, str) and not t.strip() for t in blocks):
            return 400, "messages: text content blocks must be non-empty"
    choice = body.get("tool_choice")
    if choice and choice.get("type") == "tool" and choice.get("name") not in {t.get("name") for t in body.get("tools", [])}:
        return 400, "tool_choice: tool not found in tools"
    return None


def _error(status: int, message: str) -> dict[str, Any]:
    kind = ERROR_TYPES.get(status, "api_error")
    default = {"overloaded_error": "Overloaded", "rate_limit_error": "Rate limited",
               "api_error": "Internal server error"}.get(kind, "Error")
    return {"type": "error", "error": {"type": kind, "message": message or default}}
