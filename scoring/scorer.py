"""The offline scorer: one reply's signals -> a 0-100 score for one behavior.

The arithmetic is the catalog's (weights per signal, bias, threshold); this
module adds only what every behavior shares: penalties for gaming, rubric level,
confidence and verbatim evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from scoring.catalog import Behavior, get_behavior
from scoring.feedback import build_feedback
from scoring.signals import Analysis, ReplySignals, analyse, expand_needed
from scoring.types import BehaviorScore
from scoring.wellformed import gate, stock_only

MAX_EVIDENCE = 3

# Gaming penalties (raw units; 1.0 = 100 points). Each is small on its own so an
# honest reply with one slip still scores, but stuffing or instructing the scorer
# always lands below the same reply without it.
INJECTION_PENALTY = 0.5
REPEAT_PENALTY = 0.12  # per repeated sentence, up to 3
PHRASE_STUFFING_PENALTY = 0.04  # per repeated 4-word phrase, up to 10
STUFFING_SHARE_FREE = 0.15  # a reply may repeat a phrase or two; beyond this share it is stuffing
STUFFING_SHARE_PENALTY = 1.5  # per unit of share above that: half the reply repeated costs ~50 points
QUESTION_BARRAGE_FREE = 3  # more questions than this in one reply is an interrogation
QUESTION_BARRAGE_PENALTY = 0.08


def raw_score(behavior: Behavior, sig: ReplySignals) -> float:
    """The catalog's linear score in raw units, before penalties."""
    total = behavior.bias
    for name, w in behavior.weights.items():
        value = float(getattr(sig, name))
        total += w.weight * min(max(value, 0.0) / w.full, 1.0)
    return total


def gaming_penalty(sig: ReplySignals) -> float:
    """What gaming costs, whatever the behavior."""
    penalty = 0.0
    if sig.injection_attempts:
        penalty += INJECTION_PENALTY
    penalty += REPEAT_PENALTY * min(sig.repeated_sentences, 3)
    penalty += PHRASE_STUFFING_PENALTY * min(sig.repeated_phrases, 10)
    if sig.repetition_share > STUFFING_SHARE_FREE:
        penalty += STUFFING_SHARE_PENALTY * (sig.repetition_share - STUFFING_SHARE_FREE)
    penalty += QUESTION_BARRAGE_PENALTY * min(barrage_questions(sig), 5)
    return penalty


def barrage_questions(sig: ReplySignals) -> int:
    """Questions beyond the free few, in a reply that is mostly questions; 0 otherwise.

    An interrogation is a row of questions with nothing between them. A long reply that tells its own
    story and asks along the way (EPITOME's peer supporters: six questions among fifteen sentences)
    is not one, and was sinking below detection for open_question on that count alone.
    """
    if sig.questions <= QUESTION_BARRAGE_FREE or sig.questions * 2 <= sig.sentences:
        return 0
    return sig.questions - QUESTION_BARRAGE_FREE


def to_score(raw: float) -> int:
    return round(min(max(raw, 0.0), 1.0) * 100)


def level_of(score: int) -> int:
    """Rubric level 0-4 from the score, in even bands of 20 points."""
    return min(score // 20, 4)


def confidence_of(score: int, threshold: int) -> float:
    """How far the score sits from the detection threshold, as 0.5-1.0."""
    return round(min(1.0, 0.5 + abs(score - threshold) / 100), 2)


def evidence_for(behavior: Behavior, analysis: Analysis) -> tuple[str, ...]:
    """Verbatim sentences from the rep's reply that show the behavior."""
    quotes = analysis.quotes(behavior.evidence_signals)
    if not quotes and behavior.id == "concise" and analysis.sentences and analysis.signals.excess_words == 0:
        quotes = [analysis.sentences[0].text]  # a short reply is its own evidence
    injected = set(analysis.hits.get("injection_attempts", []))
    quotes = [q for q in quotes if not any(analysis.sentences[i].text == q for i in injected)]
    return tuple(quotes[:MAX_EVIDENCE])


def gated_score(behavior: Behavior, analysis: Analysis, extra_penalty: float = 0.0) -> tuple[int, str | None]:
    """The 0-100 score and, when the well-formedness gate caught the reply, why: all `detected` needs."""
    sig = analysis.signals
    score = to_score(raw_score(behavior, sig) - gaming_penalty(sig) - extra_penalty)
    reason = gate(behavior.id, analysis) if score > 0 else None
    if reason:
        # A frame without content never counts, and lands below nearly any honest attempt (issue 16:
        # an honest reassurance scored 0, so a gated reply left at half the threshold could outscore one).
        score = min(score, behavior.threshold // 10)
    elif stock_only(behavior.id, analysis):
        score = min(score, behavior.threshold)  # counts, but never above a reply that names something of theirs
    return score, reason


@dataclass(frozen=True)
class Verdict:
    """One reply's verdict on one behavior without its coaching feedback: what a session's aggregate reads.

    A session card writes its own feedback once, from the whole session; building each turn's feedback
    only to drop it was a third of a `done` scorecard's CPU (issue #26)."""

    score: int
    detected: bool
    evidence: tuple[str, ...]
    signals: dict[str, float]
    reason: str | None


def verdict_of(behavior: Behavior, analysis: Analysis, extra_penalty: float = 0.0) -> Verdict:
    """Score an analysed reply for one behavior, without feedback."""
    score, reason = gated_score(behavior, analysis, extra_penalty)
    evidence = evidence_for(behavior, analysis) if score > 0 and not reason else ()
    used = {name: float(getattr(analysis.signals, name)) for name in behavior.signals}
    return Verdict(score, score >= behavior.threshold, evidence, used, reason)


def score_analysis(behavior: Behavior, analysis: Analysis) -> BehaviorScore:
    """Score an analysed reply for one behavior, with its coaching feedback."""
    verdict = verdict_of(behavior, analysis)
    notes = (verdict.reason,) if verdict.reason else ()
    return BehaviorScore(
        behavior=behavior.id,
        score=verdict.score,
        detected=verdict.detected,
        evidence=verdict.evidence,
        feedback=build_feedback(behavior, analysis, verdict.detected, verdict.evidence, notes),
        level=level_of(verdict.score),
        confidence=confidence_of(verdict.score, behavior.threshold),
        engine="offline",
        signals=verdict.signals,
        reason=verdict.reason,
    )


def score_reply(behavior: str, text: str, context: str = "") -> BehaviorScore:
    """Score one reply for one behavior; `context` is the other side's previous line.

    Raises UnknownBehavior for an id not in the catalog and InvalidReply for
    text that cannot be scored (empty, binary, oversize).
    """
    b = get_behavior(behavior)
    return score_analysis(b, analyse(text, context, needed_for(b)))


@cache
def _needed(behavior_id: str) -> frozenset[str] | None:
    b = get_behavior(behavior_id)
    return expand_needed([*b.signals, *b.evidence_signals, *b.feedback.rewrite.pick])


def needed_for(behavior: Behavior) -> frozenset[str] | None:
    """Only the signals this behavior reads (plus gaming checks): a several-fold speed-up per reply."""
    return _needed(behavior.id)
