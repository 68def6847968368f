"""The per-platform rate limiter: paces a wave at the allowance and honours Retry-After."""

from __future__ import annotations

import threading

from scheduler.ratelimit import RateLimiter


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_a_wave_is_paced_at_the_platforms_rate() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 10.0}, clock=t.clock, sleep=t.sleep)
    start = t.now
    for _ in range(51):
        limiter.acquire("slack")
    # 1 token of burst, then one every 0.1 s.
    assert 4.9 <= t.now - start <= 5.1


def test_platforms_have_separate_allowances() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 1.0, "discord": 1000.0}, clock=t.clock, sleep=t.sleep)
    limiter.acquire("slack")
    for _ in range(100):
        limiter.acquire("discord")
    assert t.now - 1000.0 < 0.2  # discord never waited for slack's slow allowance


def test_retry_after_pauses_every_caller_of_that_platform() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 100.0}, clock=t.clock, sleep=t.sleep)
    limiter.acquire("slack")
    limiter.slow_down("slack", 30.0)
    waited = limiter.acquire("slack")
    assert waited >= 30.0
    assert limiter.stats()["slack"]["rate_limited"] == 1


def test_threads_share_one_allowance() -> None:
    limiter = RateLimiter({"console": 200.0})
    import time

    start = time.monotonic()
    threads = [threading.Thread(target=lambda: [limiter.acquire("console") for _ in range(25)]) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - start
    assert elapsed >= (100 - 20) / 200.0  # 100 calls at 200/s, less the burst
