"""Impact programmes: members and cohorts, assessment history and scores, imported outcome figures.

Privacy is decided here, in `ProgrammeRepo.scope_for`, with the digest rules
(`storage.repos.digests.TeamView`): enablement sees a programme of a team in
their workspace as aggregates only; a manager sees the rows of the members who
report to them; anyone else is refused with `AccessDenied`.

Assessment history is read from the push log: each assessment is planned under
a key `assess:<programme>:<person>:<round>:<behavior>`, so planning is
idempotent and every offer, taken or not, is on record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from storage.db import Database
from storage.models import (
    BehaviorScoreRecord,
    Cadence,
    OutcomeFigure,
    Person,
    PracticeSession,
    Programme,
    ProgrammeMember,
    PushLog,
    Team,
)
from storage.repos.digests import AccessDenied, TeamView

CLOSED_SESSION_STATES = ("finished", "abandoned", "expired")
CLOSED_PUSH_STATES = ("failed", "skipped")
_CHUNK = 500  # rows per multi-row INSERT
_MEMBERS = ProgrammeMember.__table__  # type: ignore[attr-defined]
_MEMBER_COLUMNS = tuple(c.name for c in _MEMBERS.columns)
# Read at every /practice ("may this rep practise today?"): a Core statement built once, on a plain
# connection, instead of an ORM session and a select built per call (issue #26).
_MEMBERSHIPS = core_select(_MEMBERS).where(_MEMBERS.c.person_id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class MemberRow:
    """A programme member with what the members list, the scheduler and a notice need."""

    person_id: int
    display_name: str
    cohort: str
    practice_from: date
    team_id: int | None
    team_name: str | None
    manager_id: int | None
    tz: str
    deleted: bool


@dataclass(frozen=True)
class OfferRow:
    """One planned assessment push and whether it is over (its session closed, or the push gave up)."""

    key: str
    person_id: int
    scenario_id: str | None
    due_at: datetime
    closed: bool


@dataclass(frozen=True)
class ScoreRow:
    person_id: int
    behavior: str
    score: int
    at: datetime
    push_key: str | None


@dataclass(frozen=True)
class Window:
    """A rep's working hours for pushes: their time zone and their team's cadence window."""

    tz: str
    window_start: str
    window_end: str
    weekdays: tuple[int, ...]


@dataclass(frozen=True)
class ProgrammeScope:
    """What one viewer may see of one programme."""

    programme: Programme
    aggregate: bool  # the whole programme's cohort figures (enablement); never a single rep's row
    people: frozenset[int]  # members whose own rows the viewer may see (their manager)
    viewer_id: int | None


@dataclass(frozen=True)
class OutcomeRow:
    person_id: int
    period: str
    metric: str
    value: float


class ProgrammeRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- programmes -----------------------------------------------------------

    def create(self, programme: Programme, members: Sequence[ProgrammeMember]) -> Programme:
        """The programme and all its members in one transaction: a programme is never half enrolled."""
        with self.db.session() as s:
            s.add(programme)
            s.flush()
            for m in members:
                m.programme_id = programme.id  # type: ignore[assignment]
            s.add_all(list(members))
            return programme

    def get(self, programme_id: int) -> Programme | None:
        with self.db.session() as s:
            return s.get(Programme, programme_id)

    def all(self, team_ids: Iterable[int] | None = None) -> list[Programme]:
        """Programmes, oldest first, optionally of some teams only."""
        with self.db.session() as s:
            q = select(Programme)
            if team_ids is not None:
                q = q.where(col(Programme.team_id).in_(list(team_ids)))
            return list(s.exec(q.order_by(col(Programme.id))).all())

    def end(self, programme_id: int, on: date) -> Programme:
        with self.db.session() as s:
            row = s.get(Programme, programme_id)
            if row is None:
                raise KeyError(programme_id)
            row.ended_on = on
            s.add(row)
            return row

    def team(self, team_id: int) -> Team | None:
        with self.db.session() as s:
            return s.get(Team, team_id)

    def team_names(self, team_ids: Iterable[int]) -> dict[int, str]:
        ids = list(team_ids)
        if not ids:
            return {}
        with self.db.session() as s:
            return {int(i): str(n) for i, n in s.exec(select(Team.id, Team.name).where(col(Team.id).in_(ids))).all()}

    # ---- members --------------------------------------------------------------

    def candidates(self, team_ids: Iterable[int]) -> list[tuple[int, int]]:
        """(person, team) for every current rep on these teams: who a new programme enrols."""
        with self.db.session() as s:
            rows = s.exec(select(Person.id, Person.team_id, Person.roles)
                          .where(col(Person.team_id).in_(list(team_ids)), col(Person.deleted_at).is_(None))
                          .order_by(col(Person.id))).all()
        return [(int(p), int(t)) for p, t, roles in rows if "rep" in roles.split(",")]

    def members(self, programme_id: int, person_ids: Iterable[int] | None = None) -> list[MemberRow]:
        """A programme's members with their names and teams, sorted by name."""
        q = (select(ProgrammeMember, Person, Team.name)
             .join(Person, Person.id == ProgrammeMember.person_id)
             .outerjoin(Team, Team.id == ProgrammeMember.team_id)
             .where(ProgrammeMember.programme_id == programme_id))
        if person_ids is not None:
            q = q.where(col(ProgrammeMember.person_id).in_(list(person_ids)))
        with self.db.session() as s:
            rows = s.exec(q).all()
        out = [MemberRow(m.person_id, p.display_name, m.cohort, m.practice_from, m.team_id, team_name,
                         p.manager_id, p.tz, p.deleted_at is not None) for m, p, team_name in rows]
        return sorted(out, key=lambda r: (r.display_name.lower(), r.person_id))

    def memberships(self, person_ids: Iterable[int]) -> list[ProgrammeMember]:
        """Every programme membership of these people (for 'may this rep practise today?')."""
        ids = list(person_ids)
        if not ids:
            return []
        with self.db.engine.connect() as connection:
            rows = connection.execute(_MEMBERSHIPS, {"ids": ids}).all()
        return [ProgrammeMember(**{name: row._mapping[name] for name in _MEMBER_COLUMNS}) for row in rows]

    def windows(self, person_ids: Iterable[int]) -> dict[int, Window]:
        """Each person's push window: their time zone and their team's cadence (09:00-17:00, Mon-Fri without)."""
        ids = list(person_ids)
        if not ids:
            return {}
        with self.db.session() as s:
            rows = s.exec(select(Person.id, Person.tz, Cadence.window_start, Cadence.window_end, Cadence.weekdays)
                          .outerjoin(Cadence, Cadence.team_id == Person.team_id)
                          .where(col(Person.id).in_(ids))).all()
        return {int(p): Window(tz or "UTC", ws or "09:00", we or "17:00", tuple(days) if days else (0, 1, 2, 3, 4))
                for p, tz, ws, we, days in rows}

    # ---- assessments ------------------------------------------------------------

    def offers(self, key_prefix: str) -> list[OfferRow]:
        """Every assessment push planned under a key prefix, with whether it is over."""
        q = (select(PushLog.idempotency_key, PushLog.person_id, PushLog.scenario_id, PushLog.due_at,
                    PushLog.status, PracticeSession.state)
             .outerjoin(PracticeSession, PracticeSession.id == PushLog.session_id)
             .where(col(PushLog.idempotency_key).startswith(key_prefix)))
        with self.db.session() as s:
            rows = s.exec(q).all()
        return [OfferRow(key, int(person or 0), scenario, due, status in CLOSED_PUSH_STATES
                         or (state is not None and state in CLOSED_SESSION_STATES))
                for key, person, scenario, due, status, state in rows]

    def assessment_scores(self, programme_id: int, person_ids: Iterable[int] | None = None) -> list[ScoreRow]:
        """Scores of the programme's finished assessment sessions, oldest first."""
        b, ps = BehaviorScoreRecord, PracticeSession
        q = (select(b.person_id, b.behavior, b.score, b.created_at, ps.push_key)
             .join(ps, ps.id == b.session_id)
             .where(ps.programme_id == programme_id, ps.kind == "assessment", ps.state == "finished"))
        if person_ids is not None:
            q = q.where(col(b.person_id).in_(list(person_ids)))
        with self.db.session() as s:
            rows = s.exec(q.order_by(col(b.created_at), col(b.id))).all()
        return [ScoreRow(int(p), str(beh), int(sc), at, key) for p, beh, sc, at, key in rows]

    def practice_scores(self, person_ids: Iterable[int], behaviors: Sequence[str], since: datetime) -> list[ScoreRow]:
        """Practice (not assessment) scores of these people on these behaviors since a moment, oldest first."""
        ids = list(person_ids)
        if not ids:
            return []
        b, ps = BehaviorScoreRecord, PracticeSession
        q = (select(b.person_id, b.behavior, b.score, b.created_at)
             .join(ps, ps.id == b.session_id)
             .where(col(b.person_id).in_(ids), col(b.behavior).in_(list(behaviors)), ps.kind == "practice",
                    col(b.created_at) >= since)
             .order_by(col(b.created_at), col(b.id)))
        with self.db.session() as s:
            return [ScoreRow(int(p), str(beh), int(sc), at, None) for p, beh, sc, at in s.exec(q).all()]

    def first_practice(self, person_ids: Iterable[int], since: datetime) -> dict[int, datetime]:
        """Each person's first finished practice session since a moment (the programme's start)."""
        ids = list(person_ids)
        if not ids:
            return {}
        ps = PracticeSession
        q = (select(ps.person_id, func.min(ps.finished_at))
             .where(col(ps.person_id).in_(ids), ps.kind == "practice", ps.state == "finished",
                    col(ps.finished_at) >= since)
             .group_by(ps.person_id))
        with self.db.session() as s:
            return {int(p): _aware(at) for p, at in s.exec(q).all() if at is not None}

    # ---- outcome figures -----------------------------------------------------------

    def save_outcomes(self, rows: Sequence[OutcomeRow], now: datetime) -> tuple[int, int]:
        """Insert or update figures by (person, period, metric); returns (new, updated)."""
        if not rows:
            return 0, 0
        keys = {(r.person_id, r.period, r.metric) for r in rows}
        with self.db.session() as s:
            existing = {(p, per, m) for p, per, m in s.exec(
                select(OutcomeFigure.person_id, OutcomeFigure.period, OutcomeFigure.metric)
                .where(col(OutcomeFigure.person_id).in_({k[0] for k in keys}))).all()}
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        latest = {(r.person_id, r.period, r.metric): r for r in rows}  # a file repeating a key: its last row wins
        values: list[dict[str, Any]] = [
            {"person_id": r.person_id, "period": r.period, "metric": r.metric, "value": r.value, "imported_at": now}
            for r in latest.values()]
        with self.db.engine.begin() as conn:
            for i in range(0, len(values), _CHUNK):
                stmt = insert(OutcomeFigure).values(values[i:i + _CHUNK])
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=["person_id", "period", "metric"],
                    set_={"value": stmt.excluded.value, "imported_at": stmt.excluded.imported_at}))
        updated = len(keys & existing)
        return len(keys) - updated, updated

    def outcomes(self, person_ids: Iterable[int]) -> list[OutcomeRow]:
        ids = list(person_ids)
        if not ids:
            return []
        with self.db.session() as s:
            rows = s.exec(select(OutcomeFigure).where(col(OutcomeFigure.person_id).in_(ids))
                          .order_by(col(OutcomeFigure.person_id), col(OutcomeFigure.metric),
                                    col(OutcomeFigure.period))).all()
        return [OutcomeRow(r.person_id, r.period, r.metric, r.value) for r in rows]

    # ---- people lookups (the outcome CSV names reps in several ways) ---------------------

    def people_by_keys(self) -> dict[str, list[int]]:
        """Every active person under each key a CSV may use: id, email (lower case), platform user id."""
        with self.db.session() as s:
            rows = s.exec(select(Person.id, Person.email, Person.platform_user_id)
                          .where(col(Person.deleted_at).is_(None))).all()
        out: dict[str, list[int]] = {}
        for pid, email, user in rows:
            for key in {str(pid), (email or "").lower(), user}:
                if key:
                    out.setdefault(key, []).append(int(pid))
        return out

    # ---- privacy ------------------------------------------------------------------

    def scope_for(self, viewer_id: int | None, programme_id: int) -> ProgrammeScope:
        """What a viewer may see of a programme; `None` is the operator's console: aggregates only.

        Raises AccessDenied (also for an unknown programme, so ids are not probed)."""
        programme = self.get(programme_id)
        if programme is None:
            raise AccessDenied(f"no programme with id {programme_id}")
        if viewer_id is None:
            return ProgrammeScope(programme, True, frozenset(), None)
        view = TeamView.for_viewer(self.db, viewer_id)
        team = self.team(programme.team_id)
        aggregate = view.is_enablement and team is not None and team.workspace_id == view.viewer.workspace_id
        people: frozenset[int] = frozenset()
        if view.is_manager:
            with self.db.session() as s:
                people = frozenset(int(p) for p in s.exec(
                    select(ProgrammeMember.person_id).join(Person, Person.id == ProgrammeMember.person_id)
                    .where(ProgrammeMember.programme_id == programme_id, Person.manager_id == viewer_id,
                           col(Person.deleted_at).is_(None))).all())
        if not aggregate and not people:
            raise AccessDenied("impact reports are for enablement in this workspace and for managers of its members")
        return ProgrammeScope(programme, aggregate, people, viewer_id)

    def erase_person(self, person_id: int) -> dict[str, int]:
        """Remove a person's memberships and outcome figures (for `rehearse privacy delete`)."""
        with self.db.session() as s:
            members = s.exec(delete(ProgrammeMember).where(ProgrammeMember.person_id == person_id))  # type: ignore[call-overload]
            figures = s.exec(delete(OutcomeFigure).where(OutcomeFigure.person_id == person_id))  # type: ignore[call-overload]
            return {"programme_memberships": int(members.rowcount or 0), "outcome_figures": int(figures.rowcount or 0)}

    def export_person(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        """A person's memberships and outcome figures as JSON-ready data (for `rehearse privacy export`)."""
        with self.db.session() as s:
            members = s.exec(select(ProgrammeMember).where(ProgrammeMember.person_id == person_id)).all()
            figures = s.exec(select(OutcomeFigure).where(OutcomeFigure.person_id == person_id)).all()
            return {"programme_memberships": [m.model_dump(mode="json") for m in members],
                    "outcome_figures": [f.model_dump(mode="json") for f in figures]}


def _aware(value: datetime | str) -> datetime:
    """Aggregates bypass the column type on SQLite, so a MIN() comes back naive (it is UTC)."""

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
