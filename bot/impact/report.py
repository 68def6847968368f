"""The effect report as text (terminal, chat), as JSON, and as the short section of the enablement digest.

Rendering only: the numbers come from `effect.measure`, the privacy decision
from the service. An aggregate view never shows a rep's row, and it hides a
cohort's means while the cohort has fewer reps than the verdict needs (a mean
of two people is close to showing their scores).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.impact.effect import BehaviorEffect, CohortChange, Impact, Interval, OutcomeLink, RepChange, Slope

READING_NOTE = (
    "How to read this: each rep's change is their latest assessment minus their baseline, on the same short "
    "assessment, with no coaching after it. The holdout takes the same assessments without practising, so "
    "the difference between the cohorts is what practice added beyond retesting and time. Intervals are 95 % "
    "bootstrap intervals over reps; while they include zero, the effect is not shown yet."
)


@dataclass(frozen=True)
class ImpactReport:
    programme_id: int
    name: str
    team: str
    start_date: date
    every_weeks: int
    holdout_share: float
    seed: int
    holdout_until: date | None
    staggered: bool
    ended_on: date | None
    practising: int
    held_out: int
    comparison: str  # which assessments are compared, in words
    view: str  # enablement | manager | operator
    generated_at: datetime
    impact: Impact
    names: Mapping[int, str] = field(default_factory=dict)  # reps whose rows this viewer may see
    hide_small: bool = True

    def rows(self, effect: BehaviorEffect) -> list[RepChange]:
        return [r for r in effect.reps if r.person_id in self.names]


def _num(value: float | None, signed: bool = False, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _ci(ci: Interval | None, digits: int = 1) -> str:
    return "" if ci is None else f" (95 % CI {ci.low:+.{digits}f} to {ci.high:+.{digits}f})"


def _hidden(report: ImpactReport, cohort: CohortChange) -> bool:
    return report.hide_small and cohort.reps < report.impact.min_reps


def _cohort_line(report: ImpactReport, title: str, c: CohortChange) -> str:
    head = f"  {title:<11} {c.reps:>4} reps, {c.assessments:>4} assessments"
    if c.reps == 0:
        return head + "   no rep has a baseline and a reassessment yet"
    if _hidden(report, c):
        return head + f"   figures shown from {report.impact.min_reps} reps (privacy)"
    return (head + f"   baseline {_num(c.baseline_mean)} → latest {_num(c.latest_mean)}"
            f"   change {_num(c.change_mean, True)}{_ci(c.change_ci)}")


def _slope_line(s: Slope) -> str:
    return (f"  Per practice session: {s.per_session:+.2f} points{_ci(s.ci, 2)[:-1]}; {s.reps} reps, "
            f"{s.sessions} sessions) — a trend in practice scores, not the measured effect."
            if s.ci is not None else
            f"  Per practice session: {s.per_session:+.2f} points ({s.reps} rep, {s.sessions} sessions; "
            "too few reps for an interval).")


def header_lines(report: ImpactReport) -> list[str]:
    if report.staggered:
        design = "staggered start by team"
    elif report.held_out:
        design = (f"holdout {report.holdout_share:.0%} at random (seed {report.seed})"
                  + (f" until {report.holdout_until.isoformat()}" if report.holdout_until else ""))
    else:
        design = "no holdout (before/after only)"
    ended = f" · ended {report.ended_on.isoformat()}" if report.ended_on else ""
    view = {"enablement": "enablement (aggregates only; no individual rep is shown)",
            "manager": "manager (your reports only)",
            "operator": "operator console (aggregates only; no individual rep is shown)"}.get(report.view, report.view)
    if report.view == "enablement" and report.names:
        view = "enablement (aggregates) and manager (rows of your own reports)"
    return [
        f"Impact report — programme {report.programme_id} “{report.name}” (team {report.team})",
        f"Started {report.start_date.isoformat()} · assessments every {report.every_weeks} weeks · {design}{ended}",
        f"Members: {report.practising} practising, {report.held_out} held out · compared: {report.comparison}",
        f"View: {view}",
    ]


def behavior_lines(report: ImpactReport, e: BehaviorEffect) -> list[str]:
    lines = [e.label[:1].upper() + e.label[1:], f"  Verdict: {e.verdict}", _cohort_line(report, "Practising", e.practice)]
    if e.holdout is not None:
        lines.append(_cohort_line(report, "Holdout", e.holdout))
        if e.difference is not None and not (_hidden(report, e.practice) or _hidden(report, e.holdout)):
            lines.append(f"  Difference  {_num(e.difference, True)} points{_ci(e.difference_ci)}")
    if e.slope is not None:
        lines.append(_slope_line(e.slope))
    waiting = e.practice.waiting + (e.holdout.waiting if e.holdout else 0)
    late = e.practice.late_baseline + (e.holdout.late_baseline if e.holdout else 0)
    notes = []
    if waiting:
        notes.append(f"{waiting} rep(s) have a baseline and wait for their reassessment")
    if late:
        notes.append(f"{late} rep(s) left out: their first assessment came after they had practised")
    if notes:
        lines.append("  " + "; ".join(notes) + ".")
    rows = report.rows(e)
    if rows:
        lines.append("  Your reports:")
        for r in sorted(rows, key=lambda r: report.names[r.person_id].lower()):
            lines.append(f"    {report.names[r.person_id]:<24} {r.cohort:<8} {r.baseline:>5.0f} → {r.latest:>3.0f}"
                         f"  ({r.change:+.0f}, {r.assessments} assessments)")
    return lines


def outcome_lines(report: ImpactReport) -> list[str]:
    if not report.impact.outcomes:
        return []
    labels = {e.behavior: e.label for e in report.impact.behaviors}
    lines = ["Business figures beside the behavior change — correlation, not cause"]
    for link in report.impact.outcomes:
        lines.append("  " + outcome_sentence(link, labels.get(link.behavior, link.behavior), report.impact.min_reps))
    lines.append("  A correlation says reps whose behavior moved more also moved more on the metric; it does not "
                 "say practice caused it.")
    return lines


def outcome_sentence(link: OutcomeLink, label: str, min_reps: int) -> str:
    if link.pearson is None and link.n >= min_reps:
        return f"{label} × {link.metric}: no correlation can be computed ({link.n} reps, one side does not vary)."
    if link.pearson is None:
        return (f"{label} × {link.metric}: not enough data yet ({link.n} reps have both a behavior change and "
                f"two periods of {link.metric}; needs {min_reps}).")
    rho = f", Spearman {link.spearman:+.2f}" if link.spearman is not None else ""
    return f"{label} × {link.metric}: r = {link.pearson:+.2f}{_ci(link.pearson_ci, 2)}{rho}, {link.n} reps."


def render_text(report: ImpactReport) -> str:
    lines = header_lines(report) + [""]
    for e in report.impact.behaviors:
        lines += behavior_lines(report, e) + [""]
    extra = outcome_lines(report)
    if extra:
        lines += extra + [""]
    lines.append(READING_NOTE)
    return "\n".join(lines)


def render_digest_section(report: ImpactReport) -> str:
    """The few lines of a programme in the enablement digest: a verdict per behavior, with its numbers."""
    lines = [f"*Impact — {report.name}* ({report.practising} practising, {report.held_out} held out; "
             f"{report.comparison})"]
    for e in report.impact.behaviors:
        lines.append(f"• {e.verdict}")
    return "\n".join(lines)


def _interval(ci: Interval | None) -> list[float] | None:
    return None if ci is None else [round(ci.low, 3), round(ci.high, 3)]


def _cohort_json(report: ImpactReport, c: CohortChange | None) -> dict[str, Any] | None:
    if c is None:
        return None
    out: dict[str, Any] = {"reps": c.reps, "assessments": c.assessments, "waiting_for_reassessment": c.waiting,
                           "left_out_late_baseline": c.late_baseline}
    if not _hidden(report, c):
        out.update(baseline_mean=_round(c.baseline_mean), latest_mean=_round(c.latest_mean),
                   change_mean=_round(c.change_mean), change_ci95=_interval(c.change_ci))
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def to_json(report: ImpactReport) -> dict[str, Any]:
    behaviors = []
    for e in report.impact.behaviors:
        hidden = _hidden(report, e.practice) or (e.holdout is not None and _hidden(report, e.holdout))
        behaviors.append({
            "behavior": e.behavior,
            "label": e.label,
            "verdict": e.verdict_code,
            "verdict_text": e.verdict,
            "practice": _cohort_json(report, e.practice),
            "holdout": _cohort_json(report, e.holdout),
            "difference": None if hidden else _round(e.difference),
            "difference_ci95": None if hidden else _interval(e.difference_ci),
            "per_session_slope": None if e.slope is None else {
                "points_per_session": round(e.slope.per_session, 4), "ci95": _interval(e.slope.ci),
                "reps": e.slope.reps, "sessions": e.slope.sessions},
            "reps": [{"person_id": r.person_id, "name": report.names[r.person_id], "cohort": r.cohort,
                      "baseline": r.baseline, "latest": r.latest, "change": r.change, "assessments": r.assessments}
                     for r in report.rows(e)],
        })
    return {
        "programme": {"id": report.programme_id, "name": report.name, "team": report.team,
                      "start_date": report.start_date.isoformat(), "assessment_every_weeks": report.every_weeks,
                      "holdout_share": report.holdout_share, "seed": report.seed,
                      "holdout_until": report.holdout_until.isoformat() if report.holdout_until else None,
                      "staggered": report.staggered,
                      "ended_on": report.ended_on.isoformat() if report.ended_on else None,
                      "practising": report.practising, "held_out": report.held_out},
        "comparison": report.comparison,
        "view": report.view,
        "generated_at": report.generated_at.isoformat(),
        "confidence": 0.95,
        "bootstrap_resamples": report.impact.resamples,
        "min_reps_per_cohort": report.impact.min_reps,
        "behaviors": behaviors,
        "outcomes": {"label": "correlation, not cause", "links": [
            {"behavior": link.behavior, "metric": link.metric, "reps": link.n, "pearson": _round(link.pearson),
             "pearson_ci95": _interval(link.pearson_ci), "spearman": _round(link.spearman)}
            for link in report.impact.outcomes]},
    }
