"""The outbox: how every scheduled delivery is claimed, paced, retried and marked sent, written once.

Seven scheduled deliveries go through it: practice pushes, nudges, manager
digests, digest nudges, enablement digests, impact assessments and programme
notices (and the digest's Assign button, which sends the same way).
Each is a row of the push log (storage/repos/pushes.py) with its own `kind`.
A caller says only what is due (`claim_due` for planned rows, `claim` for a row
it decides on the spot) and how to send it (`send(row, platform, call)`);
the outbox owns the rest:

- claim: atomic, so two workers never send one row; a claim older than the
  kind's `claim_ttl` belonged to a dead worker and is taken again;
- rate limit: one `RateLimiter` per process, passed in (never defaulted here),
  acquired before every platform call;
- 429: the platform's Retry-After pauses every thread sending to it
  (`slow_down`), and the row goes back to the log with its attempt refunded:
  being told to wait is not a failure;
- retry: any other error goes back with exponential backoff, until the kind's
  attempt cap, then the row is closed `failed` with the reason;
- mark-sent, skip and defer (a wait that is not an attempt, e.g. outside
  working hours) with the reason kept for `rehearse cadence status`.

The retry rules are one table, `RETRY_POLICIES`, one frozen value per kind.
Before this module the seven copies had drifted (three attempt caps, two claim
timeouts, four backoff rules, 429 slow-down in five of seven); the choice made
for each kind is written beside its entry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Generic, ParamSpec, TypeVar

from bot.observability.metrics import DELIVERIES, RATE_LIMIT_WAIT
from bot.ports import Clock, RateLimited, Unreachable
from scheduler.ratelimit import RateLimiter
from storage.models import PushLog
from storage.repos.pushes import FAILED, SKIPPED, NewPush, PushLogRepo

log = logging.getLogger(__name__)
T = TypeVar("T")
P = ParamSpec("P")

# The push-log kinds the outbox delivers (push_log.kind; stored, so never renamed).
PUSH = "push"
NUDGE = "nudge"
DIGEST = "digest"
DIGEST_NUDGE = "digest_nudge"
ENABLEMENT_DIGEST = "enablement_digest"
ASSESSMENT = "assessment"
NOTICE = "notice"
ASSIGN = "assign"  # a scenario a manager assigned from a digest button: not scheduled, but the same loop

# What `send` and `failed` report (also the field names of the callers' run reports).
SENT, RETRIED, FAILED_OUTCOME, RATE_LIMITED = "sent", "retried", "failed", "rate_limited"
SKIPPED_OUTCOME = "skipped"  # the recipient is unreachable for good (bot.ports.Unreachable): closed, not retried


@dataclass(frozen=True)
class RetryPolicy:
    """How one kind of delivery is retried."""

    max_attempts: int  # claims (each counts one attempt) before the row is closed `failed`
    claim_ttl: timedelta  # a claim older than this belonged to a worker that died
    first_backoff: timedelta  # wait after the first failed attempt; doubles each time...
    max_backoff: timedelta  # ...up to this
    rate_limit_tries: int = 1  # 429s waited out in place (at the limiter) before the row goes back to the log

    def backoff(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt (1-based)."""
        return min(self.first_backoff * 2 ** max(attempts - 1, 0), self.max_backoff)


_MIN = timedelta(minutes=1)

RETRY_POLICIES: Mapping[str, RetryPolicy] = MappingProxyType({
    # Kept as it was: a push wave is large and time-boxed (late_grace), so a short first wait and
    # three 429s waited out in place keep the wave moving; five tries span about 7.5 minutes.
    PUSH: RetryPolicy(max_attempts=5, claim_ttl=5 * _MIN, first_backoff=timedelta(seconds=30),
                      max_backoff=30 * _MIN, rate_limit_tries=3),
    # Was: no cap, every 5 minutes forever, and claimed by key with no claim timeout (a worker that
    # died mid-send left the nudge claimed for good). Now: the push's claim timeout, 5 minutes fixed
    # (first = max) as before, and a cap of 5: a reminder that failed for 25 minutes is not worth more.
    NUDGE: RetryPolicy(max_attempts=5, claim_ttl=5 * _MIN, first_backoff=5 * _MIN, max_backoff=5 * _MIN),
    # Was: a digest-record claim with no cap and no backoff (retried on every 15-minute run), and at
    # most once (a worker dying after its claim lost the digest). Now a push-log row like the others:
    # 5 minutes first (the existing "retried on the next run" test waits 5), doubling to an hour,
    # 6 attempts (about 2.5 hours) - well inside the 2-day delivery grace of a weekly digest.
    DIGEST: RetryPolicy(max_attempts=6, claim_ttl=10 * _MIN, first_backoff=5 * _MIN, max_backoff=60 * _MIN),
    # Kept as it was: 3 attempts, 10-minute claim timeout, 5 minutes between tries.
    DIGEST_NUDGE: RetryPolicy(max_attempts=3, claim_ttl=10 * _MIN, first_backoff=5 * _MIN,
                              max_backoff=5 * _MIN),
    # Was: no cap, 15 minutes fixed, no claim timeout and no 429 slow-down. Now the manager
    # digest's rule: the same kind of message to the same kind of reader.
    ENABLEMENT_DIGEST: RetryPolicy(max_attempts=6, claim_ttl=10 * _MIN, first_backoff=5 * _MIN,
                                   max_backoff=60 * _MIN),
    # Kept as it was: 3 attempts, 10-minute claim timeout, 10 then 20 minutes (it was 5 min x 2^attempts).
    ASSESSMENT: RetryPolicy(max_attempts=3, claim_ttl=10 * _MIN, first_backoff=10 * _MIN, max_backoff=60 * _MIN),
    # Was: no cap, 15 minutes fixed, and no rate limiter at all. Now: 15 minutes doubling to 2 hours,
    # 5 attempts (about 4 hours): a programme notice matters in its first week, not forever.
    NOTICE: RetryPolicy(max_attempts=5, claim_ttl=10 * _MIN, first_backoff=15 * _MIN, max_backoff=120 * _MIN),
    # Was: no cap, ready again at once ("press the button again to retry"). Kept at once (no backoff),
    # with a cap of 5 presses, and the 429 slow-down it lacked.
    ASSIGN: RetryPolicy(max_attempts=5, claim_ttl=5 * _MIN, first_backoff=timedelta(0), max_backoff=timedelta(0)),
})


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What one `send` came to: `outcome` is SENT (with the call's `value`), RETRIED, FAILED, RATE_LIMITED
    or SKIPPED (the recipient is unreachable for good)."""

    outcome: str
    value: T | None = None
    error: str | None = None
    rate_limited: int = 0  # 429s met on the way (waited out in place or not)

    @property
    def sent(self) -> bool:
        return self.outcome == SENT


class Outbox:
    """Claim, pace, retry and mark sent the push-log rows of every scheduled delivery."""

    def __init__(self, pushes: PushLogRepo, clock: Clock, limiter: RateLimiter, worker: str,
                 policies: Mapping[str, RetryPolicy] = RETRY_POLICIES) -> None:
        missing = set(RETRY_POLICIES) - set(policies)
        if missing:
            raise ValueError(f"no retry policy for {sorted(missing)}")
        self.log = pushes
        self.clock = clock
        self.limiter = limiter
        self.worker = worker
        self.policies = policies

    def policy(self, kind: str) -> RetryPolicy:
        return self.policies[kind]

    # ---- what is due ---------------------------------------------------------------

    def enqueue(self, rows: Iterable[NewPush]) -> int:
        """Plan rows (a key already in the log is left as it is); returns how many were new."""
        return self.log.insert_missing(rows, self.clock.now())

    def claim_due(self, kind: str, limit: int) -> list[PushLog]:
        """Take up to `limit` due rows of `kind` for this worker, expired claims included."""
        return self.log.claim_due([kind], self.clock.now(), self.worker, limit, self.policy(kind).claim_ttl)

    def claim(self, row: NewPush) -> PushLog | None:
        """Plan this row if new and take it now; None when it is not due, sent, closed or another worker's."""
        now = self.clock.now()
        self.log.insert_missing([row], now)
        return self.log.claim_key(row.idempotency_key, now, self.worker, self.policy(row.kind).claim_ttl)

    # ---- sending ---------------------------------------------------------------------

    def send(self, row: PushLog, platform: str, call: Callable[P, T], *args: P.args, **kwargs: P.kwargs
             ) -> Attempt[T]:
        """Make the platform call `call(*args, **kwargs)` at the limiter's pace. On success the caller
        marks the row sent (with what it learned, e.g. the session); otherwise the row is already
        back in the log."""
        policy = self.policy(row.kind)
        limited = 0
        for attempt in range(policy.rate_limit_tries):
            waited = time.monotonic()
            self.limiter.acquire(platform)
            RATE_LIMIT_WAIT.observe(time.monotonic() - waited)
            try:
                result = call(*args, **kwargs)
                DELIVERIES.labels(row.kind, "sent").inc()
                return Attempt(SENT, result, rate_limited=limited)
            except RateLimited as exc:  # nothing was posted: safe to ask again once allowed
                limited += 1
                self.limiter.slow_down(platform, exc.retry_after_s)
                if attempt + 1 < policy.rate_limit_tries:
                    continue
                error = f"rate limited by {platform}"
                DELIVERIES.labels(row.kind, "retried").inc()
                self._retry_at(row, self.clock.now() + timedelta(seconds=exc.retry_after_s), error, refund=True)
                return Attempt(RATE_LIMITED, error=error, rate_limited=limited)
            except Unreachable as exc:  # e.g. the workspace uninstalled the app: no later attempt can succeed
                self.skip(row, str(exc))
                return Attempt(SKIPPED_OUTCOME, error=str(exc), rate_limited=limited)
            except Exception as exc:  # one row's failure must not stop the others
                log.warning("%s %s failed: %s", row.kind, row.idempotency_key, exc)
                failed: Attempt[T] = self.failed(row, f"{type(exc).__name__}: {exc}")
                return Attempt(failed.outcome, error=failed.error, rate_limited=limited)
        raise AssertionError("unreachable: rate_limit_tries is at least 1")

    def failed(self, row: PushLog, error: str) -> Attempt[T]:
        """Count a failed attempt: back to the log after the kind's backoff, or closed at its cap."""
        assert row.id is not None
        policy = self.policy(row.kind)
        if row.attempts >= policy.max_attempts:
            self.log.close(row.id, FAILED, f"gave up after {row.attempts} attempts: {error}")
            DELIVERIES.labels(row.kind, "failed").inc()
            return Attempt(FAILED_OUTCOME, error=error)
        DELIVERIES.labels(row.kind, "retried").inc()
        self._retry_at(row, self.clock.now() + policy.backoff(row.attempts), error, refund=False)
        return Attempt(RETRIED, error=error)

    def defer(self, row: PushLog, until: datetime, reason: str) -> None:
        """Not now, and not a failure (outside working hours, no connection here): back to the log
        until `until` with the attempt refunded."""
        self._retry_at(row, until, reason, refund=True)

    def skip(self, row: PushLog, reason: str) -> None:
        """Closed on purpose (the rep left, snoozed, the programme ended), saying why."""
        assert row.id is not None
        self.log.close(row.id, SKIPPED, reason)

    def give_up(self, row: PushLog, reason: str) -> None:
        """Closed as failed at once: retrying cannot help (e.g. a key this version does not understand)."""
        assert row.id is not None
        self.log.close(row.id, FAILED, reason)
        DELIVERIES.labels(row.kind, "failed").inc()

    def mark_sent(self, row: PushLog, session_id: str | None = None, scenario_id: str | None = None) -> None:
        assert row.id is not None
        self.log.mark_sent(row.id, self.clock.now(), session_id, scenario_id)

    def mark_sent_many(self, rows: Sequence[tuple[int, datetime, str, str]]) -> None:
        """(row id, sent at, session id, scenario id) rows in one write: a push wave's batch."""
        self.log.mark_sent_many(rows)

    def _retry_at(self, row: PushLog, at: datetime, error: str, refund: bool) -> None:
        assert row.id is not None
        self.log.retry_later(row.id, at, error, refund_attempt=refund)
