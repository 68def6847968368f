"""What each report page shows: frozen values the web adapter renders and nothing more.

The figures are the digest's own (`DigestData`, `EnablementDigest`): a page adds the
sessions behind them, each session's scorecard and transcript, and the words a chart
needs to be read without seeing it (its text alternative and its table fallback).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.digests.enablement import EnablementDigest
from bot.digests.model import DigestData, RepSummary


@dataclass(frozen=True)
class ScoreLine:
    """One behavior of a session's scorecard, as the chat scorecard shows it."""

    behavior: str
    name: str
    score: int
    detected: bool
    evidence: tuple[str, ...]
    went_well: str | None
    try_next: str | None
    rewrite: str | None


@dataclass(frozen=True)
class SessionRow:
    id: str
    scenario_title: str
    state: str
    when: datetime  # finished, else offered (UTC)
    scores: tuple[ScoreLine, ...]

    @property
    def state_label(self) -> str:
        return {"finished": "scored", "abandoned": "skipped", "expired": "expired"}.get(self.state, self.state)


@dataclass(frozen=True)
class TranscriptLine:
    speaker: str  # "rep" or "buyer"
    text: str | None  # None: blanked by transcript retention


@dataclass(frozen=True)
class SeriesRow:
    """One line of the chart as a table row: a behavior's value per period (None: no scores)."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartText:
    """What a chart says, for people who cannot see it: one sentence, and the table it was drawn from."""

    alt: str
    periods: tuple[str, ...]
    rows: tuple[SeriesRow, ...]


@dataclass(frozen=True)
class ManagerPage:
    data: DigestData
    chart_text: ChartText  # the chart itself is its own request (chart.png)


@dataclass(frozen=True)
class RepPage:
    """One rep in one period, opened from their manager's report."""

    data: DigestData
    rep: RepSummary
    sessions: tuple[SessionRow, ...]


@dataclass(frozen=True)
class HistoryPage:
    """A rep's own history: their trend per behavior and every session with its scorecard."""

    name: str
    data: DigestData  # their own figures over the trend window (one rep: themself)
    rep: RepSummary
    chart: bytes
    chart_text: ChartText
    sessions: tuple[SessionRow, ...]


@dataclass(frozen=True)
class SessionPage:
    rep_name: str
    session: SessionRow
    transcript: tuple[TranscriptLine, ...]
    transcript_note: str | None  # why there is no transcript, or part of it is gone
    own: bool  # the rep's own session (they may share it with their manager)
    shared: bool


@dataclass(frozen=True)
class EnablementPage:
    digest: EnablementDigest


def score_line(behavior: str, name: str, score: int, detected: bool, evidence: Sequence[str],
               feedback: Mapping[str, Any]) -> ScoreLine:
    def text(key: str) -> str | None:
        value = feedback.get(key)
        return str(value) if value else None

    return ScoreLine(behavior, name, score, detected, tuple(str(e) for e in evidence), text("went_well"),
                     text("try_next"), text("rewrite"))


def chart_text(data: DigestData, whose: str = "Team") -> ChartText:
    """The chart in words: each behavior's first and last value over the window, then this period's range."""
    periods = tuple(f"{d.day} {d:%b}" for d in data.trend_starts)
    rows = tuple(SeriesRow(b.name, tuple(b.series)) for b in data.behaviors)
    moves = []
    for b in data.behaviors:
        known = [v for v in b.series if v is not None]
        if len(known) >= 2:
            moves.append(f"{b.name} {known[0]:.0f} → {known[-1]:.0f}")
        elif known:
            moves.append(f"{b.name} {known[0]:.0f} (one period)")
        else:
            moves.append(f"{b.name}: no scores")
    start = periods[0] if periods else ""
    alt = (f"Line chart of {whose.lower()} average per behavior per period since {start}: "
           + ("; ".join(moves) if moves else "no behaviors scored yet") + ".")
    if len(data.reps) > 1:
        alt += (" Beside it, a heat map of each rep's average per behavior this period; the tables on this page "
                "carry the same numbers.")
    return ChartText(alt, periods, rows)


def period_of(data: DigestData) -> tuple[date, date]:
    return data.period_start, data.period_end
