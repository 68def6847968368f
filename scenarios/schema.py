"""The scenario file format: what an enablement team writes in YAML.

A scenario names its target behaviors (ids from the scoring catalog), a buyer
persona with hidden facts the rep must earn, and the reactions the offline
buyer draws on. Content is data; the buyer's rules live in bot/practice/buyers/.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voice(Strict):
    """How the buyer sounds in voice notes (eSpeak NG or a cloud voice)."""

    gender: Literal["female", "male"] = "female"
    words_per_minute: int = Field(165, ge=80, le=260)
    pitch: int = Field(50, ge=0, le=99)


class Persona(Strict):
    name: str = Field(min_length=1)
    role: str = Field(min_length=1)
    company: str = Field(min_length=1)
    mood: str = "neutral"
    background: str = ""
    goals: list[str] = Field(default_factory=list)
    voice: Voice = Voice()


class HiddenFact(Strict):
    """Something the buyer only says once the rep earns it with one of `unlocked_by`."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    fact: str = Field(min_length=1, description="What the buyer says when revealing it")
    unlocked_by: list[str] = Field(min_length=1, description="Behavior ids that earn it")


class Reactions(Strict):
    """Lines the offline buyer picks from, by how the rep's last reply landed."""

    guarded: list[str] = Field(min_length=1, description="The rep pitched or missed the behavior")
    warming: list[str] = Field(min_length=1, description="Partly there: e.g. a question, but not the target")
    opened: list[str] = Field(min_length=1, description="Every fact is out and the rep keeps it up")
    pitch_pushback: list[str] = Field(default_factory=list, description="The rep talked product or price too early")
    closing: str = Field(min_length=1, description="The buyer's last line when turns run out")


class Scenario(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,99}$")
    version: int = Field(1, ge=1)
    kind: Literal["practice", "assessment"] = "practice"
    title: str = Field(min_length=3)
    skill_area: str = Field(min_length=2)
    behaviors: list[str] = Field(min_length=1, description="Target behavior ids, most important first")
    summary: str = Field(min_length=3, description="The rep's brief: who, what, why")
    persona: Persona
    opening_line: str = Field(min_length=1)
    hidden_facts: list[HiddenFact] = Field(default_factory=list)
    reactions: Reactions
    max_turns: int = Field(6, ge=2, le=20)
    expected_minutes: int = Field(10, ge=3, le=30)
    tags: list[str] = Field(default_factory=list)

    @field_validator("behaviors")
    @classmethod
    def _known_behaviors(cls, value: list[str]) -> list[str]:
        known = known_behavior_ids()
        unknown = [b for b in value if b not in known]
        if unknown:
            raise ValueError(f"unknown behavior id(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return value

    @model_validator(mode="after")
    def _facts_use_known_behaviors(self) -> "Scenario":
        known = known_behavior_ids()
        for fact in self.hidden_facts:
            for b in fact.unlocked_by:
                if b not in known:
                    raise ValueError(f"hidden fact '{fact.id}' is unlocked by unknown behavior '{b}'")
        return self

    @property
    def primary_behavior(self) -> str:
        return self.behaviors[0]


def known_behavior_ids() -> set[str]:
    from scoring import all_behaviors

    return {b.id for b in all_behaviors()}
