"""Every Prometheus metric Rehearse exports, defined once, and the WSGI endpoint that serves them.

Callers record with the module-level objects (`TURN_SECONDS.labels(...).observe(s)`),
never by creating metrics of their own, so the names and labels stay one list.
Label values are small closed sets (platform, engine, kind, outcome, Slack method):
never a person, a session or message text.

Buckets: turn latency is what a rep waits for (the offline buyer answers in
tens of ms, Claude in 1-8 s, the budget ends at ANTHROPIC_TIMEOUT_S), so the
buckets span 10 ms to 10 s; acknowledgement must stay under Slack's 3 s.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import REGISTRY as DEFAULT_REGISTRY

# Fine steps up to 100 ms, where the offline buyer answers: quantiles read from the buckets agree with
# client-side measurements (benchmarks/slack_turns.py prints both) only if the buckets are narrow there.
LATENCY_BUCKETS = (0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.125, 0.15,
                   0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 10.0)
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0)
FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)

REGISTRY: CollectorRegistry = DEFAULT_REGISTRY

TURN_SECONDS = Histogram("rehearse_turn_seconds", "Rep message received to buyer reply sent",
                         ("platform", "engine"), buckets=LATENCY_BUCKETS)
ACK_SECONDS = Histogram("rehearse_ack_seconds", "Platform request received to acknowledgement",
                        ("platform",), buckets=ACK_BUCKETS)
TURNS = Counter("rehearse_turns_total", "Rep turns answered", ("platform",))
SESSIONS = Counter("rehearse_sessions_total", "Practice sessions by what happened to them",
                   ("event",))  # started (the rep's first reply) | finished | expired | abandoned
DELIVERIES = Counter("rehearse_deliveries_total", "Scheduled deliveries by kind and outcome",
                     ("kind", "outcome"))  # kind: push, nudge, digest, ...; outcome: sent | failed | retried
RATE_LIMIT_WAIT = Histogram("rehearse_rate_limit_wait_seconds", "Time spent waiting on the posting rate limiter",
                            buckets=FAST_BUCKETS + (2.5, 5.0, 10.0))
SLACK_429 = Counter("rehearse_slack_rate_limited_total", "Slack Web API 429 answers", ("method",))
LLM_CALLS = Counter("rehearse_llm_calls_total", "LLM calls", ("provider", "purpose", "outcome"))  # ok | failed
LLM_TOKENS = Counter("rehearse_llm_tokens_total", "LLM tokens", ("provider", "purpose", "kind"))  # input|cached|output
LLM_FALLBACKS = Counter("rehearse_llm_fallbacks_total", "Offline engine answered instead of the model", ("purpose",))
LLM_BREAKER_OPEN = Gauge("rehearse_llm_breaker_open", "1 while the circuit breaker sends calls offline",
                         ("provider",))
SCORER_SECONDS = Histogram("rehearse_scorer_seconds", "Offline scorer time per session", buckets=FAST_BUCKETS)
STT_SECONDS = Histogram("rehearse_transcription_seconds", "Voice note transcription time", buckets=LATENCY_BUCKETS)
STT_REALTIME_FACTOR = Histogram("rehearse_transcription_realtime_factor",
                                "Transcription time divided by audio duration",
                                buckets=(0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 4.0))
EVENT_BACKLOG = Gauge("rehearse_event_ledger_backlog", "Inbound events stored but not yet handled")
SCHEDULER_LEADER = Gauge("rehearse_scheduler_leader", "1 on the process that leads the scheduler")


# When the rep's message began to be handled (time.monotonic()), set by the practice engine for one turn.
TURN_STARTED: ContextVar[float | None] = ContextVar("rehearse_turn_started", default=None)


def observe_turn(platform: str, engine: str) -> None:
    """The buyer's reply to the turn that began at TURN_STARTED has gone out."""
    started = TURN_STARTED.get()
    if started is not None:
        TURN_SECONDS.labels(platform, engine).observe(time.monotonic() - started)
        TURNS.labels(platform).inc()


def record_llm_call(provider: str, purpose: str, ok: bool, input_tokens: int = 0, cached_tokens: int = 0,
                    output_tokens: int = 0) -> None:
    """One model call's outcome and tokens."""
    LLM_CALLS.labels(provider, purpose, "ok" if ok else "failed").inc()
    for kind, n in (("input", input_tokens), ("cached", cached_tokens), ("output", output_tokens)):
        if n:
            LLM_TOKENS.labels(provider, purpose, kind).inc(n)


def exposition(registry: CollectorRegistry = REGISTRY) -> bytes:
    """The text format Prometheus scrapes."""
    return generate_latest(registry)


def metrics_wsgi(token: str | None, registry: CollectorRegistry = REGISTRY,
                 before: Callable[[], None] | None = None) -> Callable[..., Iterable[bytes]]:
    """`GET /metrics`, behind `Authorization: Bearer <METRICS_TOKEN>` when a token is set.

    `before` refreshes gauges that are read rather than counted (the ledger backlog) at scrape time."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if token:
            given = environ.get("HTTP_AUTHORIZATION", "")
            if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
                body = b"metrics need Authorization: Bearer <METRICS_TOKEN>\n"
                start_response("401 Unauthorized", [("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
                                                    ("WWW-Authenticate", 'Bearer realm="metrics"')])
                return [body]
        if before is not None:
            before()
        body = exposition(registry)
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store")])
        return [body]

    return app
