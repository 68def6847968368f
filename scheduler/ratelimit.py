"""Per-platform rate limiting for outbound pushes, honouring the platform's Retry-After.

Each platform gets a sliding window: at most `rate × window_s` calls in any
`window_s` (stretched by a small margin, because a call reaches the platform a
little after it leaves here). A wave thus runs at the platform's allowance and
catches up after a slow call without ever exceeding it, which a plain token
bucket cannot do both of. When the platform still says "slow down", every
thread sending to it waits out the Retry-After. Thread-safe; the clock and
sleep are injectable so tests never wait for real.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

# Calls per second a wave may make, per platform. Slack posts to many DMs are bounded by the
# workspace-wide chat.postMessage allowance; Discord's global limit is 50 requests/s per bot.
DEFAULT_RATES: dict[str, float] = {"slack": 5.0, "discord": 40.0, "console": 1000.0}
_MIN_SLEEP_S = 0.0005


@dataclass
class _Window:
    limit: int
    span: float
    calls: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0
    rate_limited: int = 0  # how many times the platform answered "slow down"
    waited_s: float = 0.0


@dataclass
class RateLimiter:
    """`acquire` before each platform call, `slow_down` when the platform pushes back."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    window_s: float = 1.0
    margin: float = 0.02  # the window is this much longer than the platform's: arrival jitter
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _windows: dict[str, _Window] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def _window(self, platform: str) -> _Window:
        window = self._windows.get(platform)
        if window is None:
            rate = float(self.rates.get(platform, self.rates.get("*", 10.0)))
            window = self._windows[platform] = _Window(max(1, round(rate * self.window_s)),
                                                       self.window_s * (1 + self.margin))
        return window

    def acquire(self, platform: str) -> float:
        """Block until one call to `platform` is allowed; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                now = self.clock()
                window = self._window(platform)
                if now < window.paused_until:
                    delay = window.paused_until - now
                else:
                    while window.calls and now - window.calls[0] >= window.span:
                        window.calls.popleft()
                    if len(window.calls) < window.limit:
                        window.calls.append(now)
                        window.waited_s += waited
                        return waited
                    delay = window.calls[0] + window.span - now
            delay = max(delay, _MIN_SLEEP_S)
            self.sleep(delay)
            waited += delay

    def slow_down(self, platform: str, retry_after_s: float) -> None:
        """The platform answered 429: nobody calls it again until Retry-After has passed."""
        with self._lock:
            window = self._window(platform)
            window.paused_until = max(window.paused_until, self.clock() + max(retry_after_s, 0.0))
            window.rate_limited += 1

    def stats(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {p: {"limit": w.limit, "rate_limited": w.rate_limited, "waited_s": round(w.waited_s, 3)}
                    for p, w in self._windows.items()}
