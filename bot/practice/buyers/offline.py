"""The offline virtual buyer: answers what the rep's last message did, about what it named.

Each reply starts from a reading of the rep's message (offline_reading.py):
the move (asked, acknowledged, pitched, proposed, told) and the scenario topics
it named. The buyer then, in this order:
- reveals a hidden fact of a named topic, when the message shows one of the
  behaviors that unlock it (never on a pitch);
- answers with that topic's line for that move;
- or, when the message names nothing it can place, says a topic-free line: an
  in-character "what do you mean?", a nudge back to its concern, or pushback on
  a pitch about nothing it raised.
No line is said twice in a session; choices are seeded by the session id, so a
session replays identically. State (what is revealed, said and being talked
about) lives in the session row, so a restart resumes mid-conversation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from bot.ports import BuyerContext, BuyerReply
from bot.practice.buyers.offline_reading import Reading, read
from bot.practice.buyers.reply_analysis import analysed, shows, signals_of, unlockers
from scenarios.schema import HiddenFact, Scenario, Topic
from scoring.signals import Analysis

ENGINE = "offline"


class OfflineBuyer:
    name = ENGINE

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply:
        state = {"revealed": [], "used": [], "rep_turns": 0, "topic": scenario.concern, "heard": []}
        return BuyerReply(text=scenario.opening_line.strip(), engine=ENGINE, state=state)

    def reply(self, ctx: BuyerContext) -> BuyerReply:
        scenario = ctx.scenario
        state = _copy_state(ctx.state, scenario)
        rep_text = ctx.history[-1].text
        buyer_last = next((t.text for t in reversed(ctx.history[:-1]) if t.speaker == "buyer"), "")
        state["rep_turns"] += 1
        # One analysis serves the move and every unlocking behavior (reply_analysis.py: a third of a turn's CPU).
        analysis = analysed(rep_text, buyer_last, unlockers(f.unlocked_by for f in scenario.hidden_facts))
        reading = read(scenario, rep_text, buyer_last, state["topic"], signals_of(analysis), analysed=True)
        state["heard"].append({"move": reading.move, "topics": list(reading.topics), "follow_up": reading.follow_up})

        if state["rep_turns"] >= scenario.max_turns:
            return BuyerReply(scenario.reactions.closing.strip(), ENGINE, state=state, wants_to_end=True)

        topics = [t for tid in reading.topics for t in scenario.topics if t.id == tid]
        fact = None if reading.move == "pitched" else _earned_fact(scenario, topics, state["revealed"], analysis)
        if fact is not None:
            topic, hidden = fact
            state["revealed"].append(hidden.id)
            state["topic"] = topic.id
            return _say(state, hidden.fact, revealed=(hidden.id,))

        seed = f"{ctx.session_id}:{state['rep_turns']}"
        for topic in topics:
            line = _pick(getattr(topic.replies, reading.move), state["used"], seed)
            if line is not None:
                state["topic"] = topic.id
                return _say(state, line)
        line = _topic_free(scenario, reading, state["used"], seed)
        if line in scenario.reactions.nudge:
            state["topic"] = scenario.concern
        return _say(state, line)


def _say(state: dict, text: str, revealed: tuple[str, ...] = ()) -> BuyerReply:
    state["used"].append(text)
    return BuyerReply(text.strip(), ENGINE, revealed=revealed, state=state)


def _earned_fact(scenario: Scenario, topics: list[Topic], revealed: list[str],
                 analysis: Analysis | None) -> tuple[Topic, HiddenFact] | None:
    """The first unrevealed fact (in the scenario's order, so the story unfolds as written) of a named
    topic that one of the behaviors shown in this message unlocks."""
    topic_of = {fact_id: topic for topic in topics for fact_id in topic.facts}
    shown: dict[str, bool] = {}
    for fact in scenario.hidden_facts:
        if fact.id in revealed or fact.id not in topic_of:
            continue
        for behavior in fact.unlocked_by:
            if behavior not in shown:
                shown[behavior] = shows(behavior, analysis)
            if shown[behavior]:
                return topic_of[fact.id], fact
    return None


def _topic_free(scenario: Scenario, reading: Reading, used: list[str], seed: str) -> str:
    """A line that names nothing the rep did not say: pushback on a pitch, a plain yes-or-maybe to a next step
    on a topic with no line of its own, "what do you mean?" on a question it cannot place, a nudge back to its
    concern otherwise. The validator guarantees enough of them."""
    r = scenario.reactions
    if reading.move == "pitched":
        order = (r.pitch_pushback, r.nudge, r.unclear, r.proposal)
    elif reading.move == "proposed" and reading.topics:
        order = (r.proposal, r.nudge, r.unclear, r.pitch_pushback)
    elif reading.move == "asked":
        order = (r.unclear, r.nudge, r.pitch_pushback, r.proposal)
    else:
        order = (r.nudge, r.unclear, r.pitch_pushback, r.proposal)
    for pool in order:
        line = _pick(pool, used, seed)
        if line is not None:
            return line
    # Only a scenario built without the loader's checks gets here; repeating beats saying something unsaid.
    return order[0][0]


def _pick(pool: Sequence[str], used: list[str], seed: str) -> str | None:
    """A line from `pool` not yet said in this session, chosen by the seed; None when all are used."""
    fresh = [line for line in pool if line not in used]
    if not fresh:
        return None
    return fresh[int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(fresh)]


def _copy_state(state: dict, scenario: Scenario) -> dict:
    return {
        "revealed": list(state.get("revealed", [])),
        "used": list(state.get("used", [])),
        "rep_turns": int(state.get("rep_turns", 0)),
        "topic": state.get("topic") or scenario.concern,
        "heard": list(state.get("heard", [])),
    }
