"""The behavior catalog: load scoring/behaviors.yaml into validated models.

Behaviors are data. Adding one means adding a YAML entry whose `weights` name
signals from scoring.signals.ReplySignals; no new code branch is needed unless
it needs a new signal or a new session aggregation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scoring.signals import SIGNAL_NAMES
from scoring.types import UnknownBehavior

CATALOG_PATH = Path(__file__).with_name("behaviors.yaml")

SessionRule = Literal["peak", "mean", "order", "first_fix", "closing", "present"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RubricLevel(_Model):
    """One rung of the 0-4 rubric, with an example reply at that level."""

    level: int = Field(ge=0, le=4)
    description: str = Field(min_length=3)
    example: str = Field(min_length=1)


class Weight(_Model):
    """How one signal moves the score: `weight` when the signal reaches `full` (linear below)."""

    weight: float
    full: float = Field(1.0, gt=0)


class Rewrite(_Model):
    """How to turn one of the rep's own sentences into one that shows the behavior."""

    prefix: str = ""
    suffix: str = ""
    replace: dict[str, str] = Field(default_factory=dict)  # lower-case phrase -> better phrase
    pick: list[str] = Field(default_factory=list)  # signals whose sentences to rewrite first


class FeedbackText(_Model):
    went_well: str
    went_well_none: str
    try_next: str
    try_next_done: str
    rewrite: Rewrite = Rewrite()


class Behavior(_Model):
    """A named, observable behavior: what it is, how it is scored, what a coach says."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]+$")
    name: str
    definition: str
    looks_like: str
    rubric: list[RubricLevel] = Field(min_length=5, max_length=5)
    signals: list[str] = Field(min_length=1)
    weights: dict[str, Weight]
    bias: float = 0.0
    threshold: int = Field(50, ge=1, le=100)
    session: SessionRule = "peak"
    evidence: list[str] = Field(default_factory=list)  # signals whose sentences are quoted
    feedback: FeedbackText
    aliases: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _signals_cover_weights(cls, data: object) -> object:
        # `signals` lists what the behavior uses (for the judge's prompt); weighted signals are always in it.
        if isinstance(data, dict):
            listed = list(data.get("signals") or [])
            for name in data.get("weights") or {}:
                if name not in listed:
                    listed.append(name)
            data = {**data, "signals": listed}
        return data

    @field_validator("signals")
    @classmethod
    def _known_signals(cls, value: list[str]) -> list[str]:
        unknown = [s for s in value if s not in SIGNAL_NAMES]
        if unknown:
            raise ValueError(f"unknown signal(s): {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Behavior:
        unknown = [s for s in (*self.weights, *self.evidence) if s not in SIGNAL_NAMES]
        if unknown:
            raise ValueError(f"{self.id}: weights/evidence name unknown signal(s): {', '.join(unknown)}")
        if [r.level for r in self.rubric] != [0, 1, 2, 3, 4]:
            raise ValueError(f"{self.id}: rubric levels must be 0,1,2,3,4 in order")
        return self

    @property
    def evidence_signals(self) -> list[str]:
        return self.evidence or [s for s, w in self.weights.items() if w.weight > 0]


class Catalog(_Model):
    behaviors: list[Behavior]


@lru_cache(maxsize=1)
def _load() -> dict[str, Behavior]:
    # Our own file, read here rather than through scenarios' YAML helper so scoring imports nothing from
    # scenarios; libyaml's safe loader when PyYAML has it, as there.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(CATALOG_PATH.read_text(encoding="utf-8"), Loader=loader)
    catalog = Catalog.model_validate(raw)
    by_id: dict[str, Behavior] = {}
    for b in catalog.behaviors:
        if b.id in by_id:
            raise ValueError(f"behavior '{b.id}' is defined twice in {CATALOG_PATH.name}")
        by_id[b.id] = b
    return by_id


def all_behaviors() -> list[Behavior]:
    """Every behavior in the catalog, in file order."""
    return list(_load().values())


def get_behavior(behavior_id: str) -> Behavior:
    """The behavior with this id (or alias); raises UnknownBehavior."""
    by_id = _load()
    if not isinstance(behavior_id, str):
        raise UnknownBehavior(str(behavior_id))
    key = behavior_id.strip().lower()
    if key in by_id:
        return by_id[key]
    for b in by_id.values():
        if key in b.aliases:
            return b
    raise UnknownBehavior(behavior_id)
