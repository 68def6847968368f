"""How the offline buyer reads the rep's last message: what the rep did, and what it was about.

The move comes from the scoring signals (questions, pitch statements, next steps,
acknowledgements) so the buyer and the scorecard read a message the same way;
the topics come from the words the scenario gives each topic. Nothing here
guesses a topic the rep did not name, except one case: a question or an
acknowledgement that points back at the buyer's last line ("why is that?",
"I hear you") is about the topic that line was about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from scenarios.schema import Scenario, Topic
from scenarios.topics import normalise, weight
from scoring import ReplySignals, extract_signals

Move = Literal["asked", "acknowledged", "pitched", "proposed", "told"]

# Acknowledgements the scoring lexicon leaves to context ("I'm so sorry", "got it"): enough to tell
# the buyer the rep took in what it said, never counted as a behavior by the scorecard.
_ACKNOWLEDGES = re.compile(
    r"\b(?:sorry|i understand|i hear you|i see|got it|fair (?:point|enough)|makes sense|that's (?:hard|tough|awful|rough)"
    r"|thanks? (?:you )?for (?:telling|explaining|sharing|being)|i get (?:it|that)|understood|right,|okay,|ok,)"
)
# A next step offered as a question ("shall we book Thursday?"): a proposal, not a question to answer.
_PROPOSES = re.compile(
    r"(?:^|[.!?] )(?:so,? |okay,? |ok,? |great,? )?(?:shall|should|can|could) (?:we|i) (?!ask|talk|understand|check|clarify|hear|learn|dig|explore|go back)|\bhow about\b|\bwhat about (?:we|i|a|if)\b"
    r"|\bwhy don't (?:we|i)\b|\bwould (?:\w+ ){0,6}work for you\b|\bare you (?:free|around|available)\b|\blet's\b"
    r"|\bwould you like (?:me|us) to\b|\bwant me to\b"
)
# Words that point at what the buyer just said rather than at something new.
_POINTS_BACK = re.compile(r"\b(?:that|this|it|those|these|more|why|mean|meant|happened|example|say|said|so)\b")


@dataclass(frozen=True)
class Reading:
    move: Move
    topics: tuple[str, ...]  # topics the rep named, most words first
    follow_up: bool = False  # no topic named: the message points back at the buyer's last topic


def read(scenario: Scenario, rep_text: str, buyer_last: str, buyer_topic: str | None,
         signals: ReplySignals | None = None, *, analysed: bool = False) -> Reading:
    """What the rep did in `rep_text`, answering `buyer_last`, and which of the scenario's topics it was about.

    With `analysed`, `signals` are the message's signals already counted by the caller (None: it could
    not be scored), so the text is not analysed a second time."""
    move = read_move(rep_text, buyer_last, signals, analysed=analysed)
    named = _named_topics(scenario.topics, rep_text)
    if named:
        return Reading(move, named)
    said = normalise(rep_text)
    points_back = move == "acknowledged" or (move == "asked" and bool(_POINTS_BACK.search(said)))
    if points_back and buyer_topic:
        return Reading(move, (buyer_topic,), follow_up=True)
    return Reading(move, ())


def read_move(rep_text: str, buyer_last: str = "", signals: ReplySignals | None = None, *,
              analysed: bool = False) -> Move:
    """The move, from `signals` when the caller `analysed` the text (reply_analysis.MOVE_SIGNALS lists
    what is read here), else from a fresh extraction."""
    if analysed:
        if signals is None:  # the engine already refused unscorable text; read it as a statement
            return "told"
        s = signals
    else:
        try:
            s = extract_signals(rep_text, buyer_last)
        except Exception:  # noqa: BLE001 - the engine already refused unscorable text; read it as a statement
            return "told"
    acknowledged = (s.objection_acknowledgements or s.sympathy_phrases or s.feeling_reflections or s.validations
                    or s.restatements or s.patience_invites)
    # Product talk with nothing asked and nothing acknowledged is a pitch even without "our platform..."
    # ("the new app has fantastic features"); a question after "fair point on price" is not.
    if (s.pitch_statements and (s.product_pitch or not s.questions)) or (
            s.product_pitch and not s.questions and not acknowledged):
        return "pitched"
    if (s.next_steps and (s.suggestions or not s.questions)) or _PROPOSES.search(normalise(rep_text)):
        return "proposed"
    if s.questions:
        return "asked"
    if acknowledged or _ACKNOWLEDGES.search(normalise(rep_text)):
        return "acknowledged"
    return "told"


def _named_topics(topics: list[Topic], text: str) -> tuple[str, ...]:
    hits = [(weight(t.words, text), -i, t.id) for i, t in enumerate(topics)]
    return tuple(tid for count, _, tid in sorted(hits, reverse=True) if count)
