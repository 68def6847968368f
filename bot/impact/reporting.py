"""The effect of a programme: the report a viewer may see, the digest's section, and business figures.

A manager sees their own reports' rows; enablement and the digest see
aggregates (small groups hidden); anyone else gets `AccessDenied`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from bot.impact import cohorts, effect, schedule
from bot.impact.holds import aware
from bot.impact.outcomes import ParsedOutcomes, parse_outcomes
from bot.impact.programmes import behavior_label, plan_of
from bot.impact.report import ImpactReport
from bot.people.roster import RowError
from bot.ports import Clock
from storage.repos.digests import AccessDenied
from storage.repos.programmes import OutcomeRow, ProgrammeRepo, ProgrammeScope


@dataclass
class OutcomeImport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


class Reporting:
    """Effect reports and outcome figures."""

    def __init__(self, clock: Clock, store: ProgrammeRepo) -> None:
        self.clock = clock
        self.store = store

    def report(self, programme_id: int, viewer_id: int | None = None, *, resamples: int = effect.RESAMPLES
               ) -> ImpactReport:
        """The effect report as this viewer may see it (raises AccessDenied otherwise)."""
        scope = self.store.scope_for(viewer_id, programme_id)
        return self._report(scope, resamples)

    def _report(self, scope: ProgrammeScope, resamples: int) -> ImpactReport:
        programme = scope.programme
        rows = [r for r in self.store.members(programme.id) if not r.deleted]  # type: ignore[arg-type]
        measured = rows if scope.aggregate else [r for r in rows if r.person_id in scope.people]
        ids = [r.person_id for r in measured]
        plan = plan_of(programme)
        held = [r for r in rows if r.cohort == cohorts.HOLDOUT]
        holdout_from = min((r.practice_from for r in held), default=None)
        today = self.clock.now().date()
        last_round = schedule.comparison_round(plan, holdout_from, today)
        started = datetime.combine(programme.start_date, time(0), UTC)
        assessments = [effect.Score(s.person_id, s.behavior, float(s.score), aware(s.at), _round_of(s.push_key))
                       for s in self.store.assessment_scores(programme.id, ids)]  # type: ignore[arg-type]
        practice = [effect.Score(s.person_id, s.behavior, float(s.score), aware(s.at))
                    for s in self.store.practice_scores(ids, programme.behaviors, started)]
        outcomes = [effect.OutcomeValue(o.person_id, o.period, o.metric, o.value)
                    for o in self.store.outcomes(ids)]
        impact = effect.measure(
            programme.behaviors, [effect.CohortMember(r.person_id, r.cohort) for r in measured], assessments,
            practice, last_round=last_round, first_practice=self.store.first_practice(ids, started),
            outcomes=outcomes, labels={b: behavior_label(b) for b in programme.behaviors}, resamples=resamples)
        team = self.store.team(programme.team_id)
        view = "operator" if scope.viewer_id is None else "enablement" if scope.aggregate else "manager"
        names = {r.person_id: r.display_name for r in rows if r.person_id in scope.people}
        return ImpactReport(
            programme_id=programme.id, name=programme.name, team=team.name if team else "?",  # type: ignore[arg-type]
            start_date=programme.start_date, every_weeks=programme.assessment_every_weeks,
            holdout_share=programme.holdout_share, seed=programme.seed, holdout_until=programme.holdout_until,
            staggered=programme.stagger is not None, ended_on=programme.ended_on,
            practising=sum(r.cohort == cohorts.PRACTICE for r in measured),
            held_out=sum(r.cohort == cohorts.HOLDOUT for r in measured),
            comparison=_comparison(plan, last_round, bool(held), holdout_from, today), view=view,
            generated_at=self.clock.now(), impact=impact, names=names, hide_small=scope.aggregate)

    def digest_reports(self, viewer_id: int, team_id: int) -> list[ImpactReport]:
        """The effect of the team's running programmes, for the enablement view of the digest (aggregates)."""
        out = []
        for programme in self.store.all(team_ids=[team_id]):
            if programme.ended_on is not None and programme.ended_on < self.clock.now().date() - timedelta(weeks=4):
                continue
            try:
                scope = self.store.scope_for(viewer_id, programme.id)  # type: ignore[arg-type]
            except AccessDenied:
                continue
            if scope.aggregate:
                # The digest is an aggregate: no rep's row, even for an enablement person who also manages.
                out.append(self._report(ProgrammeScope(scope.programme, True, frozenset(), viewer_id),
                                        effect.RESAMPLES))
        return out

    def import_outcomes(self, text: str,
                        progress: Callable[[Iterable[dict[str, str]]], Iterable[dict[str, str]]] = iter
                        ) -> OutcomeImport:
        """Store per-rep business figures from CSV; bad rows are reported by line, good rows are kept."""
        parsed: ParsedOutcomes = parse_outcomes(text, self.store.people_by_keys(), progress)
        created, updated = self.store.save_outcomes(
            [OutcomeRow(r.person_id, r.period, r.metric, r.value) for r in parsed.rows], self.clock.now())
        return OutcomeImport(created, updated, parsed.errors)


def _round_of(push_key: str | None) -> int | None:
    parsed = schedule.parse_assessment_key(push_key or "")
    return parsed[2] if parsed else None


def _comparison(plan: schedule.ProgrammePlan, last_round: int | None, has_holdout: bool, holdout_from: date | None,
                today: date) -> str:
    if not has_holdout:
        return "baseline to each rep's latest assessment"
    if last_round is None:
        return (f"baseline to each rep's latest assessment; the holdout lasts until "
                f"{holdout_from.isoformat() if holdout_from else '?'}")
    return (f"baseline to round {last_round} ({schedule.round_start(plan, last_round).isoformat()}), the round "
            "that closed the holdout; later assessments have no control group")
