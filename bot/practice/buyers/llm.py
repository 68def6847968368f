"""LlmBuyer: the virtual buyer played by a model (Claude or your own), one call per rep turn.

It keeps the offline buyer's state shape (`revealed`, `rep_turns`, ...) so the
offline buyer can take over mid-session and hand back, and it ends the
conversation at the scenario's `max_turns` exactly like the offline buyer.
What the model answers is checked before the rep sees it: a line that breaks
character (mentions being an AI, the rubric, scoring, a behavior id), leaks
the hidden facts (two or more at once, or one it did not mark as revealed) or
is empty is refused with LlmBadOutput, and the fallback buyer answers instead;
a line past the length limit is cut at a sentence end. Small local models do
all of these now and then.
"""

from __future__ import annotations

import re
from typing import Any

from bot.llm.client import LlmBadOutput, ModelClient
from bot.ports import BuyerContext, BuyerReply
from bot.practice.buyers import prompt
from bot.practice.buyers.offline import OfflineBuyer
from scenarios.schema import Scenario

MAX_CHARS = 600  # a chat line, not a letter; the tool asks for at most 60 words

# What the persona would never say: words that only exist on our side of the screen.
OUT_OF_CHARACTER = re.compile(
    r"\b(as an ai|i(?:'m| am) (?:an ai|a bot|a language model|a simulat\w*|not a real)|language model"
    r"|ai assistant|rubric|system prompt|my instructions|hidden facts?|role[- ]?play|turn_notes|rep_message"
    r"|being scored|scoring you|your score|practice (?:exercise|scenario|session))\b",
    re.IGNORECASE,
)


class LlmBuyer:
    def __init__(self, client: ModelClient) -> None:
        self.client = client
        self.name = client.engine

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        """The scenario's scripted opening line, exactly as the offline buyer says it: no call is made,
        so the turn honestly records the offline engine, and the state is the one both buyers share."""
        return OfflineBuyer().opening(scenario, session_id)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        scenario = ctx.scenario
        state: dict[str, Any] = {**OfflineBuyer().opening(scenario, ctx.session_id).state, **ctx.state}
        revealed = list(state.get("revealed", []))
        rep_turn = int(state.get("rep_turns", 0)) + 1
        last = rep_turn >= scenario.max_turns
        result = self.client.create(
            "buyer",
            session_id=ctx.session_id,
            system=prompt.system_blocks(scenario),
            messages=prompt.messages(ctx.history, prompt.turn_notes(scenario, revealed, rep_turn, last)),
            tools=[prompt.BUYER_TOOL],
            tool_choice={"type": "tool", "name": prompt.TOOL_NAME},
            max_tokens=self.client.settings.anthropic_max_tokens_buyer,
        )
        answer = result.tool_input(prompt.TOOL_NAME)
        text = clean_line(answer.get("text"))
        if not text:
            raise LlmBadOutput("empty buyer line")
        if breaks_character(text, scenario):
            raise LlmBadOutput("buyer line broke character")
        known = {f.id for f in scenario.hidden_facts}
        claimed = answer.get("revealed_fact_ids") or []
        new = [] if last else [
            f for f in dict.fromkeys(str(x) for x in claimed if isinstance(x, (str, int))) if f in known and f not in revealed
        ]
        if leaks_facts(text, scenario, allowed=set(revealed) | set(new)):
            raise LlmBadOutput("buyer line leaked hidden facts")
        state.update(revealed=revealed + new, rep_turns=rep_turn)
        return BuyerReply(text, self.name, revealed=tuple(new), state=state, wants_to_end=last)


def clean_line(text: object) -> str:
    """One chat line: whitespace collapsed, wrapping quotes removed, cut at a sentence end past MAX_CHARS."""
    if not isinstance(text, str):
        return ""
    line = " ".join(text.split()).strip()
    if len(line) >= 2 and line[0] in "\"“" and line[-1] in "\"”":
        line = line[1:-1].strip()
    if len(line) > MAX_CHARS:
        cut = max(line.rfind(mark, 0, MAX_CHARS) for mark in (". ", "? ", "! "))
        line = line[: cut + 1] if cut > 0 else line[:MAX_CHARS].rsplit(" ", 1)[0] + "…"
    return line


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9']+", text.lower()) if len(w) > 3}


# A fact counts as told when this share of its content words is in the line. A model that pastes the
# facts list copies them nearly word for word; a buyer telling one in their own words stays below it.
FACT_OVERLAP = 0.7
LIST_DUMP = 3  # this many facts in one line is the list read out, whatever the model marked


def leaks_facts(text: str, scenario: Scenario, allowed: set[str]) -> bool:
    """True when the line tells hidden facts the buyer did not mark as revealed, or reads the list out."""
    words = _content_words(text)
    told = [f.id for f in scenario.hidden_facts
            if (fw := _content_words(f.fact)) and len(fw & words) / len(fw) >= FACT_OVERLAP]
    return len(told) >= LIST_DUMP or any(fact not in allowed for fact in told)


def breaks_character(text: str, scenario: Scenario) -> bool:
    """True when the line talks about the exercise instead of the business."""
    if OUT_OF_CHARACTER.search(text):
        return True
    ids = {b for b in scenario.behaviors} | {f.id for f in scenario.hidden_facts}
    ids |= {b for f in scenario.hidden_facts for b in f.unlocked_by}
    lowered = text.lower()
    return any(i in lowered for i in ids if "_" in i)  # ids with underscores never occur in speech
