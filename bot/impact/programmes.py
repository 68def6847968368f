"""Impact programmes: start one, end one, list them, and who is in which cohort and why.

Mistakes come back as `ProgrammeError` with one plain sentence per problem;
people without the enablement role get `NotAllowed`; a viewer asking for what
they may not see gets `AccessDenied` (from the programme store's scope rules).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from bot.impact import cohorts, schedule
from bot.people.roles import ENABLEMENT, NotAllowed, require
from bot.ports import Clock
from scenarios.loader import ScenarioLibrary
from scoring import get_behavior
from scoring.types import UnknownBehavior
from storage import Repositories
from storage.models import Programme, ProgrammeMember
from storage.repos.digests import AccessDenied
from storage.repos.programmes import MemberRow, ProgrammeRepo

log = logging.getLogger(__name__)

MAX_HOLDOUT_SHARE = 0.5  # beyond this the practising cohort is the minority: almost surely a typo

__all__ = ["AccessDenied", "MemberLine", "NotAllowed", "Notice", "ProgrammeError",
           "ProgrammeRequest", "Programmes"]


class ProgrammeError(ValueError):
    """A programme that cannot be started as asked; `problems` says what to change, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    @property
    def user_message(self) -> str:
        return "That programme needs a change:\n" + "\n".join(f"• {p}" for p in self.problems)


@dataclass(frozen=True)
class ProgrammeRequest:
    """What enablement asks for when starting a programme."""

    team_id: int
    behaviors: tuple[str, ...]
    holdout_share: float = 0.0
    seed: int | None = None
    holdout_weeks: int | None = None  # default: two assessment rounds
    every_weeks: int = 4
    stagger: Mapping[int, int] | None = None  # team id -> weeks after the start (replaces a random holdout)
    name: str | None = None
    start: date | None = None  # default: today


@dataclass(frozen=True)
class MemberLine:
    """One member as a manager or enablement sees them in the members list."""

    person_id: int
    name: str
    team: str | None
    cohort: str
    practice_from: date
    reason: str


@dataclass(frozen=True)
class Notice:
    """The message a manager gets about their reports in a new programme."""

    manager_id: int
    text: str


class Programmes:
    """Start, end and list programmes; the members and the managers' notices."""

    def __init__(self, repos: Repositories, library: ScenarioLibrary, clock: Clock, store: ProgrammeRepo) -> None:
        self.repos = repos
        self.library = library
        self.clock = clock
        self.store = store

    def assessment_scenarios(self) -> dict[str, str]:
        """Behavior -> the assessment scenario that measures it (the first by id if several do)."""
        out: dict[str, str] = {}
        for s in sorted(self.library.all(kind="assessment"), key=lambda s: s.id):
            out.setdefault(s.primary_behavior, s.id)
        return out

    def start_programme(self, request: ProgrammeRequest, actor_id: int | None = None) -> Programme:
        """Enrol every rep of the team(s), assign cohorts and record the seed. `actor_id` None: the operator."""
        if actor_id is not None:
            require(self.repos.people.get(actor_id), ENABLEMENT, "start an impact programme")
        problems: list[str] = []
        scenarios = self.assessment_scenarios()
        named = [b.strip() for b in request.behaviors if b.strip()]
        if not named:
            problems.append("Behaviors: name at least one behavior to measure, e.g. open_question,empathy.")
        canonical: list[str] = []
        for b in named:
            try:
                behavior = get_behavior(b).id  # an alias becomes the catalog id
            except UnknownBehavior:
                problems.append(f"Behaviors: '{b}' is not a behavior; known ones: {', '.join(sorted(scenarios))}.")
                continue
            if behavior not in scenarios:
                problems.append(f"Behaviors: '{b}' has no assessment scenario yet (scenarios/assessments/).")
            canonical.append(behavior)
        behaviors = tuple(dict.fromkeys(canonical))
        if not 0 <= request.holdout_share <= MAX_HOLDOUT_SHARE:
            problems.append(f"Holdout: the share must be between 0 and {MAX_HOLDOUT_SHARE:.0%} of the team "
                            f"(typical 20 %), not {request.holdout_share:.0%}.")
        if not 1 <= request.every_weeks <= 26:
            problems.append("Assessment interval: between 1 and 26 weeks.")
        if request.holdout_weeks is not None and not 1 <= request.holdout_weeks <= 52:
            problems.append("Holdout length: between 1 and 52 weeks.")
        if request.seed is not None and not 0 <= request.seed <= cohorts.MAX_SEED:
            problems.append(f"Seed: a whole number from 0 to {cohorts.MAX_SEED}.")
        if request.stagger and request.holdout_share:
            problems.append("Holdout: choose either a random holdout share or a staggered start by team, not both.")
        if request.stagger and any(w < 0 or w > 52 for w in request.stagger.values()):
            problems.append("Stagger: each team starts 0 to 52 weeks after the programme start.")
        team = self.store.team(request.team_id)
        if team is None:
            problems.append(f"Team: there is no team with id {request.team_id}.")
        team_ids = [request.team_id, *[t for t in (request.stagger or {}) if t != request.team_id]]
        for t in team_ids[1:]:
            other = self.store.team(t)
            if other is None or (team is not None and other.workspace_id != team.workspace_id):
                problems.append(f"Stagger: team {t} is not a team of the same workspace.")
        if problems:
            raise ProgrammeError(problems)
        assert team is not None

        today = self.clock.now().date()
        start = request.start or today
        candidates = [cohorts.Candidate(p, t) for p, t in self.store.candidates(team_ids)]
        if not candidates:
            raise ProgrammeError([f"Team: {team.name} has no reps yet (import a roster first)."])
        seed = request.seed if request.seed is not None else cohorts.new_seed()
        staggered = bool(request.stagger)
        holdout_until = None
        if staggered:
            assigned = cohorts.assign_stagger(candidates, dict(request.stagger or {}), start)
        else:
            weeks = request.holdout_weeks or 2 * request.every_weeks
            held = cohorts.holdout_size(len(candidates), request.holdout_share)
            holdout_until = start + timedelta(weeks=weeks) if held else None
            assigned = cohorts.assign_holdout(candidates, request.holdout_share, seed, start, holdout_until)
        now = self.clock.now()
        programme = Programme(
            team_id=request.team_id, name=(request.name or f"{team.name}: {', '.join(behaviors)}")[:200],
            behaviors=list(behaviors), holdout_share=0.0 if staggered else request.holdout_share, seed=seed,
            start_date=start, holdout_until=holdout_until, assessment_every_weeks=request.every_weeks,
            stagger={str(k): int(v) for k, v in request.stagger.items()} if staggered and request.stagger else None,
            created_by=actor_id, created_at=now)
        members = [ProgrammeMember(programme_id=0, person_id=a.person_id, cohort=a.cohort, team_id=a.team_id,
                                   practice_from=a.practice_from, joined_at=now) for a in assigned]
        created = self.store.create(programme, members)
        log.info("programme started", extra={"programme_id": created.id, "members": len(members),
                                             "held_out": sum(a.cohort == cohorts.HOLDOUT for a in assigned)})
        return created

    def end_programme(self, programme_id: int, actor_id: int | None = None) -> Programme:
        """Stop pushing assessments; any holdout joins practice. Idempotent."""
        if actor_id is not None:
            require(self.repos.people.get(actor_id), ENABLEMENT, "end an impact programme")
        programme = self._programme(programme_id)
        if programme.ended_on is not None:
            return programme
        return self.store.end(programme_id, self.clock.now().date())

    def programmes_of(self, viewer_id: int | None = None) -> list[Programme]:
        """Programmes a viewer may look at (all of them for the operator)."""
        out = []
        for p in self.store.all():
            try:
                self.store.scope_for(viewer_id, p.id)  # type: ignore[arg-type]
            except AccessDenied:
                continue
            out.append(p)
        return out

    def members(self, programme_id: int, viewer_id: int | None = None) -> list[MemberLine]:
        """The members a viewer may see with their cohort and the reason: a manager, their reports only."""
        scope = self.store.scope_for(viewer_id, programme_id)
        rows = self.store.members(programme_id)
        if not scope.aggregate:
            rows = [r for r in rows if r.person_id in scope.people]
        return [self._line(scope.programme, r) for r in rows if not r.deleted]

    def _line(self, programme: Programme, r: MemberRow) -> MemberLine:
        reason = cohorts.holdout_reason(r.cohort, r.practice_from, programme.holdout_share, programme.seed,
                                        programme.stagger is not None, r.team_name)
        return MemberLine(r.person_id, r.display_name, r.team_name, r.cohort, r.practice_from, reason)

    def manager_notices(self, programme_id: int) -> list[Notice]:
        """For each manager with reports in the programme: who is in it, who is held out, and why."""
        programme = self._programme(programme_id)
        by_manager: dict[int, list[MemberRow]] = {}
        for r in self.store.members(programme_id):
            if r.manager_id is not None and not r.deleted:
                by_manager.setdefault(r.manager_id, []).append(r)
        labels = ", ".join(behavior_label(b) for b in programme.behaviors)
        notices = []
        for manager_id, rows in sorted(by_manager.items()):
            held = [r for r in rows if r.cohort == cohorts.HOLDOUT]
            practising = [r for r in rows if r.cohort == cohorts.PRACTICE]
            lines = [f"Rehearse is measuring whether practice moves {labels} for your team "
                     f"(programme “{programme.name}”, from {programme.start_date.isoformat()}).",
                     "Everyone takes a short assessment first and again every "
                     f"{programme.assessment_every_weeks} weeks; assessments give no coaching, so they don't teach."]
            if practising:
                lines.append("Practising: " + ", ".join(r.display_name for r in practising) + ".")
            if held:
                lines.append("In the holdout for now: " + "; ".join(
                    f"{r.display_name} — {self._line(programme, r).reason}" for r in held) + ".")
                lines.append("Why: comparing with reps who don't practise yet is the only way to tell what practice "
                             "itself changes, apart from retesting and time. Please coach everyone as usual; "
                             "held-out reps only take the assessments until their start date, then practise too.")
            notices.append(Notice(manager_id, "\n".join(lines)))
        return notices

    def _programme(self, programme_id: int) -> Programme:
        programme = self.store.get(programme_id)
        if programme is None:
            raise ProgrammeError([f"There is no programme with id {programme_id}."])
        return programme


def plan_of(programme: Programme) -> schedule.ProgrammePlan:
    return schedule.ProgrammePlan(programme.id, tuple(programme.behaviors), programme.start_date,  # type: ignore[arg-type]
                                  programme.assessment_every_weeks, programme.ended_on)


def behavior_label(behavior: str) -> str:
    try:
        return get_behavior(behavior).name
    except UnknownBehavior:
        return behavior.replace("_", " ")
