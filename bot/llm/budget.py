"""A whole-call time budget on top of the SDK's retries.

The SDK retries 429, 529 and 5xx on its own and times out each attempt, but it
has no notion of "the rep is waiting": three 8 s attempts plus a server's
`retry-after` can keep a buyer reply away for half a minute. This middleware
runs inside the SDK's retry loop (once per HTTP attempt) and keeps every call
inside the budget its caller set: each attempt's timeout is what is left of
the budget, and a retry that cannot finish in time is not started; the call
fails at once with `BudgetExhausted` so the offline engine can answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from anthropic import APIConnectionError, APIRequest, APIResponse, CallNext, Middleware

MIN_ATTEMPT_S = 0.25  # an attempt with less time than this left cannot produce a reply
RETRYABLE = frozenset({408, 409, 429})
# The SDK's own backoff when the server names no wait: 0.5 s doubling, at most 8 s (anthropic._constants).
BACKOFF_START_S, BACKOFF_MAX_S = 0.5, 8.0

_deadline: ContextVar[float | None] = ContextVar("rehearse_llm_deadline", default=None)


class BudgetExhausted(Exception):
    """The call's time budget ran out (or a retry would not fit in it).

    Raised from the middleware without a cause, so the SDK does not retry it."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@contextmanager
def budget(seconds: float) -> Iterator[None]:
    """Every SDK call made inside this block, retries included, ends within `seconds`."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def retry_wait_s(headers: Any, retries_taken: int) -> float:
    """How long the SDK will sleep before its next attempt, from the server's headers or its backoff."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name) if headers is not None else None
        if value is not None:
            try:
                return max(0.0, float(value) / scale)
            except ValueError:
                return BACKOFF_MAX_S  # an HTTP date: assume a long wait rather than parse it
    return min(BACKOFF_START_S * 2 ** retries_taken, BACKOFF_MAX_S)


class DeadlineMiddleware(Middleware):
    """Clips each attempt to the time left and refuses retries that cannot fit."""

    def handle(self, request: APIRequest, call_next: CallNext) -> APIResponse[Any]:
        deadline = _deadline.get()
        if deadline is None:
            return call_next(request)
        left = deadline - time.monotonic()
        if left < MIN_ATTEMPT_S:
            raise BudgetExhausted("deadline") from None
        try:
            response = call_next(request.copy(timeout=left))
        except APIConnectionError as exc:  # timeouts included: no response to read a wait from
            if deadline - time.monotonic() < MIN_ATTEMPT_S + retry_wait_s(None, request.retries_taken):
                raise BudgetExhausted("timeout" if "timed out" in str(exc).lower() else "connection") from None
            raise
        status = response.status_code
        if status in RETRYABLE or status >= 500:
            wait = retry_wait_s(response.headers, request.retries_taken)
            if deadline - time.monotonic() < wait + MIN_ATTEMPT_S:
                response.http_response.close()
                raise BudgetExhausted("retry would not fit", status) from None
        return response
