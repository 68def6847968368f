"""The per-platform rate limiter: paces a wave at the allowance, never beyond it, and honours Retry-After."""

from __future__ import annotations

import random
import threading
import time

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


def most_in_any_second(times: list[float]) -> int:
    return max(sum(1 for u in times if t <= u < t + 1.0) for t in times)


def test_a_wave_is_paced_at_the_platforms_rate() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 10.0}, clock=t.clock, sleep=t.sleep)
    calls = []
    for _ in range(51):
        limiter.acquire("slack")
        calls.append(t.now)
    # Ten a second (with the 2% arrival margin): the 51st call opens the sixth window.
    assert 5.0 <= calls[-1] - calls[0] <= 5.2
    assert most_in_any_second(calls) <= 10


def test_slow_calls_are_caught_up_without_ever_exceeding_the_allowance() -> None:
    t = FakeTime()
    limiter = RateLimiter({"discord": 20.0}, clock=t.clock, sleep=t.sleep)
    rng = random.Random(7)
    calls = []
    for _ in range(300):
        limiter.acquire("discord")
        calls.append(t.now)
        t.sleep(0.3 if rng.random() < 0.1 else 0.0)  # the work between calls: now and then slow
    assert most_in_any_second(calls) <= 20
    # A one-call bucket would manage about 13 a second here (every slow call a lost slot).
    assert len(calls) / (calls[-1] - calls[0]) >= 15


def test_platforms_have_separate_allowances() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 1.0, "discord": 1000.0}, clock=t.clock, sleep=t.sleep)
    limiter.acquire("slack")
    limiter.acquire("slack")  # the second slack call waits a second
    for _ in range(100):
        limiter.acquire("discord")
    assert 1.0 <= t.now - 1000.0 < 1.1  # discord never waited for slack's slow allowance


def test_retry_after_pauses_every_caller_of_that_platform() -> None:
    t = FakeTime()
    limiter = RateLimiter({"slack": 100.0}, clock=t.clock, sleep=t.sleep)
    limiter.acquire("slack")
    limiter.slow_down("slack", 30.0)
    waited = limiter.acquire("slack")
    assert waited >= 30.0
    assert limiter.stats()["slack"]["rate_limited"] == 1


def test_threads_share_one_allowance() -> None:
    # Real time and real threads, but each call is stamped with the limiter's own reading when it let
    # the call through: a thread descheduled before it could note the time must not bunch the stamps.
    granted = threading.local()

    def clock() -> float:
        granted.at = time.monotonic()
        return granted.at

    limiter = RateLimiter({"console": 50.0}, clock=clock)
    calls: list[float] = []
    lock = threading.Lock()

    def send() -> None:
        for _ in range(25):
            limiter.acquire("console")
            with lock:
                calls.append(granted.at)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 100 and most_in_any_second(sorted(calls)) <= 50
