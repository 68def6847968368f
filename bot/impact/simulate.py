"""Simulated programmes whose true effect is known, to check that the effect report recovers it.

Each rep has an ability per behavior. Every reassessment adds a retest gain
that both cohorts share (people get used to being assessed); practising reps
also gain the true effect, growing round by round until the last compared
round, where it is exactly `effects[behavior]`. Practice scores climb by the
same effect spread over the practice sessions, so the true per-session slope
is known too. Business figures follow behavior change loosely, so the outcome
correlation is positive but weak. Used by the tests, `benchmarks/impact_sim.py`
and `rehearse impact simulate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from bot.impact.cohorts import Candidate, assign_holdout, holdout_size
from bot.impact.effect import PRACTICE, CohortMember, OutcomeValue, Score

START = date(2026, 1, 5)


@dataclass(frozen=True)
class SimulatedProgramme:
    behaviors: tuple[str, ...]
    members: tuple[CohortMember, ...]
    assessments: tuple[Score, ...]
    practice: tuple[Score, ...]
    first_practice: Mapping[int, datetime]
    outcomes: tuple[OutcomeValue, ...]
    true_effect: Mapping[str, float]
    true_slope: Mapping[str, float]
    last_round: int
    start: date = START
    holdout_until: date | None = None
    seed: int = 0
    every_weeks: int = 4
    sessions_per_rep: int = 0
    person_ids: tuple[int, ...] = field(default=())


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def simulate(effects: Mapping[str, float], reps: int = 60, holdout_share: float = 0.2, rounds: int = 3,
             every_weeks: int = 4, sessions_per_week: int = 2, retest: float = 3.0, noise: float = 8.0,
             seed: int = 1, first_person_id: int = 1) -> SimulatedProgramme:
    """A programme of `reps` reps over `rounds` assessment rounds; `effects` maps behavior -> true points."""
    rng = np.random.default_rng(seed)
    behaviors = tuple(effects)
    ids = list(range(first_person_id, first_person_id + reps))
    holdout_weeks = every_weeks * (rounds - 1)
    holdout_until = START + timedelta(weeks=holdout_weeks) if holdout_size(reps, holdout_share) else None
    assigned = assign_holdout([Candidate(i, None) for i in ids], holdout_share, seed, START, holdout_until)
    members = tuple(CohortMember(a.person_id, a.cohort) for a in assigned)
    practising = {m.person_id for m in members if m.cohort == PRACTICE}
    ability = {(p, b): float(rng.normal(50, 12)) for p in ids for b in behaviors}

    weeks = holdout_weeks
    # Practice begins once the baseline round is over (one assessment a day), as the schedule gates it.
    first_day = len(behaviors)
    days = [START + timedelta(days=int(d)) for d in np.linspace(first_day, weeks * 7 - 1, sessions_per_week * weeks)]
    sessions = len(days)
    assessments: list[Score] = []
    practice: list[Score] = []
    first_practice: dict[int, datetime] = {}
    for p in ids:
        for r in range(rounds):
            day = START + timedelta(weeks=every_weeks * r)
            for i, b in enumerate(behaviors):
                gain = (retest if r else 0.0) + (effects[b] * r / (rounds - 1) if p in practising else 0.0)
                value = ability[(p, b)] + gain + rng.normal(0, noise)
                assessments.append(Score(p, b, float(np.clip(round(value), 0, 100)), _at(day + timedelta(days=i), 9), r))
        if p not in practising:
            continue
        for k, day in enumerate(days):
            b = behaviors[k % len(behaviors)]
            value = ability[(p, b)] + effects[b] * (k + 1) / sessions + rng.normal(0, noise)
            at = _at(day, 11)
            practice.append(Score(p, b, float(np.clip(round(value), 0, 100)), at))
            first_practice.setdefault(p, at)

    # Business figures: a quarter before and a quarter into the programme, moving a little with behavior.
    outcomes: list[OutcomeValue] = []
    mean_change = {p: 0.0 for p in ids}
    for s in assessments:
        if s.round == rounds - 1:
            mean_change[s.person_id] += (s.score - ability[(s.person_id, s.behavior)]) / len(behaviors)
    for p in ids:
        before = float(rng.normal(80, 5))
        outcomes.append(OutcomeValue(p, "2025-Q4", "csat", round(before, 1)))
        outcomes.append(OutcomeValue(p, "2026-Q1", "csat", round(before + 0.3 * mean_change[p] + rng.normal(0, 3), 1)))

    return SimulatedProgramme(
        behaviors=behaviors, members=members, assessments=tuple(assessments), practice=tuple(practice),
        first_practice=first_practice, outcomes=tuple(outcomes), true_effect=dict(effects),
        # Behaviors take turns, so each has sessions / len(behaviors) sessions sharing its whole effect.
        true_slope={b: effects[b] * len(behaviors) / sessions if sessions else 0.0 for b in behaviors},
        last_round=rounds - 1, holdout_until=holdout_until, seed=seed, every_weeks=every_weeks,
        sessions_per_rep=sessions, person_ids=tuple(ids),
    )
