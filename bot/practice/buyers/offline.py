"""The offline virtual buyer: a persona that reacts to what the rep actually does.

It keeps a little state per session (trust, revealed facts, lines used). A reply
that shows one of the scenario's behaviors earns trust and the next hidden fact
it unlocks; pitching product early costs trust and draws pushback. Two reps who
behave differently therefore get different conversations, with no script.
"""

from __future__ import annotations

import hashlib
from typing import Sequence

from bot.ports import BuyerContext, BuyerReply
from scenarios.schema import HiddenFact, Scenario
from scoring import is_product_pitch, score_reply

ENGINE = "offline"


class OfflineBuyer:
    name = ENGINE

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        state = {"trust": 0, "revealed": [], "used": [], "rep_turns": 0, "shown": []}
        return BuyerReply(text=scenario.opening_line.strip(), engine=ENGINE, state=state)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        scenario = ctx.scenario
        state = _copy_state(ctx.state)
        rep_text = ctx.history[-1].text
        previous_buyer = next((t.text for t in reversed(ctx.history[:-1]) if t.speaker == "buyer"), "")
        state["rep_turns"] += 1

        shown = self._behaviors_shown(scenario, rep_text, previous_buyer)
        pitched = is_product_pitch(rep_text) and not shown
        state["shown"] = sorted(set(state["shown"]) | shown)
        state["trust"] += len(shown & set(scenario.behaviors)) + (1 if shown else 0) - (2 if pitched else 0)

        if state["rep_turns"] >= scenario.max_turns:
            return BuyerReply(scenario.reactions.closing.strip(), ENGINE, state=state, wants_to_end=True)

        fact = _next_fact(scenario.hidden_facts, state["revealed"], shown)
        if fact is not None:
            state["revealed"].append(fact.id)
            return BuyerReply(fact.fact.strip(), ENGINE, revealed=(fact.id,), state=state)

        if pitched and scenario.reactions.pitch_pushback:
            pool, mood = scenario.reactions.pitch_pushback, "pitch_pushback"
        elif len(state["revealed"]) == len(scenario.hidden_facts) and state["trust"] > 0:
            pool, mood = scenario.reactions.opened, "opened"
        elif state["trust"] > 0 or shown:
            pool, mood = scenario.reactions.warming, "warming"
        else:
            pool, mood = scenario.reactions.guarded, "guarded"
        text = _pick(pool, state["used"], f"{ctx.session_id}:{mood}:{state['rep_turns']}")
        state["used"].append(text)
        return BuyerReply(text.strip(), ENGINE, state=state)

    @staticmethod
    def _behaviors_shown(scenario: Scenario, rep_text: str, previous_buyer: str) -> set[str]:
        candidates = set(scenario.behaviors)
        for fact in scenario.hidden_facts:
            candidates.update(fact.unlocked_by)
        shown = set()
        for behavior in sorted(candidates):
            try:
                if score_reply(behavior, rep_text, previous_buyer).detected:
                    shown.add(behavior)
            except ValueError:  # an unscorable reply shows nothing; the engine already told the rep
                continue
        return shown


def _copy_state(state: dict) -> dict:
    return {
        "trust": int(state.get("trust", 0)),
        "revealed": list(state.get("revealed", [])),
        "used": list(state.get("used", [])),
        "rep_turns": int(state.get("rep_turns", 0)),
        "shown": list(state.get("shown", [])),
    }


def _next_fact(facts: Sequence[HiddenFact], revealed: list[str], shown: set[str]) -> HiddenFact | None:
    for fact in facts:
        if fact.id not in revealed and shown.intersection(fact.unlocked_by):
            return fact
    return None


def _pick(pool: Sequence[str], used: list[str], seed: str) -> str:
    """A deterministic choice per session and turn that avoids lines already used."""
    fresh = [line for line in pool if line not in used] or list(pool)
    index = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(fresh)
    return fresh[index]
