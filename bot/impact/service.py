"""Impact programmes as use cases: start one, explain the cohorts, push assessments, report the effect.

Every way in (the CLI, a chat command, the scheduler, the digest) goes through
`ImpactService`. Mistakes come back as `ProgrammeError` with one plain
sentence per problem; people without the enablement role get `NotAllowed`;
a viewer asking for what they may not see gets `AccessDenied`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping

from bot.impact import cohorts, effect, schedule
from bot.impact.outcomes import ParsedOutcomes, parse_outcomes
from bot.impact.report import ImpactReport
from bot.messages import PersonRef, Text
from bot.people.roles import ENABLEMENT, NotAllowed, require
from bot.people.roster import RowError
from bot.ports import ChatPort, Clock, RateLimited
from scenarios.loader import ScenarioLibrary
from scheduler.hours import local_date
from scheduler.ratelimit import RateLimiter
from scoring import get_behavior
from scoring.types import UnknownBehavior
from storage import Repositories
from storage.models import Programme, ProgrammeMember
from storage.repos.digests import AccessDenied
from storage.repos.programmes import MemberRow, OutcomeRow, ProgrammeRepo, ProgrammeScope, Window
from storage.repos.pushes import FAILED, SKIPPED, NewPush, PushLogRepo

if TYPE_CHECKING:
    from bot.practice.engine import PracticeService

log = logging.getLogger(__name__)

PUSH_KIND = "assessment"  # push_log.kind of an assessment push
MAX_ATTEMPTS = 3
CLAIM_TTL = timedelta(minutes=10)
NOTICE_WINDOW = timedelta(days=7)  # manager notices are sent for programmes this new
MAX_HOLDOUT_SHARE = 0.5  # beyond this the practising cohort is the minority: almost surely a typo

__all__ = ["AccessDenied", "ImpactService", "NotAllowed", "ProgrammeError", "ProgrammeRequest"]


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


@dataclass
class OutcomeImport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class PracticeHold:
    """Why a programme keeps a rep's practice back: in the holdout until a date, or a baseline still to take."""

    programme_id: int
    holdout_until: date | None  # None: the holdout is over (or there is none) but the baseline comes first

    @property
    def reason(self) -> str:
        if self.holdout_until is not None:
            return f"in the holdout of programme {self.programme_id} until {self.holdout_until.isoformat()}"
        return f"assessment first (programme {self.programme_id})"

    @property
    def user_message(self) -> str:
        if self.holdout_until is not None:
            return (f"You're in the comparison group of programme {self.programme_id} until "
                    f"{self.holdout_until:%A %d %B %Y}, so practice opens for you then. Your assessments still "
                    "come as usual: they are how we measure what practice changes, so thank you for taking them.")
        return (f"Your assessment for programme {self.programme_id} comes first: it is the baseline that shows "
                "how practice changes things. It arrives as a message from me; once it's done, practice is open.")


class ImpactService:
    def __init__(self, repos: Repositories, library: ScenarioLibrary, clock: Clock,
                 programmes: ProgrammeRepo | None = None, pushes: PushLogRepo | None = None,
                 limiter: RateLimiter | None = None) -> None:
        self.repos = repos
        self.library = library
        self.clock = clock
        self.programmes = programmes or ProgrammeRepo(repos.db)
        self.pushes = pushes or PushLogRepo(repos.db)
        self.limiter = limiter  # the scheduler's platform rate limiter, shared with practice pushes

    # ---- starting and ending a programme ----------------------------------------------

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
        team = self.programmes.team(request.team_id)
        if team is None:
            problems.append(f"Team: there is no team with id {request.team_id}.")
        team_ids = [request.team_id, *[t for t in (request.stagger or {}) if t != request.team_id]]
        for t in team_ids[1:]:
            other = self.programmes.team(t)
            if other is None or (team is not None and other.workspace_id != team.workspace_id):
                problems.append(f"Stagger: team {t} is not a team of the same workspace.")
        if problems:
            raise ProgrammeError(problems)
        assert team is not None

        today = self.clock.now().date()
        start = request.start or today
        candidates = [cohorts.Candidate(p, t) for p, t in self.programmes.candidates(team_ids)]
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
        created = self.programmes.create(programme, members)
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
        return self.programmes.end(programme_id, self.clock.now().date())

    def programmes_of(self, viewer_id: int | None = None) -> list[Programme]:
        """Programmes a viewer may look at (all of them for the operator)."""
        out = []
        for p in self.programmes.all():
            try:
                self.programmes.scope_for(viewer_id, p.id)  # type: ignore[arg-type]
            except AccessDenied:
                continue
            out.append(p)
        return out

    # ---- who is in the holdout, and why ----------------------------------------------

    def members(self, programme_id: int, viewer_id: int | None = None) -> list[MemberLine]:
        """The members a viewer may see with their cohort and the reason: a manager, their reports only."""
        scope = self.programmes.scope_for(viewer_id, programme_id)
        rows = self.programmes.members(programme_id)
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
        for r in self.programmes.members(programme_id):
            if r.manager_id is not None and not r.deleted:
                by_manager.setdefault(r.manager_id, []).append(r)
        labels = ", ".join(_label(b) for b in programme.behaviors)
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

    def send_manager_notices(self, programme_id: int, chats: Mapping[str, ChatPort], worker: str = "impact") -> int:
        """Send each manager their notice once: the push log key makes a second call a no-op."""
        sent = 0
        now = self.clock.now()
        for notice in self.manager_notices(programme_id):
            manager = self.repos.people.get(notice.manager_id)
            if manager is None or manager.deleted_at is not None or manager.platform not in chats:
                continue
            key = f"programme-notice:{programme_id}:{notice.manager_id}"
            self.pushes.insert_missing([NewPush(key, "notice", notice.manager_id, now)], now)
            if not self.pushes.claim_key(key, now, worker):
                continue
            row = self.pushes.get(key)
            assert row is not None and row.id is not None
            try:
                ws = self.repos.people.workspace_of(manager)
                chats[manager.platform].send_direct(
                    PersonRef(manager.platform, ws.external_id, manager.platform_user_id, manager.display_name,
                              manager.tz), Text(notice.text))
            except Exception as exc:  # the notice waits for the next call; the programme itself is fine
                log.warning("programme notice not sent", extra={"manager_id": notice.manager_id})
                self.pushes.retry_later(row.id, now + timedelta(minutes=15), str(exc))
                continue
            self.pushes.mark_sent(row.id, now)
            sent += 1
        return sent

    # ---- the scheduler's side: assessments and holdouts -----------------------------

    def plan_assessments(self, now: datetime | None = None) -> int:
        """Put every assessment due today into the push log (inside each rep's working hours).

        Safe to call as often as you like: keys are unique, so nothing is planned twice. Returns new rows."""
        now = now or self.clock.now()
        scenarios = self.assessment_scenarios()
        rows: list[NewPush] = []
        for programme in self.programmes.all():
            if programme.ended_on is not None and programme.ended_on < now.date() - timedelta(days=1):
                continue  # (a programme not yet begun, or between rounds, simply has nothing due)
            plan = _plan(programme)
            members = [r for r in self.programmes.members(programme.id) if not r.deleted]  # type: ignore[arg-type]
            windows = self.programmes.windows(r.person_id for r in members)
            history = self._history(programme, windows)
            by_day: dict[date, list[schedule.MemberPlan]] = {}
            for r in members:
                window = windows.get(r.person_id)
                if window is None:
                    continue
                by_day.setdefault(local_date(window.tz, now), []).append(
                    schedule.MemberPlan(r.person_id, r.cohort, r.practice_from))
            for today, group in by_day.items():
                for due in schedule.due_assessments(plan, group, history, today, scenarios):
                    at = schedule.push_time(now, _hours(windows[due.person_id]))
                    if at is not None:
                        rows.append(NewPush(due.key, PUSH_KIND, due.person_id, at, scenario_id=due.scenario_id))
        return self.pushes.insert_missing(rows, now)

    def deliver_assessments(self, practice: "PracticeService", now: datetime | None = None, worker: str = "impact",
                            limit: int = 50) -> int:
        """Post the due assessment cards. A crash after posting never posts the card twice. Returns cards posted."""
        now = now or self.clock.now()
        posted = 0
        for row in self.pushes.claim_due([PUSH_KIND], now, worker, limit, CLAIM_TTL):
            assert row.id is not None
            parsed = schedule.parse_assessment_key(row.idempotency_key)
            existing = self.repos.sessions.find_by_push_key(row.idempotency_key)
            if existing is not None:  # posted before a crash: record it, do not post again
                self.pushes.mark_sent(row.id, now, existing.id)
                continue
            person = self.repos.people.get(row.person_id) if row.person_id is not None else None
            programme = self.programmes.get(parsed[0]) if parsed else None
            if parsed is None or programme is None or row.scenario_id is None:
                self.pushes.close(row.id, FAILED, "not an assessment key this version understands")
                continue
            if person is None or person.deleted_at is not None:
                self.pushes.close(row.id, SKIPPED, "the rep is no longer here")
                continue
            if programme.ended_on is not None and programme.ended_on <= now.date():
                self.pushes.close(row.id, SKIPPED, "the programme has ended")
                continue
            if person.platform not in practice.chats:
                self.pushes.retry_later(row.id, now + timedelta(hours=1), f"no {person.platform} adapter here",
                                        refund_attempt=True)
                continue
            hours = _hours(self.programmes.windows([person.id])[person.id])  # type: ignore[list-item,index]
            if schedule.push_time(now, hours) != now:  # a late worker must not post an assessment at night
                self.pushes.retry_later(row.id, schedule.next_window_start(now, hours), "outside working hours",
                                        refund_attempt=True)
                continue
            if self.limiter is not None:
                self.limiter.acquire(person.platform)
            try:
                started = practice.start(practice.person_ref(person), row.scenario_id, push_key=row.idempotency_key)
            except RateLimited as exc:
                if self.limiter is not None:
                    self.limiter.slow_down(person.platform, exc.retry_after_s)
                self.pushes.retry_later(row.id, now + timedelta(seconds=exc.retry_after_s), str(exc),
                                        refund_attempt=True)
                continue
            except Exception as exc:
                log.exception("assessment push failed", extra={"push_key": row.idempotency_key})
                if row.attempts >= MAX_ATTEMPTS:
                    self.pushes.close(row.id, FAILED, str(exc) or type(exc).__name__)
                else:
                    self.pushes.retry_later(row.id, now + timedelta(minutes=5 * 2 ** row.attempts),
                                            str(exc) or type(exc).__name__)
                continue
            self.repos.sessions.update(started.session.id, programme_id=programme.id)
            self.pushes.mark_sent(row.id, now, started.session.id)
            posted += 1
        return posted

    def tick(self, practice: "PracticeService", now: datetime | None = None, worker: str = "impact") -> dict[str, int]:
        """One scheduler pass: tell managers about new programmes, plan due assessments, post them.

        Each step is idempotent, so the scheduler may call this every few minutes from one leader."""
        now = now or self.clock.now()
        notices = 0
        for programme in self.programmes.all():
            if programme.ended_on is None and programme.created_at >= now - NOTICE_WINDOW:
                notices += self.send_manager_notices(programme.id, practice.chats, worker)  # type: ignore[arg-type]
        planned = self.plan_assessments(now)
        return {"notices": notices, "planned": planned, "posted": self.deliver_assessments(practice, now, worker)}

    def holds(self, person_ids: Iterable[int], on_date: date) -> dict[int, "PracticeHold"]:
        """Of these reps, those whose practice must wait on `on_date` (held out, or assessment pending), and why."""
        by_programme: dict[int, list[ProgrammeMember]] = {}
        for m in self.programmes.memberships(person_ids):
            by_programme.setdefault(m.programme_id, []).append(m)
        held: dict[int, PracticeHold] = {}
        for programme_id, members in sorted(by_programme.items()):
            programme = self.programmes.get(programme_id)
            if programme is None:
                continue
            plan = _plan(programme)
            waiting = [m for m in members if programme.start_date <= on_date < m.practice_from + schedule.BASELINE_GRACE]
            history = self._history(programme, {}) if waiting else []
            for m in waiting:
                if m.person_id in held or schedule.practice_allowed(
                        plan, schedule.MemberPlan(m.person_id, m.cohort, m.practice_from), history, on_date):
                    continue
                held[m.person_id] = PracticeHold(programme_id, m.practice_from if on_date < m.practice_from else None)
        return held

    def hold_reasons(self, person_ids: Iterable[int], on_date: date) -> dict[int, str]:
        """Of these reps, those whose practice pushes must wait on `on_date`, each with the reason why."""
        return {person_id: hold.reason for person_id, hold in self.holds(person_ids, on_date).items()}

    def practice_hold_message(self, person_id: int, on_date: date) -> str | None:
        """What to tell a rep who asks for practice while a programme holds it back; None when they may."""
        hold = self.holds([person_id], on_date).get(person_id)
        return hold.user_message if hold is not None else None

    def practice_blocked(self, person_ids: Iterable[int], on_date: date) -> set[int]:
        """Of these reps, those whose practice pushes must wait on `on_date` (held out, or assessment pending)."""
        return set(self.hold_reasons(person_ids, on_date))

    def is_practice_allowed(self, person_id: int, on_date: date) -> bool:
        """Whether the scheduler may push practice to this rep on this (local) date."""
        return person_id not in self.hold_reasons([person_id], on_date)

    def _history(self, programme: Programme, windows: Mapping[int, Window]) -> list[schedule.Offer]:
        out = []
        for o in self.programmes.offers(schedule.key_prefix(programme.id)):  # type: ignore[arg-type]
            parsed = schedule.parse_assessment_key(o.key)
            if parsed is None:
                continue
            tz = windows[o.person_id].tz if o.person_id in windows else "UTC"
            out.append(schedule.Offer(o.person_id, parsed[2], parsed[3], local_date(tz, _aware(o.due_at)),
                                      o.closed))
        return out

    # ---- the effect report -------------------------------------------------------------

    def report(self, programme_id: int, viewer_id: int | None = None, *, resamples: int = effect.RESAMPLES
               ) -> ImpactReport:
        """The effect report as this viewer may see it (raises AccessDenied otherwise)."""
        scope = self.programmes.scope_for(viewer_id, programme_id)
        return self._report(scope, resamples)

    def _report(self, scope: ProgrammeScope, resamples: int) -> ImpactReport:
        programme = scope.programme
        rows = [r for r in self.programmes.members(programme.id) if not r.deleted]  # type: ignore[arg-type]
        measured = rows if scope.aggregate else [r for r in rows if r.person_id in scope.people]
        ids = [r.person_id for r in measured]
        plan = _plan(programme)
        held = [r for r in rows if r.cohort == cohorts.HOLDOUT]
        holdout_from = min((r.practice_from for r in held), default=None)
        today = self.clock.now().date()
        last_round = schedule.comparison_round(plan, holdout_from, today)
        started = datetime.combine(programme.start_date, time(0), timezone.utc)
        assessments = [effect.Score(s.person_id, s.behavior, float(s.score), _aware(s.at), _round_of(s.push_key))
                       for s in self.programmes.assessment_scores(programme.id, ids)]  # type: ignore[arg-type]
        practice = [effect.Score(s.person_id, s.behavior, float(s.score), _aware(s.at))
                    for s in self.programmes.practice_scores(ids, programme.behaviors, started)]
        outcomes = [effect.OutcomeValue(o.person_id, o.period, o.metric, o.value)
                    for o in self.programmes.outcomes(ids)]
        impact = effect.measure(
            programme.behaviors, [effect.CohortMember(r.person_id, r.cohort) for r in measured], assessments,
            practice, last_round=last_round, first_practice=self.programmes.first_practice(ids, started),
            outcomes=outcomes, labels={b: _label(b) for b in programme.behaviors}, resamples=resamples)
        team = self.programmes.team(programme.team_id)
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
        for programme in self.programmes.all(team_ids=[team_id]):
            if programme.ended_on is not None and programme.ended_on < self.clock.now().date() - timedelta(weeks=4):
                continue
            try:
                scope = self.programmes.scope_for(viewer_id, programme.id)  # type: ignore[arg-type]
            except AccessDenied:
                continue
            if scope.aggregate:
                # The digest is an aggregate: no rep's row, even for an enablement person who also manages.
                out.append(self._report(ProgrammeScope(scope.programme, True, frozenset(), viewer_id),
                                        effect.RESAMPLES))
        return out

    # ---- outcome figures ----------------------------------------------------------------

    def import_outcomes(self, text: str,
                        progress: Callable[[Iterable[dict[str, str]]], Iterator[dict[str, str]]] = iter
                        ) -> OutcomeImport:
        """Store per-rep business figures from CSV; bad rows are reported by line, good rows are kept."""
        parsed: ParsedOutcomes = parse_outcomes(text, self.programmes.people_by_keys(), progress)
        created, updated = self.programmes.save_outcomes(
            [OutcomeRow(r.person_id, r.period, r.metric, r.value) for r in parsed.rows], self.clock.now())
        return OutcomeImport(created, updated, parsed.errors)

    # ---- helpers ---------------------------------------------------------------------------

    def _programme(self, programme_id: int) -> Programme:
        programme = self.programmes.get(programme_id)
        if programme is None:
            raise ProgrammeError([f"There is no programme with id {programme_id}."])
        return programme


def _hours(window: Window) -> schedule.WorkingHours:
    return schedule.WorkingHours(window.tz, window.window_start, window.window_end, window.weekdays)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _plan(programme: Programme) -> schedule.ProgrammePlan:
    return schedule.ProgrammePlan(programme.id, tuple(programme.behaviors), programme.start_date,  # type: ignore[arg-type]
                                  programme.assessment_every_weeks, programme.ended_on)


def _round_of(push_key: str | None) -> int | None:
    parsed = schedule.parse_assessment_key(push_key or "")
    return parsed[2] if parsed else None


def _label(behavior: str) -> str:
    try:
        return get_behavior(behavior).name
    except UnknownBehavior:
        return behavior.replace("_", " ")


def _comparison(plan: schedule.ProgrammePlan, last_round: int | None, has_holdout: bool, holdout_from: date | None,
                today: date) -> str:
    if not has_holdout:
        return "baseline to each rep's latest assessment"
    if last_round is None:
        return (f"baseline to each rep's latest assessment; the holdout lasts until "
                f"{holdout_from.isoformat() if holdout_from else '?'}")
    return (f"baseline to round {last_round} ({schedule.round_start(plan, last_round).isoformat()}), the round "
            "that closed the holdout; later assessments have no control group")
