"""A fake OpenAI-compatible chat-completions server on 127.0.0.1 (what vLLM, Ollama and llama.cpp serve).

Point the `openai` SDK at `fake.url` (it ends in /v1, like OPENAI_BASE_URL).
It answers `POST /v1/chat/completions` and `GET /v1/models`:

- Answers come from a script (`fake.script(Answer.call("record_scores", {...}), Fault(500), Slow(3))`,
  one entry per HTTP attempt), then from `fake.responder(request)`. The default
  responder fills a forced function's required fields from its JSON schema (or
  the `response_format` schema), or says "OK".
- Capabilities, as real servers differ: `tools=False` answers a request with
  `tools` the way vLLM without --enable-auto-tool-choice does (400);
  `json_schema=False` refuses `response_format` of type json_schema (400);
  `ignores_tools=True` accepts tools but answers in plain text (some small
  models served by Ollama do).
- `usage` is computed from the request, about one token per four characters;
  `cached_prefix_tokens` reports that many prompt tokens as cached.
- Faults: `Fault(429, retry_after_s=...)`, `Fault(500)`, `Slow(seconds)` past the client's timeout.
- Every request is recorded (`fake.requests`) with its body and headers.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.fakes.anthropic_api import Fault, Slow, _from_schema, estimate_tokens
from tests.fakes.loopback import LoopbackFake


@dataclass(frozen=True)
class Answer:
    """A successful answer: text content, or one function call with raw argument text."""

    content: str | None = None
    call: tuple[str, str] | None = None  # (function name, arguments as the model wrote them)

    @classmethod
    def text(cls, text: str) -> Answer:
        return cls(content=text)

    @classmethod
    def function(cls, name: str, arguments: dict[str, Any] | str) -> Answer:
        raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls(call=(name, raw))


Scripted = Answer | Fault | Slow


@dataclass
class Recorded:
    body: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    usage_tokens: tuple[int, int] = (0, 0)  # (prompt, completion) as answered

    @property
    def mode(self) -> str:
        """How the request asked for structure: tools, json_schema or prompt."""
        if self.body.get("tools"):
            return "tools"
        if (self.body.get("response_format") or {}).get("type") == "json_schema":
            return "json_schema"
        return "prompt"

    @property
    def purpose(self) -> str:
        """buyer or judge, read off the tool the request is about."""
        text = json.dumps(self.body)
        return "judge" if "record_scores" in text else "buyer"


def forced_schema(body: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The function name and schema the request wants answered, in whichever mode it asked."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "function":
        name = choice["function"]["name"]
        tool = next(t for t in body.get("tools", []) if t["function"]["name"] == name)
        return name, tool["function"].get("parameters", {})
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["name"], fmt["json_schema"].get("schema", {})
    return None


def default_responder(body: dict[str, Any]) -> Answer:
    forced = forced_schema(body)
    if forced is None:
        return Answer.text("OK")
    name, schema = forced
    value = _from_schema(schema)
    if body.get("tools"):
        return Answer.function(name, value)
    return Answer.text(json.dumps(value))


class FakeOpenAI(LoopbackFake):
    """The fake server. `url` is what OPENAI_BASE_URL should be."""

    route = "/v1/chat/completions"
    url_suffix = "/v1"
    thread_name = "fake-openai"

    def __init__(self, responder: Callable[[dict[str, Any]], Answer] = default_responder, *, tools: bool = True,
                 json_schema: bool = True, ignores_tools: bool = False, cached_prefix_tokens: int = 0) -> None:
        self.responder = responder
        self.tools = tools
        self.json_schema = json_schema
        self.ignores_tools = ignores_tools
        self.cached_prefix_tokens = cached_prefix_tokens
        self.requests: list[Recorded] = []
        self._script: list[Scripted] = []
        self._lock = threading.Lock()
        super().__init__()

    def script(self, *entries: Scripted) -> None:
        with self._lock:
            self._script.extend(entries)

    def error(self, status: int, message: str) -> dict[str, Any]:
        return _error(status, message)

    def get(self, path: str) -> tuple[int, dict[str, str], dict[str, Any]] | None:
        if path == "/v1/models":
            return 200, {}, {"object": "list", "data": [{"id": "local-model", "object": "model"}]}
        return None

    def ok(self, purpose: str | None = None) -> list[Recorded]:
        """Requests answered with 200, optionally only the buyer's or the judge's."""
        return [r for r in list(self.requests) if r.status == 200 and (purpose is None or r.purpose == purpose)]

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        record = Recorded(body, headers)
        with self._lock:
            self.requests.append(record)
        problem = self._invalid(body)
        if problem is not None:
            record.status = problem[0]
            return problem[0], {}, _error(problem[0], problem[1])
        with self._lock:
            entry: Scripted = self._script.pop(0) if self._script else self.responder(body)
        if isinstance(entry, Slow):
            self._stopping.wait(entry.seconds)
            then = entry.then
            entry = then if isinstance(then, (Answer, Fault)) else self.responder(body)
        if isinstance(entry, Fault):
            record.status = entry.status
            extra = {"retry-after": f"{entry.retry_after_s:g}"} if entry.retry_after_s is not None else {}
            return entry.status, extra, _error(entry.status, entry.message)
        if self.ignores_tools and entry.call is not None:
            entry = Answer.text("Sure, I can help with that.")
        message: dict[str, Any] = {"role": "assistant", "content": entry.content}
        finish = "stop"
        if entry.call is not None:
            name, arguments = entry.call
            message["tool_calls"] = [{"id": f"call_{uuid.uuid4().hex[:12]}", "type": "function",
                                      "function": {"name": name, "arguments": arguments}}]
            finish = "tool_calls"
        prompt = sum(estimate_tokens(str(m.get("content") or "")) for m in body.get("messages", []))
        prompt += estimate_tokens(json.dumps(body.get("tools") or body.get("response_format") or ""))
        completion = estimate_tokens(entry.content or (entry.call[1] if entry.call else ""))
        usage: dict[str, Any] = {"prompt_tokens": prompt, "completion_tokens": completion,
                                 "total_tokens": prompt + completion}
        if self.cached_prefix_tokens:
            usage["prompt_tokens_details"] = {"cached_tokens": min(prompt, self.cached_prefix_tokens)}
        record.status, record.usage_tokens = 200, (prompt, completion)
        return 200, {}, {"id": f"chatcmpl-{uuid.uuid4().hex[:20]}", "object": "chat.completion",
                         "created": int(time.time()), "model": body.get("model", ""),
                         "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}

    def _invalid(self, body: dict[str, Any]) -> tuple[int, str] | None:
        for key in ("model", "messages"):
            if key not in body:
                return 400, f"{key} is required"
        if body.get("tools") and not self.tools:
            return 400, '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set'
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema" and not self.json_schema:
            return 400, "response_format json_schema is not supported by this server"
        for message in body["messages"]:
            if message.get("role") not in ("system", "user", "assistant", "tool"):
                return 400, f"unknown role {message.get('role')!r}"
        return None


def _error(status: int, message: str) -> dict[str, Any]:
    return {"error": {"message": message or {429: "Rate limited", 500: "Internal server error"}.get(status, "Error"),
                      "type": "invalid_request_error" if status < 500 else "server_error", "code": status}}
