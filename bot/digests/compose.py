"""Pure computation of a manager's digest from the team's aggregates.

Input: `TeamInputs` (a handful of GROUP BY results for the manager's reports),
the trend periods, the scenario library and the moment. Output: `DigestData`.
No I/O; every number here can be checked by hand from the aggregates.

- Practised vs cadence: finished sessions against sessions_per_week × the
  cadence's active days in the period (pro rata for a period still running).
- Behavior averages: team mean this period and last (session-weighted), and the
  change between them; `None` where nobody was scored, never 0.
- Improvement per session: the least-squares slope of each rep's scores over
  their session index in the trend window, with its standard error and n;
  fewer than three sessions gives no slope. The team figure pools the reps'
  within-rep slopes (Σ Sxy / Σ Sxx), so a rep who joined late does not fake a trend.
- Needs reinforcement: a behavior under its catalog bar this period, or
  clearly falling (slope below zero by more than its standard error).
- Exactly one coaching action per rep: the single most useful behavior, in the
  catalog's own words (more feedback than that overloads lower performers).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.digests.model import (
    MIN_TREND_SESSIONS,
    BehaviorFigures,
    CoachingAction,
    DigestData,
    Reinforcement,
    RepSummary,
    ScenarioSuggestion,
    Slope,
    TeamBehavior,
)
from bot.digests.periods import Period
from scenarios.schema import Scenario
from scoring import UnknownBehavior, get_behavior
from storage.repos.digests import Member, ScoreCell, SessionTally, TeamInputs, TrendSums


@dataclass(frozen=True)
class DigestPolicy:
    """The knobs a product decision sets; defaults are what the issue asks for."""

    trend_periods: int = 6  # the chart's window, and the window the slopes are fitted over
    max_behaviors: int = 6  # more than this and the heat map stops being readable
    falling_change: float = 10.0  # points down versus last period that count as "falling"
    notable_slope: float = 0.5  # pts/session worth recognising (and clear of its standard error)


# ---- slopes --------------------------------------------------------------------


def slope_from_sums(t: TrendSums) -> Slope:
    """Least squares of score over session index from the sums the database computed."""
    n = t.n
    if n < MIN_TREND_SESSIONS:
        return Slope(per_session=None, stderr=None, sessions=n)
    sxx = t.sxx - t.sx * t.sx / n
    sxy = t.sxy - t.sx * t.sy / n
    syy = t.syy - t.sy * t.sy / n
    if sxx <= 0:
        return Slope(per_session=None, stderr=None, sessions=n)
    b = sxy / sxx
    ssr = max(syy - b * sxy, 0.0)
    return Slope(per_session=b, stderr=math.sqrt(ssr / (n - 2) / sxx), sessions=n)


def pooled_slope(sums: Sequence[TrendSums]) -> Slope:
    """The team's within-rep slope: every rep with enough sessions contributes their own trend."""
    usable = [t for t in sums if t.n >= MIN_TREND_SESSIONS]
    total = sum(t.n for t in sums)
    sxx = sum(t.sxx - t.sx * t.sx / t.n for t in usable)
    if not usable or sxx <= 0:
        return Slope(per_session=None, stderr=None, sessions=total, reps=len(sums))
    sxy = sum(t.sxy - t.sx * t.sy / t.n for t in usable)
    b = sxy / sxx
    ssr = sum(max((t.syy - t.sy * t.sy / t.n) - b * (t.sxy - t.sx * t.sy / t.n), 0.0) for t in usable)
    dof = sum(t.n - 2 for t in usable)
    return Slope(per_session=b, stderr=math.sqrt(ssr / dof / sxx) if dof > 0 else None,
                 sessions=sum(t.n for t in usable), reps=len(usable))


# ---- cadence -------------------------------------------------------------------


def expected_sessions(member: Member, period: Period, today: date) -> int | None:
    """Sessions the cadence asks for in the period, pro rata for days not yet lived; None without a cadence."""
    c = member.cadence
    if c is None:
        return None
    first = max(period.start, c.start_date or period.start)
    last = min(period.end, c.end_date or period.end, today)
    days = (last - first).days + 1
    return max(0, round(c.sessions_per_week * days / 7)) if days > 0 else 0


def _status(member: Member, sessions: int, expected: int | None, period: Period) -> tuple[str, str]:
    snoozed = member.snoozed_until is not None and member.snoozed_until >= period.start
    if expected is None:
        return "no_cadence", f"{sessions} session{'s' if sessions != 1 else ''} (no cadence set)"
    if snoozed and sessions < expected:
        return "snoozed", f"{sessions} of {expected}, snoozed until {member.snoozed_until:%d %b}"
    if sessions == 0:
        return ("not_practised", f"0 of {expected}") if expected else ("no_cadence", "0 (no practice due)")
    if sessions < expected:
        return "behind", f"{sessions} of {expected}"
    return "on_cadence", f"{sessions} of {expected}"


# ---- composition ---------------------------------------------------------------


def behavior_name(behavior: str) -> str:
    try:
        return get_behavior(behavior).name
    except UnknownBehavior:
        return behavior.replace("_", " ").capitalize()


def _bar(behavior: str) -> int:
    try:
        return get_behavior(behavior).threshold
    except UnknownBehavior:
        return 50


def _pick_behaviors(inputs: TeamInputs, limit: int) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for cell in inputs.cells:
        counts[cell.behavior] += cell.n
    for t in inputs.trends:
        counts.setdefault(t.behavior, 0)
    preferred: list[str] = []
    for m in inputs.members:
        for b in (m.cadence.behaviors if m.cadence else ()):
            if b in counts and b not in preferred:
                preferred.append(b)
    rest = sorted((b for b in counts if b not in preferred), key=lambda b: (-counts[b], b))
    return (preferred + rest)[:limit]


def _weighted(cells: Sequence[ScoreCell]) -> tuple[float | None, int]:
    n = sum(c.n for c in cells)
    return (sum(c.mean * c.n for c in cells) / n if n else None), n


def compose(
    manager_id: int,
    manager_name: str,
    inputs: TeamInputs,
    trend: Sequence[Period],
    now: datetime,
    today: date,
    scenarios: Sequence[Scenario] = (),
    policy: DigestPolicy = DigestPolicy(),
) -> DigestData:
    """The digest for `trend[-1]` (this period), with `trend[-2]` as the previous one."""
    current, last = len(trend) - 1, len(trend) - 2
    period = trend[-1]
    behaviors = _pick_behaviors(inputs, policy.max_behaviors)

    cells: dict[tuple[int, str, int], ScoreCell] = {(c.person_id, c.behavior, c.period): c for c in inputs.cells}
    trends: dict[tuple[int, str], TrendSums] = {(t.person_id, t.behavior): t for t in inputs.trends}
    tallies: dict[tuple[int, int], SessionTally] = {(t.person_id, t.period): t for t in inputs.tallies}

    team: list[TeamBehavior] = []
    for b in behaviors:
        series = [_weighted([c for c in inputs.cells if c.behavior == b and c.period == i])[0]
                  for i in range(len(trend))]
        now_cells = [c for c in inputs.cells if c.behavior == b and c.period == current]
        prev_cells = [c for c in inputs.cells if c.behavior == b and c.period == last] if last >= 0 else []
        mean, n = _weighted(now_cells)
        prev, prev_n = _weighted(prev_cells)
        team.append(TeamBehavior(
            behavior=b, name=behavior_name(b), mean=mean, n=n, previous=prev, previous_n=prev_n,
            slope=pooled_slope([t for t in inputs.trends if t.behavior == b]),
            series=series, reps_scored=len({c.person_id for c in now_cells}),
        ))

    drafts = []
    for m in inputs.members:
        tally = tallies.get((m.person_id, current))
        sessions, missed = (tally.finished, tally.missed) if tally else (0, 0)
        expected = expected_sessions(m, period, min(today, period.end))
        status, status_label = _status(m, sessions, expected, period)
        figures = []
        for b in behaviors:
            cur, prev_cell = cells.get((m.person_id, b, current)), cells.get((m.person_id, b, last))
            sums = trends.get((m.person_id, b))
            figures.append(BehaviorFigures(
                behavior=b, name=behavior_name(b), mean=cur.mean if cur else None, n=cur.n if cur else 0,
                previous=prev_cell.mean if prev_cell else None, previous_n=prev_cell.n if prev_cell else 0,
                slope=slope_from_sums(sums) if sums else Slope(per_session=None, stderr=None, sessions=0),
            ))
        drafts.append((m, sessions, missed, expected, status, status_label, figures, _reinforcement(figures, policy)))

    focus = _focus(team, [d[7] for d in drafts], inputs.members, scenarios)
    reps = [
        RepSummary(person_id=m.person_id, name=m.display_name, sessions=sessions, expected=expected, missed=missed,
                   status=status, status_label=label, behaviors=figures, reinforcement=reinf,  # type: ignore[arg-type]
                   action=coaching_action(m, status, figures, reinf, focus, policy))
        for m, sessions, missed, expected, status, label, figures, reinf in drafts
    ]
    return DigestData(
        manager_id=manager_id, manager_name=manager_name, period_start=period.start, period_end=period.end,
        period_label=period.label(), in_progress=today <= period.end, trend_starts=[p.start for p in trend],
        generated_at=now, reps=reps, behaviors=team, focus=focus, headline=_headline(reps, team, focus),
    )


def _reinforcement(figures: Sequence[BehaviorFigures], policy: DigestPolicy) -> Reinforcement | None:
    below = [f for f in figures if f.mean is not None and f.mean < _bar(f.behavior)]
    if below:
        f = min(below, key=lambda f: (f.mean, f.behavior))  # type: ignore[arg-type, return-value]
        return Reinforcement(behavior=f.behavior, name=f.name,
                             reason=f"{f.mean:.0f} this period, under the bar of {_bar(f.behavior)}")
    falling = [f for f in figures if f.mean is not None and f.slope.falling]
    if falling:
        f = min(falling, key=lambda f: (f.slope.per_session, f.behavior))  # type: ignore[arg-type, return-value]
        return Reinforcement(behavior=f.behavior, name=f.name, reason=f"falling: {f.slope.label()}")
    dropped = [f for f in figures if f.change is not None and f.change <= -policy.falling_change
               and f.n >= 2 and f.previous_n >= 2]
    if dropped:
        f = min(dropped, key=lambda f: (f.change, f.behavior))  # type: ignore[arg-type, return-value]
        return Reinforcement(behavior=f.behavior, name=f.name,
                             reason=f"down {f.change:+.0f} on last period ({f.previous:.0f} → {f.mean:.0f})")
    return None


def coaching_action(member: Member, status: str, figures: Sequence[BehaviorFigures],
                    reinforcement: Reinforcement | None, focus: ScenarioSuggestion | None,
                    policy: DigestPolicy = DigestPolicy()) -> CoachingAction:
    """One action, never more: the single thing most worth a manager's next two minutes with this rep."""
    first = member.display_name.split()[0] if member.display_name.strip() else member.display_name
    if status == "snoozed":
        return CoachingAction(behavior=None,
                              text=f"Leave {first} be while they're snoozed; check in when they're back.")
    if reinforcement is not None:
        tip = _feedback(reinforcement.behavior, "try_next")
        return CoachingAction(behavior=reinforcement.behavior,
                              text=f"Reinforce {reinforcement.name} with {first}: {tip}")
    scored = [f for f in figures if f.mean is not None]
    if not scored:
        if focus is not None:
            return CoachingAction(behavior=None, text=(
                f"Ask {first} to fit in one practice this week: “{focus.title}” takes about {focus.minutes} minutes."))
        return CoachingAction(behavior=None, text=f"Ask {first} to fit in one 10-minute practice this week.")
    rising = [f for f in scored if f.slope.rising and (f.slope.per_session or 0) >= policy.notable_slope]
    if rising:
        f = max(rising, key=lambda f: (f.slope.per_session, f.behavior))  # type: ignore[arg-type, return-value]
        return CoachingAction(behavior=f.behavior, text=(
            f"Recognise {first}'s progress on {f.name} ({f.slope.per_session:+.1f} pts/session), "
            f"then stretch it: {_feedback(f.behavior, 'try_next_done')}"))
    f = min(scored, key=lambda f: (f.mean, f.behavior))  # type: ignore[arg-type, return-value]
    return CoachingAction(behavior=f.behavior,
                          text=f"Stretch {first} on {f.name}: {_feedback(f.behavior, 'try_next_done')}")


def _feedback(behavior: str, which: str) -> str:
    try:
        return str(getattr(get_behavior(behavior).feedback, which))
    except UnknownBehavior:
        return "talk through one recent reply together."


def _focus(team: Sequence[TeamBehavior], reinforcements: Sequence[Reinforcement | None],
           members: Sequence[Member], scenarios: Sequence[Scenario]) -> ScenarioSuggestion | None:
    """The team's one focus behavior and the scenario that practises it."""
    scored = [t for t in team if t.mean is not None]
    if not scored:
        scored = list(team)
    if not scored:
        return None
    votes: dict[str, int] = defaultdict(int)
    for r in reinforcements:
        if r is not None:
            votes[r.behavior] += 1
    focus = min(scored, key=lambda t: (-votes[t.behavior], t.mean if t.mean is not None else 101.0, t.behavior))
    preferred = [sid for m in members if m.cadence for sid in m.cadence.scenario_ids]
    practice = [s for s in scenarios if s.kind == "practice"]
    candidates = sorted((s for s in practice if focus.behavior in s.behaviors),
                        key=lambda s: (s.id not in preferred, s.behaviors.index(focus.behavior), s.id))
    if not candidates:
        return None
    s = candidates[0]
    return ScenarioSuggestion(id=s.id, title=s.title, behavior=focus.behavior, behavior_name=focus.name,
                              minutes=s.expected_minutes)


def _headline(reps: Sequence[RepSummary], team: Sequence[TeamBehavior], focus: ScenarioSuggestion | None) -> str:
    practised = sum(1 for r in reps if r.sessions > 0)
    on_cadence = sum(1 for r in reps if r.status == "on_cadence")
    parts = [f"{practised} of {len(reps)} practised, {on_cadence} on cadence."]
    moved = [t for t in team if t.change is not None]
    if moved:
        t = max(moved, key=lambda t: abs(t.change or 0))
        parts.append(f"Biggest move: {t.name} {round(t.change or 0):+d}.")
    if focus is not None:
        parts.append(f"Focus for the team: {focus.behavior_name}.")
    return " ".join(parts)
