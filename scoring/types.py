"""Values that cross the scoring boundary: what goes in (turns) and what comes out (scores).

Everything here is plain data so that the core, the LLM judge, storage and the
`rehearse score` CLI can share one shape without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Speaker = Literal["rep", "buyer"]


@dataclass(frozen=True)
class Delivery:
    """How a spoken reply sounded; filled by the voice pipeline, None for typed replies."""

    duration_s: float
    words_per_minute: float
    pause_count: int
    longest_pause_s: float
    silence_share: float
    filler_count: int
    fillers: tuple[str, ...] = ()
    pitch_variation_st: float | None = None  # semitones, std-dev of voiced pitch
    loudness_dbfs: float | None = None


@dataclass(frozen=True)
class Turn:
    """One line of a practice conversation."""

    speaker: Speaker
    text: str
    latency_s: float | None = None  # rep turns: seconds since the buyer's previous line
    delivery: Delivery | None = None


@dataclass(frozen=True)
class Feedback:
    """What a coach would say: one thing that went well, one to try next, a rewrite."""

    went_well: str
    try_next: str
    rewrite: str | None = None


@dataclass(frozen=True)
class Setting:
    """What the conversation is, so feedback fits it: a sales call or a service call, and its own details.

    `goal` is the customer's first goal in their own terms ("get back online today"); a rewrite uses it
    instead of a generic line. The default is a sales call with no details (the catalog's own templates)."""

    kind: Literal["sales", "service"] = "sales"
    goal: str = ""


@dataclass(frozen=True)
class BehaviorScore:
    """The verdict on one behavior for one reply or one whole session."""

    behavior: str
    score: int  # 0-100
    detected: bool
    evidence: tuple[str, ...]  # verbatim quotes from the rep's own words
    feedback: Feedback
    level: int = 0  # rubric level 0-4
    confidence: float = 1.0
    engine: str = "offline"
    signals: dict[str, float] = field(default_factory=dict)
    reason: str | None = None  # why a reply with the behavior's words did not count (scoring.wellformed)


class UnknownBehavior(KeyError):
    """Raised when a behavior id is not in the catalog."""

    def __init__(self, behavior: str) -> None:
        super().__init__(behavior)
        self.behavior = behavior

    def __str__(self) -> str:
        return f"unknown behavior '{self.behavior}'"


class InvalidReply(ValueError):
    """Raised for a reply that cannot be scored (empty, binary junk, oversize)."""
