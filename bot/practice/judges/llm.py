"""LlmJudge: scores a finished session with a model, grounded in and bounded by the offline scorer.

One call per session. The offline scores come first (they are the grounding
the model sees and the floor under everything); the model answers through the
forced `record_scores` tool (or its JSON, on servers without tools);
bot/practice/judges/blend.py turns the two into the final score, keeping only
evidence quoted verbatim. A behavior the model leaves out keeps its offline score.
"""

from __future__ import annotations

from bot.llm.client import ModelClient
from bot.ports import JudgeContext
from bot.practice.judges import prompt
from bot.practice.judges.blend import blend, gaming_flags
from bot.practice.judges.setting import setting_of
from scoring import get_behavior, score_session
from scoring.types import BehaviorScore


class LlmJudge:
    def __init__(self, client: ModelClient) -> None:
        self.client = client
        self.name = client.engine

    def judge(self, ctx: JudgeContext) -> list[BehaviorScore]:
        behaviors = list(ctx.behaviors)
        offline = score_session(behaviors, ctx.turns, setting_of(ctx.scenario))
        rep_texts = [t.text for t in ctx.turns if t.speaker == "rep" and t.text]
        if not rep_texts:
            return offline  # nothing for Claude to read
        gaming = gaming_flags(rep_texts)
        result = self.client.create(
            "judge",
            session_id=ctx.session_id,
            system=prompt.system_blocks(behaviors),
            messages=[prompt.user_message(ctx.scenario, ctx.turns, offline, gaming)],
            tools=[prompt.tool(behaviors)],
            tool_choice={"type": "tool", "name": prompt.TOOL_NAME},
            max_tokens=self.client.settings.anthropic_max_tokens_judge,
        )
        verdicts = prompt.parse(result.tool_input(prompt.TOOL_NAME), behaviors)
        return [
            blend(get_behavior(s.behavior), s, verdicts[s.behavior], rep_texts, gaming, self.name)
            if s.behavior in verdicts else s
            for s in offline
        ]
