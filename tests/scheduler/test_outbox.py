"""Every scheduled delivery is claimed, paced, retried and given up by one outbox, with one rule per kind.

One test per retry policy, on SQLite and PostgreSQL through the real push log: a
row of that kind is claimed by one worker only; a 429 slows the platform down,
is waited out in place as often as the kind allows, then goes back to the log
with its attempt refunded; a dead worker's claim is taken over after the kind's
claim timeout; failures come back after the kind's backoff until its attempt
cap, and then the row is closed as failed with the reason. The numbers below
are the rules people rely on (written out, not read from the table), so a
change to RETRY_POLICIES shows up here as a decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.ports import RateLimited
from bot.scheduling.outbox import (
    ASSESSMENT,
    ASSIGN,
    DIGEST,
    DIGEST_NUDGE,
    ENABLEMENT_DIGEST,
    NOTICE,
    NUDGE,
    PUSH,
    RETRY_POLICIES,
    Outbox,
)
from scheduler.ratelimit import RateLimiter
from storage import Repositories
from storage.models import PushLog
from storage.repos.pushes import NewPush, PushLogRepo
from tests.core.testbot import ManualClock

UTC = UTC
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
RETRY_AFTER_S = 7.0
MIN = timedelta(minutes=1)


@dataclass(frozen=True)
class Rule:
    """What a kind's retry policy means for the people waiting on it."""

    attempts: int  # tries before the row is closed as failed
    claim_ttl: timedelta  # how long a dead worker's claim holds the row back
    waits: tuple[timedelta, ...]  # the wait after the 1st, 2nd... failed try
    tries_429: int  # "slow down" answers waited out in place before the row goes back


RULES: dict[str, Rule] = {
    PUSH: Rule(5, 5 * MIN, (timedelta(seconds=30), MIN, 2 * MIN, 4 * MIN), 3),
    NUDGE: Rule(5, 5 * MIN, (5 * MIN,) * 4, 1),
    DIGEST: Rule(6, 10 * MIN, (5 * MIN, 10 * MIN, 20 * MIN, 40 * MIN, 60 * MIN), 1),
    DIGEST_NUDGE: Rule(3, 10 * MIN, (5 * MIN, 5 * MIN), 1),
    ENABLEMENT_DIGEST: Rule(6, 10 * MIN, (5 * MIN, 10 * MIN, 20 * MIN, 40 * MIN, 60 * MIN), 1),
    ASSESSMENT: Rule(3, 10 * MIN, (10 * MIN, 20 * MIN), 1),
    NOTICE: Rule(5, 10 * MIN, (15 * MIN, 30 * MIN, 60 * MIN, 120 * MIN), 1),
    ASSIGN: Rule(5, 5 * MIN, (timedelta(0),) * 4, 1),
}


def test_every_delivery_kind_has_exactly_one_retry_rule() -> None:
    assert set(RETRY_POLICIES) == set(RULES)
    assert {PUSH, NUDGE, DIGEST, DIGEST_NUDGE, ENABLEMENT_DIGEST, ASSESSMENT, NOTICE} <= set(RETRY_POLICIES)
    with pytest.raises(ValueError, match="no retry policy"):
        Outbox(None, ManualClock(START), RateLimiter(), "w", {PUSH: RETRY_POLICIES[PUSH]})  # type: ignore[arg-type]


class World:
    """Two workers (two processes: each its own limiter) over one push log, on a manual clock."""

    def __init__(self, db_url: str) -> None:
        self.clock = ManualClock(START)
        self.repos = Repositories.open(db_url)
        self.log = PushLogRepo(self.repos.db)
        self.one = Outbox(self.log, self.clock, self._limiter(), "worker-1")
        self.two = Outbox(self.log, self.clock, self._limiter(), "worker-2")

    def _limiter(self) -> RateLimiter:
        # Waiting at the limiter passes the manual clock's time, as a real wait passes real time.
        return RateLimiter({"slack": 1000.0}, clock=lambda: self.clock.now().timestamp(),
                           sleep=lambda seconds: self.clock.advance(seconds=seconds))

    def plan(self, kind: str) -> NewPush:
        row = NewPush(f"{kind}:{uuid.uuid4().hex[:8]}", kind, None, self.clock.now())
        assert self.one.enqueue([row]) == 1
        return row

    def stored(self, row: NewPush) -> PushLog:
        found = self.log.get(row.idempotency_key)
        assert found is not None
        return found


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    w = World(db_url)
    yield w
    w.repos.db.dispose()


def _aware(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _rate_limited() -> object:
    raise RateLimited(RETRY_AFTER_S)


def _down() -> object:
    raise ConnectionError("platform down")


@pytest.mark.parametrize("kind", sorted(RULES))
def test_a_delivery_is_claimed_once_refunded_on_429_retried_with_backoff_and_given_up_at_its_cap(
        world: World, kind: str) -> None:
    rule = RULES[kind]
    planned = world.plan(kind)

    # Claim: one worker takes the row; the other finds nothing, by either way of claiming.
    [row] = world.one.claim_due(kind, 10)
    assert row.attempts == 1 and row.claimed_by == "worker-1"
    assert world.two.claim_due(kind, 10) == [] and world.two.claim(planned) is None

    # 429: waited out in place `tries_429` times, then back to the log; being told to wait is not a failure.
    calls = []
    attempt = world.one.send(row, "slack", lambda: calls.append(1) or _rate_limited())
    assert (attempt.outcome, attempt.rate_limited, len(calls)) == ("rate_limited", rule.tries_429, rule.tries_429)
    assert world.one.limiter.stats()["slack"]["rate_limited"] == rule.tries_429  # the platform was slowed down
    stored = world.stored(planned)
    assert (stored.status, stored.attempts) == ("pending", 0)  # the attempt is refunded
    assert _aware(stored.retry_at) == world.clock.now() + timedelta(seconds=RETRY_AFTER_S)
    assert world.one.claim_due(kind, 10) == []  # not before Retry-After
    world.clock.advance(seconds=RETRY_AFTER_S)

    # Retry with backoff until the cap: each failed try waits the kind's time, then the row is given up.
    for tried in range(1, rule.attempts + 1):
        row = world.one.claim(planned)  # type: ignore[assignment]
        assert row is not None and row.attempts == tried
        attempt = world.one.send(row, "slack", _down)
        stored = world.stored(planned)
        if tried == rule.attempts:
            assert attempt.outcome == "failed"
            assert stored.status == "failed"
            assert stored.error == f"gave up after {tried} attempts: ConnectionError: platform down"
            break
        wait = rule.waits[tried - 1]
        assert (attempt.outcome, stored.status) == ("retried", "pending")
        assert _aware(stored.retry_at) == world.clock.now() + wait
        if wait:
            world.clock.advance(seconds=wait.total_seconds() - 1)
            assert world.one.claim(planned) is None, f"claimed {wait} after try {tried}, before its backoff"
            world.clock.advance(seconds=1)
    assert world.one.claim(planned) is None and world.one.claim_due(kind, 10) == []  # given up stays given up


@pytest.mark.parametrize("kind", sorted(RULES))
def test_a_dead_workers_claim_is_taken_over_after_the_kinds_claim_timeout_and_sent_once(
        world: World, kind: str) -> None:
    rule = RULES[kind]
    planned = world.plan(kind)
    assert world.one.claim(planned) is not None  # ...and worker 1 dies before sending

    world.clock.advance(seconds=rule.claim_ttl.total_seconds() - 1)
    assert world.two.claim_due(kind, 10) == [] and world.two.claim(planned) is None
    world.clock.advance(seconds=2)
    row = world.two.claim(planned)
    assert row is not None and (row.claimed_by, row.attempts) == ("worker-2", 2)

    attempt = world.two.send(row, "slack", lambda: "posted")
    assert (attempt.outcome, attempt.value) == ("sent", "posted")
    world.two.mark_sent(row)
    assert world.stored(planned).status == "sent"
    world.clock.advance(hours=1)
    assert world.one.claim(planned) is None and world.one.claim_due(kind, 10) == []  # sent is sent
