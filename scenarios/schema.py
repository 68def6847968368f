"""The scenario file format: what an enablement team writes in YAML.

A scenario names its target behaviors (ids from the scoring catalog), a buyer
persona with hidden facts the rep must earn, the topics the conversation can be
about (the words that name each, the buyer's answer to each rep move, the facts
behind it) and the topic-free lines for a message the buyer cannot place. How
those parts must fit together is checked in scenarios/topics.py; the buyer's
rules live in bot/practice/buyers/.
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


MOVES = ("asked", "acknowledged", "pitched", "proposed", "told")
"""What a rep's message can do, as the offline buyer reads it (bot/practice/buyers/offline_reading.py)."""


class MoveReplies(Strict):
    """What the buyer says when the rep's message did this move about the topic.

    Without a fresh line for the move, the buyer falls back to a topic-free line
    (reactions.pitch_pushback for a pitch, reactions.proposal for a next step, a
    nudge to its concern otherwise), never to another move's line."""

    asked: list[str] = Field(min_length=1, description="The rep asked about it")
    acknowledged: list[str] = Field(min_length=1, description="The rep acknowledged, empathised or paraphrased it")
    pitched: list[str] = Field(default_factory=list, description="The rep pitched product or price on it")
    proposed: list[str] = Field(default_factory=list, description="The rep proposed a next step on it")
    told: list[str] = Field(min_length=1, description="The rep explained, instructed or promised something on it")


class Topic(Strict):
    """Something the conversation can be about: the words that name it, the buyer's answers, the facts behind it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    words: list[str] = Field(min_length=1, description="Words and phrases a rep uses when talking about it")
    replies: MoveReplies
    facts: list[str] = Field(default_factory=list, description="Hidden fact ids that come out on this topic only")

    @field_validator("words")
    @classmethod
    def _real_words(cls, value: list[str]) -> list[str]:
        blank = [w for w in value if not w.strip()]
        if blank:
            raise ValueError("a topic word cannot be blank")
        return [w.strip().lower() for w in value]


class Reactions(Strict):
    """Lines that answer no topic: they must name nothing the rep may not have said."""

    unclear: list[str] = Field(min_length=2, description="In-character 'what do you mean?' for a message it cannot place")
    nudge: list[str] = Field(min_length=2, description="Back to the buyer's concern when the rep drifts off topic")
    pitch_pushback: list[str] = Field(min_length=1, description="A pitch about nothing the buyer raised")
    proposal: list[str] = Field(min_length=1, description="A next step the buyer has no line of its own for")
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
    topics: list[Topic] = Field(min_length=1, description="What the conversation can be about; the first is the concern")
    concern: str = Field(min_length=1, description="The topic id the opening line raises; nudges steer back to it")
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
    def _facts_use_known_behaviors(self) -> Scenario:
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
