"""Which scenario a push carries: spaced repetition over behaviors, never the same scenario twice running.

Each behavior a rep is coached on has a state built from their score history:
how strong it is (a moving average of scores), when it was last practised and,
once mastered, when it is due again. A behavior scored at or above MASTERED is
mastered for a while, and each further mastered session doubles the wait
(7, 14, 28... days), so it returns at growing intervals. Among the behaviors
that are due, the weakest and least recently practised comes first; the
scenario is the least recently used one that targets it, never the last one.
Pure: the caller hands in the history, the options and the time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MASTERED = 80  # a score at or above this counts as a mastered session
BASE_INTERVAL = timedelta(days=7)  # first wait after mastering a behavior
MAX_INTERVAL = timedelta(days=90)
STALE_AFTER = timedelta(days=14)  # staleness saturates after this long
ALPHA = 0.5  # weight of the newest score in the moving average


@dataclass(frozen=True)
class ScenarioOption:
    id: str
    behaviors: tuple[str, ...]  # most important first: behaviors[0] is the one it targets

    @property
    def target(self) -> str:
        return self.behaviors[0]


@dataclass(frozen=True)
class ScoreEvent:
    behavior: str
    score: int
    at: datetime


@dataclass(frozen=True)
class BehaviorState:
    behavior: str
    strength: float | None  # moving average 0-100; None when never practised
    last_practised: datetime | None
    streak: int  # consecutive latest sessions at or above MASTERED
    due_at: datetime | None  # None: due now (weak or never practised)

    def is_due(self, now: datetime) -> bool:
        return self.due_at is None or self.due_at <= now

    def priority(self, now: datetime) -> float:
        """Higher first: weakness (0-1) plus staleness (0-1). Unknown strength counts as middling."""
        weakness = 0.5 if self.strength is None else (100.0 - self.strength) / 100.0
        if self.last_practised is None:
            staleness = 1.0
        else:
            staleness = min((now - self.last_practised) / STALE_AFTER, 1.0)
        return weakness + staleness


def behavior_states(history: Iterable[ScoreEvent], behaviors: Iterable[str]) -> dict[str, BehaviorState]:
    by_behavior: dict[str, list[ScoreEvent]] = {b: [] for b in behaviors}
    for event in history:
        if event.behavior in by_behavior:
            by_behavior[event.behavior].append(event)
    states: dict[str, BehaviorState] = {}
    for behavior, events in by_behavior.items():
        events.sort(key=lambda e: e.at)
        strength: float | None = None
        streak = 0
        for e in events:
            strength = float(e.score) if strength is None else (1 - ALPHA) * strength + ALPHA * e.score
            streak = streak + 1 if e.score >= MASTERED else 0
        last = events[-1].at if events else None
        due = None
        if streak and last is not None:
            due = last + min(BASE_INTERVAL * 2 ** (streak - 1), MAX_INTERVAL)
        states[behavior] = BehaviorState(behavior, strength, last, streak, due)
    return states


def pick_scenario(
    options: Sequence[ScenarioOption],
    history: Iterable[ScoreEvent],
    recent_scenarios: Sequence[str],
    now: datetime,
    focus: Sequence[str] = (),
) -> str | None:
    """The next scenario id for a rep, or None when there are no options.

    `recent_scenarios` is the rep's scenario ids newest first; `focus` narrows the behaviors
    (the cadence's list). The last scenario is never picked again unless it is the only option."""
    if not options:
        return None
    pool = [o for o in options if not focus or o.target in focus] or \
           [o for o in options if any(b in focus for b in o.behaviors)] or list(options)
    last = recent_scenarios[0] if recent_scenarios else None
    fresh = [o for o in pool if o.id != last] or pool
    states = behavior_states(history, {o.target for o in fresh})
    recency = {scenario_id: i for i, scenario_id in reversed(list(enumerate(recent_scenarios)))}
    never = len(recent_scenarios) + 1
    # How long ago each behavior was last offered (scored or not): breaks ties, so a rep who lets
    # pushes lapse still sees the behaviors take turns.
    offered = {b: min((recency.get(o.id, never) for o in pool if o.target == b), default=never) for b in states}
    due = [s for s in states.values() if s.is_due(now)]
    if due:
        ranked = sorted(due, key=lambda s: (-s.priority(now), -offered[s.behavior], s.behavior))
    else:  # everything mastered and resting: the one whose rest ends first
        ranked = sorted(states.values(), key=lambda s: (s.due_at, -offered[s.behavior], s.behavior))
    target = ranked[0].behavior
    candidates = [o for o in fresh if o.target == target]
    # Least recently used first (never used ranks oldest), then by id for a stable answer.
    return min(candidates, key=lambda o: (-recency.get(o.id, never), o.id)).id
