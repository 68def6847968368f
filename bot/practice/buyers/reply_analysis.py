"""One analysis of the rep's message per buyer turn: what it did (the move) and which behaviors it shows.

The offline buyer used to read a message twice: `extract_signals` (every signal)
for the move, then `score_reply` once per behavior that could unlock a fact, each
re-analysing the text and building the full scorecard feedback only to read
`detected`. That was about a third of a turn's CPU (py-spy on
benchmarks/turn_floor.py, issue #26). Here the text is analysed once, for just
the signals the move and this scenario's unlocking behaviors read, and a
behavior is "shown" by the scorer's own arithmetic (catalog score, gaming
penalties, well-formedness gate) without feedback.

`shows` must agree with `score_reply(...).detected` for every reply and
behavior: tests/core/test_buyer_reads_once.py holds that, so a change to the
scorer's detection shows up there rather than as a buyer that reveals facts the
scorecard would not credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from scoring import ReplySignals, get_behavior
from scoring.scorer import gated_score, needed_for
from scoring.signals import Analysis, analyse, expand_needed
from scoring.types import InvalidReply

# The signals offline_reading.read_move reads; keep in step with it.
MOVE_SIGNALS = frozenset({
    "objection_acknowledgements", "sympathy_phrases", "feeling_reflections", "validations", "restatements",
    "patience_invites", "pitch_statements", "product_pitch", "questions", "next_steps", "suggestions",
})


def unlockers(facts: Iterable[Iterable[str]]) -> frozenset[str]:
    """Every behavior id that unlocks any of these facts (each given as its `unlocked_by`)."""
    return frozenset(b for unlocked_by in facts for b in unlocked_by)


@lru_cache(maxsize=256)  # keyed by a scenario's set of unlocking behaviors: a handful per library
def needed(behaviors: frozenset[str]) -> frozenset[str] | None:
    """The signals to compute for the move and for deciding each of `behaviors`; None means all of them."""
    wanted = set(expand_needed(MOVE_SIGNALS) or ())
    for behavior in behaviors:
        signals = needed_for(get_behavior(behavior))
        if signals is None:
            return None
        wanted |= signals
    return frozenset(wanted)


def analysed(rep_text: str, buyer_last: str, behaviors: frozenset[str]) -> Analysis | None:
    """The rep's message analysed once against the buyer's last line; None when it cannot be scored (the
    engine already told the rep, so the buyer reads it as a plain statement that shows nothing)."""
    try:
        return analyse(rep_text, buyer_last, needed(behaviors))
    except InvalidReply:
        return None


def signals_of(analysis: Analysis | None) -> ReplySignals | None:
    return analysis.signals if analysis is not None else None


def shows(behavior_id: str, analysis: Analysis | None) -> bool:
    """Whether the analysed message shows the behavior, exactly as `score_reply(...).detected` decides it."""
    if analysis is None:
        return False
    behavior = get_behavior(behavior_id)
    score, _ = gated_score(behavior, analysis)
    return score >= behavior.threshold
