"""Who practises and who is held out: a seeded random holdout, or a start staggered by team.

Pure and reproducible: the same people, share and seed always give the same
holdout, so the choice can be replayed from the recorded seed and explained.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

PRACTICE, HOLDOUT = "practice", "holdout"
MAX_SEED = 2**31 - 1  # the seed is stored in a 32-bit integer column


@dataclass(frozen=True)
class Candidate:
    """A rep who can join a programme, with the team they are on now."""

    person_id: int
    team_id: int | None


@dataclass(frozen=True)
class Assignment:
    """A rep's cohort and the first day they may practise."""

    person_id: int
    team_id: int | None
    cohort: str
    practice_from: date


def new_seed() -> int:
    """A fresh seed for when enablement gives none; it is recorded with the programme."""
    return random.SystemRandom().randrange(1, MAX_SEED)


def holdout_size(n: int, share: float) -> int:
    """How many of `n` reps a share holds out: rounded half up, and never the whole team."""
    if n < 2 or share <= 0:
        return 0
    return min(int(n * share + 0.5), n - 1)


def assign_holdout(candidates: Iterable[Candidate], share: float, seed: int, start: date,
                   holdout_until: date | None) -> list[Assignment]:
    """Hold out `share` of the reps at random with `random.Random(seed)`; the rest practise from `start`.

    People are sorted by id before sampling so the result does not depend on the order they came in."""
    people = sorted(candidates, key=lambda c: c.person_id)
    k = holdout_size(len(people), share)
    held = set(random.Random(seed).sample([c.person_id for c in people], k)) if k else set()
    if held and holdout_until is None:
        raise ValueError("a holdout needs the date it ends")
    return [Assignment(c.person_id, c.team_id, HOLDOUT if c.person_id in held else PRACTICE,
                       holdout_until if c.person_id in held and holdout_until else start)
            for c in people]


def assign_stagger(candidates: Iterable[Candidate], waves: Mapping[int, int], start: date) -> list[Assignment]:
    """Staggered start: each team starts practice `waves[team]` weeks after `start`.

    Teams that start later are the holdout until their wave begins (a stepped-wedge design)."""
    out = []
    for c in sorted(candidates, key=lambda c: c.person_id):
        weeks = waves.get(c.team_id, 0) if c.team_id is not None else 0
        out.append(Assignment(c.person_id, c.team_id, HOLDOUT if weeks > 0 else PRACTICE,
                              start + timedelta(weeks=weeks)))
    return out


def holdout_reason(cohort: str, practice_from: date, share: float, seed: int, staggered: bool,
                   team_name: str | None = None) -> str:
    """Why this rep is where they are, in words a manager can pass on."""
    if cohort == PRACTICE:
        return f"practising from {practice_from.isoformat()}"
    if staggered:
        team = f"team {team_name}" if team_name else "their team"
        return f"{team} starts practice later, on {practice_from.isoformat()} (staggered start)"
    return (f"picked at random for the {share:.0%} holdout (seed {seed}); "
            f"joins practice on {practice_from.isoformat()}")
