"""The demo's simulated reps: how often they take a push, how fast they answer, how they talk."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from scenarios import yaml_text

LINES_FILE = Path(__file__).with_name("lines.yaml")


@dataclass(frozen=True)
class Habit:
    """One rep's practice habits. `skill` is the chance a reply shows the behavior; it grows by `learning`
    per finished session, so the digest has real trends to find."""

    name: str
    tz: str
    takes_push: float  # chance a push is taken at all
    reply_after_h: float  # typical hours between the push and the first reply
    skill: float
    learning: float
    weak_on: str | None = None  # a behavior this rep is clearly worse at
    turns: int = 3
    stops_after_week: int | None = None  # stops practising after this week


DEMO_TEAM: tuple[Habit, ...] = (
    Habit("Ana Ruiz", "Europe/London", 0.95, 1.0, 0.35, 0.06),  # the steady improver
    Habit("Ben Okafor", "America/New_York", 0.9, 2.0, 0.85, 0.0),  # strong already
    Habit("Chloé Martin", "Europe/Paris", 0.9, 3.0, 0.6, 0.03, weak_on="empathy"),
    Habit("Dev Patel", "Asia/Kolkata", 0.5, 20.0, 0.5, 0.04),  # behind cadence
    Habit("Emma Larsen", "Europe/Oslo", 0.9, 1.5, 0.25, 0.1),  # the fast learner
    Habit("Farid Haddad", "America/Chicago", 0.85, 4.0, 0.55, 0.02, stops_after_week=3),  # stopped
    Habit("Grace Kim", "America/Los_Angeles", 0.8, 2.0, 0.45, 0.03, turns=2),
    Habit("Hugo Silva", "Europe/Lisbon", 0.9, 1.0, 0.7, 0.02, weak_on="business_impact_first"),
)


@lru_cache(maxsize=1)
def phrase_bank() -> dict[str, dict[str, list[str]]]:
    return yaml_text.load(LINES_FILE.read_text(encoding="utf-8"))


def reply_for(habit: Habit, behaviors: list[str], sessions_done: int, turn: int, rng: random.Random) -> str:
    """What this rep says on this turn: a line that shows a target behavior, or their old habit."""
    bank = phrase_bank()
    behavior = behaviors[turn % len(behaviors)]
    lines = bank.get(behavior) or bank["open_question"]
    skill = habit.skill + habit.learning * sessions_done - (0.3 if behavior == habit.weak_on else 0.0)
    kind = "good" if rng.random() < min(max(skill, 0.05), 0.95) else "weak"
    return rng.choice(lines[kind])
