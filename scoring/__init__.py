"""Scoring: the behavior catalog, signal extraction and the offline scorer.

Pure functions over text; no storage, platform or network imports. The public
surface (kept stable for the practice engine, the virtual buyer, the LLM judge
and `rehearse score`):

- score_reply(behavior, text, context="") -> BehaviorScore
- score_session(behaviors, turns) -> list[BehaviorScore]
- get_behavior(id) -> Behavior, all_behaviors() -> list[Behavior]
- extract_signals(text, context="") -> ReplySignals (dataclasses.asdict-able)
- is_product_pitch(text) -> bool
"""

from __future__ import annotations

from scoring.catalog import Behavior, RubricLevel, all_behaviors, get_behavior
from scoring.scorer import score_reply
from scoring.session import score_session
from scoring.signals import ReplySignals, extract_signals, is_product_pitch
from scoring.types import (
    BehaviorScore,
    Delivery,
    Feedback,
    InvalidReply,
    Turn,
    UnknownBehavior,
)

__all__ = [
    "Behavior",
    "BehaviorScore",
    "Delivery",
    "Feedback",
    "InvalidReply",
    "ReplySignals",
    "RubricLevel",
    "Turn",
    "UnknownBehavior",
    "all_behaviors",
    "extract_signals",
    "get_behavior",
    "is_product_pitch",
    "score_reply",
    "score_session",
]
