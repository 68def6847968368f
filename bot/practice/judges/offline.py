"""The offline judge: the scoring engine's session scores, nothing added."""

from __future__ import annotations

import time

from bot.observability.metrics import SCORER_SECONDS
from bot.ports import JudgeContext
from bot.practice.judges.setting import setting_of
from scoring import score_session
from scoring.types import BehaviorScore


class OfflineJudge:
    name = "offline"

    def judge(self, ctx: JudgeContext) -> list[BehaviorScore]:
        started = time.perf_counter()
        scores = score_session(ctx.behaviors, ctx.turns, setting_of(ctx.scenario))
        SCORER_SECONDS.observe(time.perf_counter() - started)
        return scores
