"""The offline engines as the net under Claude: the rep never sees an LLM error.

FallbackBuyer and FallbackJudge try the primary (Claude) and, on any failure,
answer with the offline engine. The reply or score carries the engine that
actually spoke, and the practice engine stores that per turn and per session.
The log line says why, without transcript text: exception messages can quote
input (a validation error, say), so only our own reason codes and the place of
failure are logged.
"""

from __future__ import annotations

import logging
import traceback

from bot.llm.client import LlmError
from bot.ports import BuyerContext, BuyerPort, BuyerReply, JudgeContext, JudgePort
from scenarios.schema import Scenario
from scoring.types import BehaviorScore

log = logging.getLogger(__name__)


def _log(what: str, fallback: str, session_id: str, exc: BaseException) -> None:
    why = _why(exc)
    log.warning("%s fell back to %s: %s %s", what, fallback, why["error"], why["reason"],
                extra={"session_id": session_id, **why})


def _why(exc: BaseException) -> dict[str, object]:
    if isinstance(exc, LlmError):
        return {"error": type(exc).__name__, "reason": exc.reason, "status": exc.status}
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else "?"
    return {"error": type(exc).__name__, "reason": f"unexpected at {where}", "status": None}


class FallbackBuyer:
    def __init__(self, primary: BuyerPort, fallback: BuyerPort) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        try:
            return self.primary.opening(scenario, session_id)
        except Exception as exc:  # noqa: BLE001 - the net catches everything
            _log("buyer opening", self.fallback.name, session_id, exc)
            return self.fallback.opening(scenario, session_id)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        try:
            return self.primary.reply(ctx)
        except Exception as exc:  # noqa: BLE001
            _log("buyer reply", self.fallback.name, ctx.session_id, exc)
            return self.fallback.reply(ctx)


class FallbackJudge:
    def __init__(self, primary: JudgePort, fallback: JudgePort) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def judge(self, ctx: JudgeContext) -> list[BehaviorScore]:
        try:
            return self.primary.judge(ctx)
        except Exception as exc:  # noqa: BLE001
            _log("judge", self.fallback.name, ctx.session_id, exc)
            return self.fallback.judge(ctx)
