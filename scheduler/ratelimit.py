"""Per-platform token buckets for outbound pushes, honouring the platform's Retry-After.

A push wave takes one token per platform call, so it runs at the platform's
allowance instead of bursting into it; when the platform still says "slow
down", every thread sending to that platform waits out its Retry-After.
Thread-safe; the clock and sleep are injectable so tests never wait for real.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

# Calls per second a wave may make, per platform. Slack posts to many DMs are bounded by the
# workspace-wide chat.postMessage allowance; Discord's global limit is 50 requests/s per bot.
DEFAULT_RATES: dict[str, float] = {"slack": 5.0, "discord": 40.0, "console": 1000.0}
_EPSILON = 1e-6
_MIN_SLEEP_S = 0.0005


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    updated: float
    paused_until: float = 0.0
    rate_limited: int = 0  # how many times the platform answered "slow down"
    waited_s: float = 0.0


@dataclass
class RateLimiter:
    """Token bucket per platform: `acquire` before a call, `slow_down` when the platform pushes back."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    burst_s: float = 0.1  # how much allowance may pile up while idle, in seconds of rate
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _buckets: dict[str, _Bucket] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def _bucket(self, platform: str, now: float) -> _Bucket:
        bucket = self._buckets.get(platform)
        if bucket is None:
            rate = float(self.rates.get(platform, self.rates.get("*", 10.0)))
            burst = max(1.0, rate * self.burst_s)
            bucket = self._buckets[platform] = _Bucket(rate, burst, burst, now)
        return bucket

    def acquire(self, platform: str) -> float:
        """Block until one call to `platform` is allowed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                bucket = self._bucket(platform, now)
                if now < bucket.paused_until:
                    delay = bucket.paused_until - now
                else:
                    bucket.tokens = min(bucket.burst, bucket.tokens + (now - bucket.updated) * bucket.rate)
                    bucket.updated = now
                    if bucket.tokens >= 1.0 - _EPSILON:  # float dust must not cost a whole wait
                        bucket.tokens = max(bucket.tokens - 1.0, 0.0)
                        bucket.waited_s += waited
                        return waited
                    delay = max((1.0 - bucket.tokens) / bucket.rate, _MIN_SLEEP_S)
            self.sleep(delay)
            waited += delay

    def slow_down(self, platform: str, retry_after_s: float) -> None:
        """The platform answered 429: nobody calls it again until Retry-After has passed."""
        with self._lock:
            now = self.clock()
            bucket = self._bucket(platform, now)
            bucket.paused_until = max(bucket.paused_until, now + max(retry_after_s, 0.0))
            bucket.tokens = 0.0
            bucket.updated = max(bucket.updated, bucket.paused_until)
            bucket.rate_limited += 1

    def stats(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {p: {"rate": b.rate, "rate_limited": b.rate_limited, "waited_s": round(b.waited_s, 3)}
                    for p, b in self._buckets.items()}
