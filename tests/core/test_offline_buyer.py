"""The offline buyer answers what the rep said: scripted good and pitching reps on every shipped scenario.

Each conversation goes through the real OfflineBuyer, the real scenario files
and the real scoring signals. What a rep sees is checked line by line: no line
twice, every topic line answers a topic the rep named (or the one the buyer was
just talking about, when the rep points back at it), and hidden facts only for
a rep who showed an unlocking behavior about that fact's topic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ports import BuyerContext
from bot.practice.buyers.offline import OfflineBuyer
from scenarios.loader import ScenarioLibrary
from scenarios.schema import MOVES, Scenario
from scenarios.topics import all_lines, mentions
from scoring.types import Turn
from tests.core.offline_scripts import GOOD, PITCH

LIBRARY = ScenarioLibrary.load()
PRACTICE = sorted(s.id for s in LIBRARY.all(kind="practice"))
EVERY = sorted(LIBRARY.ids())


@dataclass
class Conversation:
    scenario: Scenario
    session_id: str = "session-1"
    history: list[Turn] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    revealed: list[str] = field(default_factory=list)
    moves: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (the move read, facts revealed) a turn
    ended: bool = False

    def __post_init__(self) -> None:
        opening = OfflineBuyer().opening(self.scenario, self.session_id)
        self.history.append(Turn("buyer", opening.text))
        self.state = opening.state

    def say(self, text: str) -> str:
        self.history.append(Turn("rep", text))
        # The state goes through JSON each turn, as it does through the session row.
        ctx = BuyerContext(self.scenario, list(self.history), json.loads(json.dumps(self.state)), self.session_id)
        reply = OfflineBuyer().reply(ctx)
        self.history.append(Turn("buyer", reply.text))
        self.state, self.ended = reply.state, reply.wants_to_end
        self.revealed += reply.revealed
        self.moves.append((reply.state["heard"][-1]["move"], reply.revealed))
        return reply.text

    def buyer_lines(self) -> list[str]:
        return [t.text for t in self.history if t.speaker == "buyer"]


def play(scenario_id: str, lines: list[str], session_id: str = "session-1") -> Conversation:
    convo = Conversation(LIBRARY.get(scenario_id), session_id)
    for line in lines:
        if convo.ended:
            break
        convo.say(line)
    return convo


def origin(scenario: Scenario, line: str) -> tuple[str, str | None]:
    """Where a buyer line comes from in the scenario file: ("fact" | "reply" | pool name, topic id or None)."""
    for topic in scenario.topics:
        facts = {f.id: f.fact.strip() for f in scenario.hidden_facts}
        if any(facts[f] == line for f in topic.facts):
            return "fact", topic.id
        if any(line == said.strip() for move in MOVES for said in getattr(topic.replies, move)):
            return "reply", topic.id
    r = scenario.reactions
    for pool in ("unclear", "nudge", "pitch_pushback", "proposal"):
        if line in [said.strip() for said in getattr(r, pool)]:
            return pool, None
    if line == r.closing.strip():
        return "closing", None
    raise AssertionError(f"the buyer said a line the scenario does not hold: {line!r}")


def assert_answers_only_what_was_said(convo: Conversation) -> None:
    """Every topic line answers a topic the rep's last message named, or the buyer's own current topic
    when the rep's message named none (a follow-up such as "why is that?")."""
    scenario = convo.scenario
    topics = {t.id: t for t in scenario.topics}
    current = scenario.concern
    turns = convo.history[1:]
    for rep, buyer in zip(turns[::2], turns[1::2]):
        kind, topic = origin(scenario, buyer.text)
        named = [t.id for t in scenario.topics if mentions(t.words, rep.text)]
        if topic is not None:
            assert topic in named or (not named and topic == current), (
                f"{scenario.id}: to {rep.text!r} the buyer answered about '{topic}' with {buyer.text!r}")
            current = topic
        elif kind == "nudge":
            current = scenario.concern
        for other in topics.values():
            said_before = any(mentions(other.words, t.text) for t in convo.history[: convo.history.index(buyer)])
            if kind in ("unclear", "pitch_pushback", "proposal"):
                assert not mentions(other.words, buyer.text) or said_before, (
                    f"{scenario.id}: {buyer.text!r} names '{other.id}', which nobody had said")


def assert_no_line_twice(convo: Conversation) -> None:
    lines = convo.buyer_lines()
    repeated = {line for line in lines if lines.count(line) > 1}
    assert not repeated, f"{convo.scenario.id}: the buyer repeated {repeated}"


@pytest.mark.parametrize("scenario_id", PRACTICE)
def test_a_rep_who_does_what_the_scenario_teaches_earns_its_hidden_facts(scenario_id: str) -> None:
    convo = play(scenario_id, GOOD[scenario_id])
    assert sorted(convo.revealed) == sorted(f.id for f in convo.scenario.hidden_facts), (
        f"{scenario_id}: a good rep earned only {convo.revealed}")
    for fact in convo.scenario.hidden_facts:
        assert (fact.id in convo.revealed) == (fact.fact.strip() in convo.buyer_lines())
    assert_no_line_twice(convo)
    assert_answers_only_what_was_said(convo)
    # Every line of this rep names the scenario's topics, so none of them is met with "what do you mean?".
    kinds = [origin(convo.scenario, line)[0] for line in convo.buyer_lines()[1:]]
    assert not {"unclear", "nudge"} & set(kinds), f"{scenario_id}: {kinds}"


@pytest.mark.parametrize("scenario_id", EVERY)
def test_a_pitching_rep_never_hears_a_hidden_fact(scenario_id: str) -> None:
    convo = play(scenario_id, PITCH * 4)
    assert convo.revealed == []
    heard = " ".join(convo.buyer_lines())
    assert not any(f.fact.strip() in heard for f in convo.scenario.hidden_facts)
    assert_no_line_twice(convo)
    assert_answers_only_what_was_said(convo)


@pytest.mark.parametrize("scenario_id", PRACTICE)
def test_every_shipped_scenario_has_a_scripted_good_rep(scenario_id: str) -> None:
    assert scenario_id in GOOD


@pytest.mark.parametrize("scenario_id", EVERY)
def test_the_same_message_over_and_over_never_gets_the_same_line_twice(scenario_id: str) -> None:
    scenario = LIBRARY.get(scenario_id)
    convo = play(scenario_id, ["Okay."] * scenario.max_turns)
    assert convo.ended
    assert_no_line_twice(convo)
    assert_answers_only_what_was_said(convo)


@pytest.mark.parametrize("scenario_id", EVERY)
def test_an_off_topic_rep_gets_asked_what_they_mean_or_steered_back(scenario_id: str) -> None:
    scenario = LIBRARY.get(scenario_id)
    convo = play(scenario_id, ["What's the weather like where you are?", "I really enjoy old jazz records."])
    unclear, nudge = convo.buyer_lines()[1:3]
    assert origin(scenario, unclear)[0] == "unclear"
    assert origin(scenario, nudge)[0] == "nudge"
    assert convo.revealed == []


def test_off_topic_replies_vary_from_one_session_to_the_next() -> None:
    lines = {play("pricing-objection", ["What's the weather like where you are?"], f"s{i}").buyer_lines()[1]
             for i in range(12)}
    assert len(lines) > 1


def test_the_same_session_replays_the_same_conversation() -> None:
    first = play("pricing-objection", GOOD["pricing-objection"] + PITCH, "replay")
    again = play("pricing-objection", GOOD["pricing-objection"] + PITCH, "replay")
    assert first.buyer_lines() == again.buyer_lines()


def test_a_fact_comes_out_only_for_a_behavior_shown_about_its_topic() -> None:
    # An open question unlocks the budget cap, but this one is about data residency: no fact.
    convo = play("pricing-objection", ["What does your compliance team need on EU data residency?"])
    assert convo.revealed == []
    assert origin(convo.scenario, convo.buyer_lines()[1]) == ("reply", "residency")
    # The same behavior about the budget earns the budget fact, and only that one.
    convo.say("What would your COO need to see before finance signs off?")
    assert convo.revealed == ["budget_cap"]


def test_a_follow_up_question_is_about_what_the_buyer_just_said() -> None:
    convo = play("pricing-objection", ["I hear you. Why is that?"])
    assert origin(convo.scenario, convo.buyer_lines()[1])[1] == "price"


def test_a_next_step_on_a_topic_gets_an_answer_to_the_next_step() -> None:
    convo = play("healthcare-scheduling", ["Friday at nine works. Shall I book that slot now?"])
    assert convo.state["heard"][-1]["move"] == "proposed"
    assert origin(convo.scenario, convo.buyer_lines()[1])[0] in ("reply", "proposal", "fact")


def test_a_question_the_buyer_cannot_place_is_not_answered_as_if_it_could() -> None:
    convo = play("discovery-procurement-stall", ["Do you like jazz?"])
    assert origin(convo.scenario, convo.buyer_lines()[1])[0] == "unclear"


# The failures seen when the project was tried from a fresh clone (issue 17).

def test_the_buyer_never_asks_about_a_wan_port_the_rep_never_mentioned() -> None:
    for lines in (GOOD["contact-centre-efficiency"], PITCH, ["Okay."] * 6):
        convo = play("contact-centre-efficiency", lines)
        assert not any(mentions(["wan"], line) for line in convo.buyer_lines())


def test_the_caller_only_acts_on_the_cable_when_told_about_the_cable() -> None:
    scenario = LIBRARY.get("contact-centre-efficiency")
    convo = play("contact-centre-efficiency", ["Please switch the tablet off and on again."])
    assert origin(scenario, convo.buyer_lines()[1])[1] != "cable"
    convo = play("contact-centre-efficiency", ["Please take the grey cable out of the yellow port."])
    assert origin(scenario, convo.buyer_lines()[1]) == ("reply", "cable")
    # "Okay, done that" and then the cable still in the wrong hole: she never claims a step she cannot see done.
    assert not any(re.search(r"\b(?:done that|done it|all done)\b", line, re.I) for line in all_lines(scenario))


def test_the_buyer_mentions_the_analytics_module_only_after_the_rep_does() -> None:
    plain = play("pricing-objection", ["Our platform is the best value on the market.", "Our platform is better than Quillhub."])
    assert not any("analytics" in line.lower() for line in plain.buyer_lines())
    featured = play("pricing-objection", ["Our analytics module is the best on the market, with AI routing built in."])
    assert origin(featured.scenario, featured.buyer_lines()[1]) == ("reply", "analytics")


def test_the_buyer_refuses_a_discount_only_after_one_is_offered() -> None:
    pitching = play("pricing-objection", ["Our platform is the best value on the market.", "Our product pays for itself."])
    assert not any("percent off" in line for line in pitching.buyer_lines())
    offered = play("pricing-objection", ["We can offer a ten percent discount if you sign this month."])
    assert origin(offered.scenario, offered.buyer_lines()[1]) == ("reply", "discount")


def test_a_resumed_session_carries_on_without_repeating_itself() -> None:
    convo = play("contact-centre-trust", ["Okay.", "Okay."])
    resumed = Conversation(convo.scenario, convo.session_id)
    resumed.history, resumed.state = list(convo.history), json.loads(json.dumps(convo.state))
    resumed.say("Okay.")
    assert resumed.buyer_lines()[-1] not in convo.buyer_lines()


TRANSCRIPTS = Path(__file__).parents[2] / "docs" / "transcripts"


@pytest.mark.parametrize("who", ["good-rep", "pitching-rep"])
def test_the_shipped_transcripts_show_what_the_buyer_does_for_their_rep(who: str) -> None:
    lines = [rep for rep in (TRANSCRIPTS / f"pricing-objection-{who}.input").read_text().splitlines() if rep != "done"]
    transcript = (TRANSCRIPTS / f"pricing-objection-{who}.txt").read_text()
    assert all(f"You: {line[:60]}" in " ".join(transcript.split()) for line in lines)
    convo = play("pricing-objection", lines)
    facts = [f.fact.strip() for f in convo.scenario.hidden_facts]
    shown = [f for f in facts if " ".join(f.split())[:60] in " ".join(transcript.split())]
    assert (len(shown) >= 2) if who == "good-rep" else (shown == [] and convo.revealed == [])


FILLER = ["our platform", "I hear you", "what", "why", "shall we", "the", "is", "great", "tell me about", "sorry",
          "thirty percent", "weather", "?", ".", "discount", "I'll send", "on Thursday", "it", "that"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EVERY), st.lists(st.lists(st.sampled_from(FILLER), min_size=1, max_size=8), min_size=1, max_size=8),
       st.data())
def test_whatever_a_rep_writes_the_buyer_answers_only_it_and_never_repeats(scenario_id: str, messages: list[list[str]],
                                                                           data: st.DataObject) -> None:
    scenario = LIBRARY.get(scenario_id)
    words = [w for t in scenario.topics for w in t.words]
    lines = [" ".join(parts + data.draw(st.lists(st.sampled_from(words), max_size=2))) for parts in messages]
    convo = play(scenario_id, lines, data.draw(st.sampled_from(["a", "b", "c"])))
    assert_no_line_twice(convo)
    assert_answers_only_what_was_said(convo)
    assert all(not revealed for move, revealed in convo.moves if move == "pitched")
