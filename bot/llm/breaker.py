"""A circuit breaker in front of Claude: while it is down, reps get the offline buyer at once.

Without it every turn during an outage first spends the buyer's whole time
budget (ANTHROPIC_TIMEOUT_S, 8 s by default) on a Claude that will not answer.
After `failures` operations in a row fail for availability (timeout,
connection, 429/529/5xx after the SDK's retries), the breaker opens for
`cooldown`: calls go straight to the offline engines. After the cooldown one
call is let through as a probe; its success closes the breaker, its failure
opens it for another cooldown. Bad output (Claude answered, just not in a form
we can use) says nothing about availability and does not count.

One breaker serves the buyer and the judge: they share one API and one outage.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from bot.llm.client import LlmUnavailable
from bot.observability.metrics import LLM_BREAKER_OPEN
from bot.ports import Clock, SystemClock

log = logging.getLogger(__name__)

CLOSED, OPEN, PROBING = "closed", "open", "probing"


class CircuitBreaker:
    def __init__(self, failures: int = 3, cooldown: timedelta = timedelta(seconds=30),
                 clock: Clock | None = None, provider: str = "anthropic") -> None:
        self.failures = max(1, failures)
        self.provider = provider  # the metric's label: one breaker per provider
        self.cooldown = cooldown
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._open_until: datetime | None = None
        self._probing = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._probing:
                return PROBING
            return OPEN if self._open_until is not None else CLOSED

    def allow(self) -> bool:
        """Whether this call may try the model; after the cooldown only one probe at a time may."""
        with self._lock:
            if self._open_until is None:
                return True
            if self._probing or self.clock.now() < self._open_until:
                return False
            self._probing = True
            return True

    def succeeded(self) -> None:
        with self._lock:
            if self._open_until is not None:
                log.info("the model answered again: circuit closed")
                LLM_BREAKER_OPEN.labels(self.provider).set(0)
            self._in_a_row, self._open_until, self._probing = 0, None, False

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            self._probing = False
            if not isinstance(exc, LlmUnavailable):
                return
            self._in_a_row += 1
            if self._open_until is not None or self._in_a_row >= self.failures:
                self._open_until = self.clock.now() + self.cooldown
                LLM_BREAKER_OPEN.labels(self.provider).set(1)
                log.warning("the model was unavailable %d time(s) in a row: offline engines answer for %.0f s",
                            self._in_a_row, self.cooldown.total_seconds())
