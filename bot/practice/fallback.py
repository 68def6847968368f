"""The offline engines as the net under Claude: the rep never sees an LLM error.

FallbackBuyer and FallbackJudge try the primary (Claude) and, on any failure,
answer with the offline engine. The reply or score carries the engine that
actually spoke, and the practice engine stores that per turn and per session.
The log line says why, without transcript text: exception messages can quote
input (a validation error, say), so only our own reason codes and the place of
failure are logged. With a CircuitBreaker, an outage sends calls straight to
the offline engine instead of spending each turn's time budget first.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import TypeVar

from bot.llm.breaker import CircuitBreaker
from bot.llm.client import LlmError
from bot.observability.metrics import LLM_FALLBACKS
from bot.ports import BuyerContext, BuyerPort, BuyerReply, JudgeContext, JudgePort
from scenarios.schema import Scenario
from scoring.types import BehaviorScore

log = logging.getLogger(__name__)
T = TypeVar("T")


def _purpose(what: str) -> str:
    return "judge" if "judge" in what else "buyer"


def _log(what: str, fallback: str, session_id: str, exc: BaseException) -> None:
    LLM_FALLBACKS.labels(_purpose(what)).inc()
    why = _why(exc)
    log.warning("%s fell back to %s: %s %s", what, fallback, why["error"], why["reason"],
                extra={"session_id": session_id, **why})


def _why(exc: BaseException) -> dict[str, object]:
    if isinstance(exc, LlmError):
        return {"error": type(exc).__name__, "reason": exc.reason, "status": exc.status}
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else "?"
    return {"error": type(exc).__name__, "reason": f"unexpected at {where}", "status": None}


def _guarded(breaker: CircuitBreaker | None, primary: Callable[[], T], fallback: Callable[[], T],
             what: str, fallback_name: str, session_id: str) -> T:
    """The primary's answer, or the fallback's when it fails or the breaker is open."""
    if breaker is not None and not breaker.allow():
        log.debug("%s: circuit open, %s answers", what, fallback_name, extra={"session_id": session_id})
        LLM_FALLBACKS.labels(_purpose(what)).inc()
        return fallback()
    try:
        result = primary()
    except Exception as exc:  # noqa: BLE001 - the net catches everything
        if breaker is not None:
            breaker.failed(exc)
        _log(what, fallback_name, session_id, exc)
        return fallback()
    if breaker is not None:
        breaker.succeeded()
    return result


class FallbackBuyer:
    def __init__(self, primary: BuyerPort, fallback: BuyerPort, breaker: CircuitBreaker | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker
        self.name = primary.name

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        return _guarded(self.breaker, lambda: self.primary.opening(scenario, session_id),
                        lambda: self.fallback.opening(scenario, session_id),
                        "buyer opening", self.fallback.name, session_id)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        return _guarded(self.breaker, lambda: self.primary.reply(ctx), lambda: self.fallback.reply(ctx),
                        "buyer reply", self.fallback.name, ctx.session_id)


class FallbackJudge:
    def __init__(self, primary: JudgePort, fallback: JudgePort, breaker: CircuitBreaker | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.breaker = breaker
        self.name = primary.name

    def judge(self, ctx: JudgeContext) -> list[BehaviorScore]:
        return _guarded(self.breaker, lambda: self.primary.judge(ctx), lambda: self.fallback.judge(ctx),
                        "judge", self.fallback.name, ctx.session_id)
