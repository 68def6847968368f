"""The digest as data: what compose produces and every renderer (chat, text, JSON, HTML, chart) reads.

Pydantic models so a digest can be stored as JSON in `DigestRecord.payload`
and read back exactly (the "Open the full report" button renders the stored one).
A missing figure is `None`, never 0: "no sessions" and "a score of 0" are different facts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

MIN_TREND_SESSIONS = 3  # fewer points than this and a slope is noise, so we don't show one


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Slope(_Frozen):
    """Least-squares change in score per session (points on the 0–100 scale), with what it rests on."""

    per_session: float | None  # None: not enough sessions
    stderr: float | None
    sessions: int
    reps: int = 1

    @property
    def rising(self) -> bool:
        """Up by more than its own standard error, i.e. not just noise."""
        return self.per_session is not None and self.per_session - (self.stderr or 0.0) > 0

    @property
    def falling(self) -> bool:
        return self.per_session is not None and self.per_session + (self.stderr or 0.0) < 0

    def label(self) -> str:
        if self.per_session is None:
            return f"not enough sessions (n={self.sessions}, need {MIN_TREND_SESSIONS})"
        spread = f" ±{self.stderr:.1f}" if self.stderr is not None else ""
        who = f", {self.reps} reps" if self.reps > 1 else ""
        return f"{self.per_session:+.1f}{spread} pts/session (n={self.sessions}{who})"


class BehaviorFigures(_Frozen):
    """A behavior's mean this period and last, and its slope over the trend window."""

    behavior: str
    name: str
    mean: float | None
    n: int
    previous: float | None
    previous_n: int
    slope: Slope

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous is None:
            return None
        return self.mean - self.previous

    def mean_label(self) -> str:
        return "no sessions" if self.mean is None else f"{self.mean:.0f}"

    def change_label(self) -> str:
        change = self.change
        if change is None:
            return "new this period" if self.mean is not None else "–"
        arrow = "▲" if change >= 1 else "▼" if change <= -1 else "▶"
        return f"{arrow} {round(change):+d} vs {self.previous:.0f}"  # round() first: never "-0"


class TeamBehavior(BehaviorFigures):
    series: list[float | None]  # team mean per trend period, oldest first; None where nobody was scored
    reps_scored: int  # reps with at least one score on it this period


class Reinforcement(_Frozen):
    behavior: str
    name: str
    reason: str


class CoachingAction(_Frozen):
    behavior: str | None
    text: str


Status = Literal["on_cadence", "behind", "not_practised", "no_cadence", "snoozed"]


class RepSummary(_Frozen):
    person_id: int
    name: str
    sessions: int
    expected: int | None
    missed: int
    status: Status
    status_label: str
    behaviors: list[BehaviorFigures]
    reinforcement: Reinforcement | None
    action: CoachingAction

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name


class ScenarioSuggestion(_Frozen):
    id: str
    title: str
    behavior: str
    behavior_name: str
    minutes: int


class DigestData(_Frozen):
    manager_id: int
    manager_name: str
    period_start: date
    period_end: date
    period_label: str
    in_progress: bool
    trend_starts: list[date]  # first day of each trend period, oldest first (the last is this period)
    generated_at: datetime
    reps: list[RepSummary]
    behaviors: list[TeamBehavior]
    focus: ScenarioSuggestion | None
    headline: str

    @property
    def not_practised(self) -> list[RepSummary]:
        return [r for r in self.reps if r.status == "not_practised"]

    @property
    def needs_reinforcement(self) -> list[RepSummary]:
        return [r for r in self.reps if r.reinforcement is not None]
