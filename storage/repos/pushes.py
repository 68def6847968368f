"""The push log: every scheduled push and nudge, keyed so that none is lost or doubled.

Rows are inserted `pending` when planned (the unique idempotency key turns a
replan into a no-op), claimed atomically by one worker right before delivery
(`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite a conditional UPDATE, which
the single-writer lock makes atomic), and then marked sent, retried later,
failed or skipped, with the reason kept for `rehearse cadence status`.
A claim whose worker died expires after `claim_ttl` and is claimed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from storage.db import Database
from storage.models import Person, PushLog

PENDING, CLAIMED, SENT, FAILED, SKIPPED = "pending", "claimed", "sent", "failed", "skipped"
_INSERT_CHUNK = 500  # rows per INSERT statement: well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class NewPush:
    """A row to plan: inserted unless its key is already in the log."""

    idempotency_key: str
    kind: str
    person_id: int | None
    due_at: datetime
    session_id: str | None = None
    scenario_id: str | None = None


@dataclass(frozen=True)
class RepToPlan:
    """A rep whose team has a cadence, with what the planner needs."""

    person_id: int
    team_id: int
    tz: str
    snoozed_until: Any
    country: str | None
    platform: str


@dataclass(frozen=True)
class DeliveryContext:
    """What delivering a batch of pushes needs to know about its reps, read in three queries."""

    people: dict[int, tuple[Person, str]]  # person id -> (person, workspace external id)
    scores: dict[int, list[tuple[str, int, datetime]]]  # person id -> (behavior, score, when), oldest first
    recent: dict[int, list[str]]  # person id -> scenario ids of their latest sessions, newest first


class PushLogRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- planning -----------------------------------------------------------

    def insert_missing(self, rows: Iterable[NewPush], now: datetime) -> int:
        """Insert the rows whose key is new; returns how many were new. Safe to repeat and to race."""
        insert = pg_insert if self.db.is_postgres else sqlite_insert
        inserted = 0
        batch: list[dict[str, Any]] = []

        def flush() -> int:
            if not batch:
                return 0
            stmt = (insert(PushLog).values(batch).on_conflict_do_nothing(index_elements=["idempotency_key"])
                    .returning(PushLog.id))  # counted from RETURNING: psycopg reports no rowcount here
            with self.db.engine.begin() as conn:
                new = len(conn.execute(stmt).all())
            batch.clear()
            return new

        for row in rows:
            batch.append({"idempotency_key": row.idempotency_key, "kind": row.kind, "person_id": row.person_id,
                          "due_at": row.due_at, "session_id": row.session_id, "scenario_id": row.scenario_id,
                          "status": PENDING, "attempts": 0, "created_at": now})
            if len(batch) >= _INSERT_CHUNK:
                inserted += flush()
        return inserted + flush()

    def pending_pushes(self, after: datetime, weeks: Sequence[str]) -> dict[str, tuple[int, datetime]]:
        """Pending pushes of these weeks still due after `after`: key -> (row id, due_at)."""
        with self.db.session() as s:
            rows = s.execute(
                select(PushLog.idempotency_key, PushLog.id, PushLog.due_at)
                .where(PushLog.kind == "push", PushLog.status == PENDING, col(PushLog.due_at) > after,
                       col(PushLog.retry_at).is_(None),
                       or_(*[col(PushLog.idempotency_key).like(f"push:%:{week}:%") for week in weeks]))
            ).all()
        return {key: (row_id, _aware(due)) for key, row_id, due in rows}

    def replan(self, moved: Sequence[tuple[int, datetime]], dropped: Sequence[int]) -> None:
        """Move pending rows to new times and delete the ones no longer planned (still pending only)."""
        with self.db.session() as s:
            for row_id, due in moved:
                s.execute(update(PushLog).where(PushLog.id == row_id, PushLog.status == PENDING)
                          .values(due_at=due).execution_options(synchronize_session=False))
            for start in range(0, len(dropped), _INSERT_CHUNK):
                chunk = list(dropped[start:start + _INSERT_CHUNK])
                s.execute(delete(PushLog).where(col(PushLog.id).in_(chunk), PushLog.status == PENDING)
                          .execution_options(synchronize_session=False))

    def reps_to_plan(self) -> list[RepToPlan]:
        """Every current rep on a team that has a cadence."""
        from storage.models import Cadence

        with self.db.session() as s:
            rows = s.execute(
                select(Person.id, Person.team_id, Person.tz, Person.snoozed_until, Person.country, Person.platform,
                       Person.roles)
                .join(Cadence, Cadence.team_id == Person.team_id)
                .where(col(Person.deleted_at).is_(None))
                .order_by(col(Person.id))
            ).all()
        return [RepToPlan(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows if "rep" in r[6].split(",")]

    def last_push_before(self, before: datetime, exclude_weeks: Sequence[str] = (),
                         person_ids: Sequence[int] | None = None) -> dict[int, datetime]:
        """Each person's latest planned push due before `before`, leaving out the given weeks' keys.

        The planner uses it to keep a week's first push apart from the week before's last one;
        whatever became of that push later (sent, skipped), its planned time stays the same,
        so planning the week again gives the same answer."""
        with self.db.session() as s:
            q = (select(PushLog.person_id, func.max(PushLog.due_at))
                 .where(PushLog.kind == "push", col(PushLog.due_at) < before,
                        *[col(PushLog.idempotency_key).not_like(f"push:%:{week}:%") for week in exclude_weeks])
                 .group_by(PushLog.person_id))
            if person_ids is not None:
                q = q.where(col(PushLog.person_id).in_(list(person_ids)))
            rows = s.execute(q).all()
        out: dict[int, datetime] = {}
        for person_id, due in rows:
            if person_id is not None and due is not None:
                out[person_id] = _aware(due)
        return out

    # ---- delivery -----------------------------------------------------------

    def claim_due(self, kinds: Sequence[str], now: datetime, worker: str, limit: int,
                  claim_ttl: timedelta) -> list[PushLog]:
        """Atomically take up to `limit` due rows for this worker (expired claims included)."""
        ready = or_(
            and_(PushLog.status == PENDING, col(PushLog.due_at) <= now,
                 or_(col(PushLog.retry_at).is_(None), col(PushLog.retry_at) <= now)),
            and_(PushLog.status == CLAIMED, col(PushLog.claimed_at) < now - claim_ttl),
        )
        pick = (select(PushLog.id).where(col(PushLog.kind).in_(list(kinds)), ready)
                .order_by(col(PushLog.due_at), col(PushLog.id)).limit(limit))
        if self.db.is_postgres:
            pick = pick.with_for_update(skip_locked=True)
        # A materialized CTE runs the pick once. As a plain `IN (subquery)` PostgreSQL may re-run
        # it while updating, so one claim took every due row (measured: 100 of 100 for limit 20):
        # one thread delivered the whole wave and a crash left all of it waiting out claim_ttl.
        due = pick.cte("due").prefix_with("MATERIALIZED", dialect="postgresql")
        stmt = (update(PushLog)
                .where(col(PushLog.id).in_(select(due.c.id)), ready)
                .values(status=CLAIMED, claimed_by=worker[:100], claimed_at=now, attempts=PushLog.attempts + 1)
                .returning(*PushLog.__table__.columns))  # type: ignore[attr-defined]
        # Core statements on a plain connection: a push wave writes the log several times per push,
        # and the ORM session's bookkeeping was most of that cost.
        with self.db.engine.begin() as conn:
            rows = [PushLog(**row._mapping) for row in conn.execute(stmt)]
        return sorted(rows, key=lambda r: (r.due_at, r.id or 0))

    def claim_key(self, key: str, now: datetime, worker: str, claim_ttl: timedelta) -> PushLog | None:
        """Take one row by key (callers that decide as they go claim this way): the row, or None
        when it is not due yet, sent, closed or claimed by a worker still within `claim_ttl`."""
        ready = or_(
            and_(PushLog.status == PENDING, or_(col(PushLog.retry_at).is_(None), col(PushLog.retry_at) <= now)),
            and_(PushLog.status == CLAIMED, col(PushLog.claimed_at) < now - claim_ttl),
        )
        stmt = (update(PushLog).where(PushLog.idempotency_key == key, ready)
                .values(status=CLAIMED, claimed_by=worker[:100], claimed_at=now, attempts=PushLog.attempts + 1)
                .returning(*PushLog.__table__.columns))  # type: ignore[attr-defined]
        with self.db.engine.begin() as conn:
            found = conn.execute(stmt).first()
        return PushLog(**found._mapping) if found is not None else None

    def mark_sent(self, row_id: int, now: datetime, session_id: str | None = None,
                  scenario_id: str | None = None) -> None:
        values: dict[str, Any] = {"status": SENT, "sent_at": now, "session_id": session_id, "error": None,
                                  "retry_at": None}
        if scenario_id is not None:
            values["scenario_id"] = scenario_id
        self._update(row_id, **values)

    def retry_later(self, row_id: int, retry_at: datetime, error: str, refund_attempt: bool = False) -> None:
        """Back to pending, not before `retry_at`. A rate limit refunds the attempt: it is not a failure."""
        values: dict[str, Any] = {"status": PENDING, "retry_at": retry_at, "error": error[:2000],
                                  "claimed_by": None, "claimed_at": None}
        if refund_attempt:
            values["attempts"] = PushLog.attempts - 1
        self._update(row_id, **values)

    def close(self, row_id: int, status: str, error: str) -> None:
        """Give up on a row for good (failed) or on purpose (skipped), saying why."""
        assert status in (FAILED, SKIPPED)
        self._update(row_id, status=status, error=error[:2000], retry_at=None)

    def mark_sent_many(self, rows: Sequence[tuple[int, datetime, str, str]]) -> None:
        """Mark (row id, sent at, session id, scenario id) rows sent in one transaction.

        Safe to defer: until it happens the rows stay claimed, and a row reclaimed after a crash
        finds its session by push key and is only marked sent."""
        if not rows:
            return
        with self.db.engine.begin() as conn:
            for row_id, sent_at, session_id, scenario_id in rows:
                conn.execute(update(PushLog).where(PushLog.id == row_id).values(
                    status=SENT, sent_at=sent_at, session_id=session_id, scenario_id=scenario_id, error=None,
                    retry_at=None))

    def delivery_context(self, person_ids: Sequence[int], since: datetime, recent: int = 20) -> DeliveryContext:
        """People, score history since `since` and latest scenarios of a batch of reps."""
        from storage.models import BehaviorScoreRecord, PracticeSession, Workspace

        ids = sorted(set(person_ids))
        with self.db.session() as s:
            people = {p.id: (p, ext) for p, ext in s.exec(  # type: ignore[misc]
                select(Person, Workspace.external_id).join(Workspace, Workspace.id == Person.workspace_id)
                .where(col(Person.id).in_(ids))).all()}
            score_rows = s.execute(
                select(BehaviorScoreRecord.person_id, BehaviorScoreRecord.behavior, BehaviorScoreRecord.score,
                       BehaviorScoreRecord.created_at)
                .where(col(BehaviorScoreRecord.person_id).in_(ids), col(BehaviorScoreRecord.created_at) >= since)
                .order_by(col(BehaviorScoreRecord.created_at))).all()
            session_rows = s.execute(
                select(PracticeSession.person_id, PracticeSession.scenario_id)
                .where(col(PracticeSession.person_id).in_(ids))
                .order_by(col(PracticeSession.offered_at).desc())).all()
        scores: dict[int, list[tuple[str, int, datetime]]] = {i: [] for i in ids}
        for person_id, behavior, score, at in score_rows:
            scores[person_id].append((behavior, score, _aware(at)))
        latest: dict[int, list[str]] = {i: [] for i in ids}
        for person_id, scenario_id in session_rows:
            if len(latest[person_id]) < recent:
                latest[person_id].append(scenario_id)
        return DeliveryContext(people, scores, latest)  # type: ignore[arg-type]

    def _update(self, row_id: int, **values: Any) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(update(PushLog).where(PushLog.id == row_id).values(**values))

    # ---- reading --------------------------------------------------------------

    def get(self, key: str) -> PushLog | None:
        with self.db.session() as s:
            return s.exec(select(PushLog).where(PushLog.idempotency_key == key)).first()

    def by_prefix(self, prefix: str) -> list[PushLog]:
        with self.db.session() as s:
            return list(s.exec(select(PushLog).where(col(PushLog.idempotency_key).startswith(prefix))
                               .order_by(col(PushLog.due_at))).all())

    def of_person(self, person_id: int, kind: str | None = None) -> list[PushLog]:
        with self.db.session() as s:
            q = select(PushLog).where(PushLog.person_id == person_id)
            if kind is not None:
                q = q.where(PushLog.kind == kind)
            return list(s.exec(q.order_by(col(PushLog.due_at))).all())

    def counts(self, since: datetime | None = None) -> dict[tuple[str, str], int]:
        """(kind, status) -> rows, optionally only rows due since a time."""
        with self.db.session() as s:
            q = select(PushLog.kind, PushLog.status, func.count()).group_by(PushLog.kind, PushLog.status)
            if since is not None:
                q = q.where(col(PushLog.due_at) >= since)
            return {(k, st): int(n) for k, st, n in s.execute(q).all()}

    def problems(self, limit: int = 20) -> list[PushLog]:
        """The latest failed or skipped rows and pending ones that have failed before, newest first."""
        with self.db.session() as s:
            return list(s.exec(
                select(PushLog).where(or_(col(PushLog.status).in_((FAILED, SKIPPED)),
                                          and_(PushLog.status == PENDING, col(PushLog.error).is_not(None))))
                .order_by(col(PushLog.due_at).desc()).limit(limit)).all())

    def next_due(self, after: datetime) -> datetime | None:
        """When the next pending row falls due after `after` (None when nothing is planned)."""
        with self.db.session() as s:
            due = s.execute(select(func.min(PushLog.due_at))
                            .where(PushLog.status == PENDING, col(PushLog.due_at) > after)).scalar()
        return _aware(due) if due is not None else None

    def upcoming(self, now: datetime, limit: int = 20) -> list[PushLog]:
        with self.db.session() as s:
            return list(s.exec(select(PushLog).where(PushLog.status == PENDING, col(PushLog.due_at) >= now)
                               .order_by(col(PushLog.due_at)).limit(limit)).all())

    def all(self, kind: str | None = None) -> list[PushLog]:
        with self.db.session() as s:
            q = select(PushLog)
            if kind is not None:
                q = q.where(PushLog.kind == kind)
            return list(s.exec(q.order_by(col(PushLog.id))).all())


def _aware(value: datetime) -> datetime:
    """Aggregates bypass the column type on SQLite, so a MAX() comes back naive (it is UTC)."""

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
