"""Digest storage: viewer-scoped aggregate reads and digest records.

Privacy lives here, in one place, so no caller can forget it:
- a manager sees only the people who report to them (`Person.manager_id`);
- a rep sees only their own sessions and scores;
- enablement sees per-team aggregates of teams in their workspace, never one
  person's scores, and no transcript unless the rep shared the session;
- a forbidden request raises `AccessDenied`, it never returns an empty answer.

Every read a digest needs is one query over the whole team: the people; rep ×
behavior × period counts, means and least-squares sums (GROUP BY); per-rep
session tallies (GROUP BY). So a digest costs the same three queries whether the
team has 3 reps or 30. `QueryCounter` counts them (the benchmark and a test do).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, event, func, insert, literal, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select

from storage.db import Database
from storage.models import (
    BehaviorScoreRecord,
    Cadence,
    DigestRecord,
    Person,
    PracticeSession,
    Team,
    TurnRecord,
    Workspace,
)

Bounds = Sequence[tuple[datetime, datetime]]  # [start, end) per period, oldest first, UTC-aware


class AccessDenied(PermissionError):
    """The viewer asked for something the privacy rules do not let them see."""


# ---- values handed to the core ------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One person the viewer may see, with what it takes to reach them."""

    person_id: int
    display_name: str
    platform: str
    workspace: str  # the platform's workspace id (Slack team, Discord guild)
    platform_user_id: str
    tz: str
    team_id: int | None
    snoozed_until: date | None
    cadence: Cadence | None  # their team's cadence row; None when enablement set none


@dataclass(frozen=True)
class ScoreCell:
    """One rep's scores on one behavior in one period: how many, and their mean."""

    person_id: int
    behavior: str
    period: int  # index into the bounds, 0 = oldest
    n: int
    mean: float


@dataclass(frozen=True)
class TrendSums:
    """Least-squares sums of score (y) over session index (x = 1..n) for one rep and behavior."""

    person_id: int
    behavior: str
    n: int
    sx: float
    sy: float
    sxx: float
    sxy: float
    syy: float


@dataclass(frozen=True)
class SessionTally:
    """Sessions a rep closed in one period: finished (scored) and missed (skipped or expired)."""

    person_id: int
    period: int
    finished: int
    missed: int


@dataclass(frozen=True)
class TeamInputs:
    """Everything a team digest is computed from; the output of a constant number of queries."""

    members: tuple[Member, ...]
    cells: tuple[ScoreCell, ...]
    trends: tuple[TrendSums, ...]
    tallies: tuple[SessionTally, ...]


@dataclass(frozen=True)
class TeamAggregate:
    """A team-level figure for enablement: no person in it."""

    behavior: str
    period: int
    reps: int
    n: int
    mean: float


@dataclass(frozen=True)
class SessionSummary:
    id: str
    person_id: int
    scenario_id: str
    state: str
    finished_at: datetime | None
    shared_with_manager: bool


@dataclass(frozen=True)
class TranscriptLine:
    seq: int
    speaker: str
    text: str | None


@dataclass(frozen=True)
class ManagerSchedule:
    """A manager and when their digest is due (their team's cadence, else the defaults)."""

    member: Member
    digest_weekday: int
    digest_hour: int


# ---- the viewer-scoped read API ------------------------------------------------


class TeamView:
    """What one viewer may read. Build it with `TeamView.for_viewer(db, viewer_id)`."""

    def __init__(self, db: Database, viewer: Person) -> None:
        self.db = db
        self.viewer = viewer

    @classmethod
    def for_viewer(cls, db: Database, viewer_id: int) -> TeamView:
        with db.session() as s:
            viewer = s.get(Person, viewer_id)
        if viewer is None or viewer.deleted_at is not None:
            raise AccessDenied(f"no active person with id {viewer_id}")
        return cls(db, viewer)

    # -- who the viewer may see

    @property
    def is_manager(self) -> bool:
        return self.viewer.has_role("manager")

    @property
    def is_enablement(self) -> bool:
        return self.viewer.has_role("enablement")

    def _reports(self) -> Any:
        """The SQL condition 'reports to the viewer': the one definition of a manager's scope."""
        return and_(Person.manager_id == self.viewer.id, col(Person.deleted_at).is_(None))

    def _require_manager(self) -> None:
        if not self.is_manager:
            raise AccessDenied("team digests are for managers; this person is not a manager")

    def may_see_person(self, person_id: int) -> bool:
        if person_id == self.viewer.id:
            return True
        with self.db.session() as s:
            person = s.get(Person, person_id)
        return person is not None and person.deleted_at is None and person.manager_id == self.viewer.id

    def members(self) -> list[Member]:
        """A manager's reports, sorted by name. Reps and enablement have no 'team' of people."""
        self._require_manager()
        return _members(self.db, self._reports())

    def me(self) -> Member:
        found = _members(self.db, Person.id == self.viewer.id)
        return found[0]

    # -- a manager's team digest

    def team_inputs(self, bounds: Bounds) -> TeamInputs:
        """The aggregates behind a manager's digest: three queries for the whole team."""
        self._require_manager()
        members = tuple(_members(self.db, self._reports()))
        scope = select(Person.id).where(self._reports())
        cells, trends = _scores(self.db, scope, bounds)
        return TeamInputs(members, tuple(cells), tuple(trends), tuple(_tallies(self.db, scope, bounds)))

    def tallies(self, bounds: Bounds) -> list[SessionTally]:
        """Per-rep session tallies only (e.g. 'who has practised since the digest')."""
        self._require_manager()
        return _tallies(self.db, select(Person.id).where(self._reports()), bounds)

    # -- a rep's own data

    def my_scores(self, bounds: Bounds) -> TeamInputs:
        """The viewer's own aggregates, whatever their role."""
        scope = select(Person.id).where(Person.id == self.viewer.id)
        cells, trends = _scores(self.db, scope, bounds)
        return TeamInputs((self.me(),), tuple(cells), tuple(trends), tuple(_tallies(self.db, scope, bounds)))

    def sessions_of(self, person_id: int, limit: int = 50) -> list[SessionSummary]:
        """A rep's own sessions, or a report's sessions for their manager (metadata, no transcript)."""
        if not self.may_see_person(person_id):
            raise AccessDenied("you can only see your own sessions and those of people who report to you")
        with self.db.session() as s:
            rows = s.exec(
                select(PracticeSession)
                .where(PracticeSession.person_id == person_id)
                .order_by(col(PracticeSession.offered_at).desc())
                .limit(limit)
            ).all()
            return [SessionSummary(r.id, r.person_id, r.scenario_id, r.state, r.finished_at, r.shared_with_manager)
                    for r in rows]

    def transcript(self, session_id: str) -> list[TranscriptLine]:
        """The turns of a session: the rep's own always; a shared one for their manager and enablement."""
        with self.db.session() as s:
            session = s.get(PracticeSession, session_id)
            if session is None:
                raise AccessDenied("no such session")  # do not reveal which ids exist
            owner = s.get(Person, session.person_id)
            allowed = session.person_id == self.viewer.id or (
                session.shared_with_manager and owner is not None and (
                    owner.manager_id == self.viewer.id
                    or (self.is_enablement and owner.workspace_id == self.viewer.workspace_id)
                )
            )
            if not allowed:
                raise AccessDenied("transcripts are private to the rep unless they share the session")
            turns = s.exec(select(TurnRecord).where(TurnRecord.session_id == session_id)
                           .order_by(col(TurnRecord.seq))).all()
            return [TranscriptLine(t.seq, t.speaker, t.text) for t in turns]

    # -- enablement

    def teams(self) -> list[tuple[int, str]]:
        """Teams in the enablement viewer's workspace, as (id, name)."""
        if not self.is_enablement:
            raise AccessDenied("team lists are for enablement")
        with self.db.session() as s:
            rows = s.exec(select(Team.id, Team.name).where(Team.workspace_id == self.viewer.workspace_id)
                          .order_by(Team.name)).all()
            return [(int(i), str(n)) for i, n in rows]

    def team_aggregates(self, team_id: int, bounds: Bounds) -> list[TeamAggregate]:
        """Per behavior × period team figures for enablement; a single person never shows through."""
        if not self.is_enablement:
            raise AccessDenied("team aggregates are for enablement")
        with self.db.session() as s:
            team = s.get(Team, team_id)
        if team is None or team.workspace_id != self.viewer.workspace_id:
            raise AccessDenied("that team is not in your workspace")
        scope = select(Person.id).where(Person.team_id == team_id, col(Person.deleted_at).is_(None))
        inner = _bucketed_scores(scope, bounds)
        q = (
            select(inner.c.behavior, inner.c.period, func.count(func.distinct(inner.c.person_id)),
                   func.count(), func.avg(inner.c.score))
            .where(inner.c.period.is_not(None))
            .group_by(inner.c.behavior, inner.c.period)
        )
        with self.db.session() as s:
            return [TeamAggregate(str(b), int(p), int(r), int(n), float(m)) for b, p, r, n, m in s.exec(q).all()]


# ---- the queries (module-private: only TeamView decides their scope) -----------


def _members(db: Database, where: Any) -> list[Member]:
    q = (
        select(Person, Workspace.external_id, Cadence)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .outerjoin(Cadence, Cadence.team_id == Person.team_id)
        .where(where)
        .order_by(Person.display_name, Person.id)
    )
    with db.session() as s:
        return [_member(p, ws, c) for p, ws, c in s.exec(q).all()]


def _member(p: Person, workspace: str, cadence: Cadence | None) -> Member:
    return Member(p.id, p.display_name, p.platform, workspace,  # type: ignore[arg-type]
                  p.platform_user_id, p.tz, p.team_id, p.snoozed_until, cadence)


def _period_case(column: Any, bounds: Bounds) -> Any:
    return case(*[(and_(column >= start, column < end), literal(i)) for i, (start, end) in enumerate(bounds)],
                else_=None)


def _bucketed_scores(scope: Any, bounds: Bounds) -> Any:
    # The bucket is computed in a subquery and grouped outside: PostgreSQL cannot match a CASE with
    # bound parameters in SELECT to the 'same' CASE in GROUP BY (the placeholders differ).
    s = BehaviorScoreRecord
    return (
        select(s.person_id, s.behavior, s.score, _period_case(s.created_at, bounds).label("period"))
        .where(col(s.person_id).in_(scope), s.created_at >= bounds[0][0], s.created_at < bounds[-1][1])
        .subquery()
    )


def _scores(db: Database, scope: Any, bounds: Bounds) -> tuple[list[ScoreCell], list[TrendSums]]:
    """Per rep × behavior × period: count and mean, plus the least-squares sums of score over the
    rep's session index in the whole window. One query: the sums are additive across periods."""
    s = BehaviorScoreRecord
    x = func.row_number().over(partition_by=(s.person_id, s.behavior), order_by=(s.created_at, s.session_id))
    inner = (
        select(s.person_id, s.behavior, s.score.label("y"), x.label("x"),  # type: ignore[attr-defined]
               _period_case(s.created_at, bounds).label("period"))
        .where(col(s.person_id).in_(scope), s.created_at >= bounds[0][0], s.created_at < bounds[-1][1])
        .subquery()
    )
    c = inner.c
    q = (select(c.person_id, c.behavior, c.period, func.count(), func.sum(c.x), func.sum(c.y), func.sum(c.x * c.x),
                func.sum(c.x * c.y), func.sum(c.y * c.y))
         .group_by(c.person_id, c.behavior, c.period))
    cells: list[ScoreCell] = []
    totals: dict[tuple[int, str], list[float]] = {}
    with db.session() as sess:
        for person, behavior, period, n, sx, sy, sxx, sxy, syy in sess.exec(q).all():
            person, behavior, n = int(person), str(behavior), int(n)
            if period is not None:
                cells.append(ScoreCell(person, behavior, int(period), n, float(sy) / n))
            acc = totals.setdefault((person, behavior), [0, 0.0, 0.0, 0.0, 0.0, 0.0])
            for i, v in enumerate((n, sx, sy, sxx, sxy, syy)):
                acc[i] += float(v)
    trends = [TrendSums(p, b, int(a[0]), a[1], a[2], a[3], a[4], a[5]) for (p, b), a in totals.items()]
    return cells, trends


def _tallies(db: Database, scope: Any, bounds: Bounds) -> list[SessionTally]:
    ps = PracticeSession
    inner = (
        select(ps.person_id, ps.state, _period_case(ps.finished_at, bounds).label("period"))
        .where(col(ps.person_id).in_(scope), col(ps.finished_at) >= bounds[0][0],
               col(ps.finished_at) < bounds[-1][1], col(ps.state).in_(("finished", "abandoned", "expired")))
        .subquery()
    )
    c = inner.c
    finished = func.sum(case((c.state == "finished", 1), else_=0))
    q = (select(c.person_id, c.period, finished, func.count())
         .where(c.period.is_not(None)).group_by(c.person_id, c.period))
    with db.session() as s:
        return [SessionTally(int(p), int(i), int(f or 0), int(n) - int(f or 0)) for p, i, f, n in s.exec(q).all()]


# ---- digest records ------------------------------------------------------------


class DigestRepo:
    """Digest records: one per manager and period, claimed atomically for delivery."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def managers(self, person_id: int | None = None) -> list[ManagerSchedule]:
        """Active managers (or the one with `person_id`) with their digest day and hour: their own
        team's cadence, else their reports' team's, else Monday 08:00. Two queries for everyone."""
        where = and_(col(Person.roles).contains("manager"), col(Person.deleted_at).is_(None))
        if person_id is not None:
            where = and_(where, Person.id == person_id)
        managers = _members(self.db, where)
        fallback: dict[int, tuple[int, int]] = {}
        q = (
            select(Person.manager_id, Cadence.digest_weekday, Cadence.digest_hour)
            .join(Cadence, Cadence.team_id == Person.team_id)
            .where(col(Person.manager_id).is_not(None), col(Person.deleted_at).is_(None))
            .order_by(Person.manager_id, Cadence.team_id)
        )
        if person_id is not None:
            q = q.where(Person.manager_id == person_id)
        with self.db.session() as s:
            for manager_id, weekday, hour in s.exec(q).all():
                fallback.setdefault(int(manager_id), (int(weekday), int(hour)))
        out = []
        for m in managers:
            if m.cadence is not None:
                weekday, hour = m.cadence.digest_weekday, m.cadence.digest_hour
            else:
                weekday, hour = fallback.get(m.person_id, (0, 8))
            out.append(ManagerSchedule(m, weekday, hour))
        return out

    def enablement_readers(self, person_id: int | None = None) -> list[ManagerSchedule]:
        """Active enablement people (or the one with `person_id`) with their digest day and hour: their own
        team's cadence, else Monday 08:00. One query."""
        where = and_(col(Person.roles).contains("enablement"), col(Person.deleted_at).is_(None))
        if person_id is not None:
            where = and_(where, Person.id == person_id)
        return [ManagerSchedule(m, *((m.cadence.digest_weekday, m.cadence.digest_hour) if m.cadence else (0, 8)))
                for m in _members(self.db, where)]

    def people(self, person_ids: Iterable[int]) -> list[Member]:
        """People by id, for the bot's own deliveries (never shown to a viewer)."""
        ids = list(person_ids)
        return _members(self.db, col(Person.id).in_(ids)) if ids else []

    def find_person(self, key: str) -> list[Member]:
        """People matching a CLI key: a numeric person id, or a platform user id (maybe several)."""
        if key.isdigit():
            return _members(self.db, Person.id == int(key))
        return _members(self.db, Person.platform_user_id == key)

    def get(self, digest_id: int) -> DigestRecord | None:
        with self.db.session() as s:
            return s.get(DigestRecord, digest_id)

    def find(self, manager_id: int, period_start: date) -> DigestRecord | None:
        with self.db.session() as s:
            return s.exec(select(DigestRecord).where(DigestRecord.manager_id == manager_id,
                                                     DigestRecord.period_start == period_start)).first()

    def delivered(self, manager_ids: Iterable[int], since: date) -> set[tuple[int, date]]:
        """(manager, period start) pairs already delivered on or after `since`: one query for everyone."""
        ids = list(manager_ids)
        if not ids:
            return set()
        with self.db.session() as s:
            rows = s.exec(select(DigestRecord.manager_id, DigestRecord.period_start).where(
                col(DigestRecord.manager_id).in_(ids), DigestRecord.period_start >= since,
                col(DigestRecord.delivered_at).is_not(None))).all()
            return {(int(m), p) for m, p in rows}

    def save(self, manager_id: int, period_start: date, period_end: date, payload: dict[str, Any],
             chart_path: str | None, now: datetime) -> DigestRecord:
        """Store a digest; an undelivered one is refreshed, a delivered one is left exactly as sent."""
        for _ in range(2):
            existing = self.find(manager_id, period_start)
            if existing is not None:
                if existing.delivered_at is not None:
                    return existing
                with self.db.session() as s:
                    row = s.get(DigestRecord, existing.id)
                    assert row is not None
                    row.payload, row.chart_path, row.period_end = payload, chart_path, period_end
                    s.add(row)
                    return row
            try:
                with self.db.session() as s:
                    row = DigestRecord(manager_id=manager_id, period_start=period_start, period_end=period_end,
                                       payload=payload, chart_path=chart_path, created_at=now)
                    s.add(row)
                    s.flush()
                    return row
            except IntegrityError:
                continue  # another worker inserted it between our find and insert: read theirs
        raise RuntimeError("digest record could not be saved")  # pragma: no cover - two races in a row

    def mark_delivered(self, digest_id: int, now: datetime) -> None:
        """Record that the digest reached its manager (its push-log row in the outbox is the claim)."""
        with self.db.session() as s:
            s.exec(update(DigestRecord).where(  # type: ignore[call-overload]
                DigestRecord.id == digest_id, col(DigestRecord.delivered_at).is_(None)).values(delivered_at=now))

# ---- instrumentation and bulk loading -------------------------------------------


class QueryCounter:
    """Counts SQL statements sent on a database's engine while active (a context manager)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.count = 0

    def _on_execute(self, *_args: Any, **_kw: Any) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(self.db.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.db.engine, "before_cursor_execute", self._on_execute)


def bulk_insert(db: Database, model: type[SQLModel], rows: Sequence[dict[str, Any]],
                returning_ids: bool = False, chunk: int = 5000) -> list[int]:
    """Insert many rows of one table in one transaction (seeding demo teams and benchmarks).

    Rows are plain dicts; the model's Python defaults fill what a row leaves out (a Core
    insert would not). With `returning_ids`, the new primary keys come back in row order."""
    table = model.__table__  # type: ignore[attr-defined]
    defaults = {name: f.get_default(call_default_factory=True) for name, f in model.model_fields.items()
                if not f.is_required() and name in table.c and not (name == "id" and f.default is None)}
    ids: list[int] = []
    with db.session() as s:
        for i in range(0, len(rows), chunk):
            part = [{**defaults, **row} for row in rows[i:i + chunk]]
            if returning_ids:
                result = s.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), part)
                ids.extend(int(r[0]) for r in result)
            else:
                s.execute(insert(table), part)
    return ids
