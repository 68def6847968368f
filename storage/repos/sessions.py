"""Practice sessions, their turns and their behavior scores.

A rep's turn goes through `SessionRepo.work`: one locked unit that loads the
session, its owner and its turns in one query and writes the new turns and the
session's new state together. Measured before (issue #26): 13 statements per DM
turn and 48 % of a turn's busy time in SQLAlchemy; a turn now needs at most 4
(the event ledger's insert, the load, the write; on PostgreSQL the lock, and the
write is one statement).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, bindparam, func, insert, text, type_coerce, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers
from sqlmodel import col, select

from storage.db import Database
from storage.models import BehaviorScoreRecord, InboundEvent, Person, PracticeSession, ScenarioRecord, TurnRecord

OPEN_STATES = ("offered", "started")


def lock_key(platform: str, channel: str, thread: str | None, session_id: str) -> str:
    """The name every process serialises a session's work under: its thread (what an inbound message
    knows before any query), or its id for a session without one."""
    return f"thread:{platform}:{channel}:{thread}" if thread else f"session:{session_id}"


def advisory_key(name: str) -> int:
    """A signed 64-bit key for pg_advisory_xact_lock; blake2b, not hashtext, so collisions stay 2^-64."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class TurnView(Protocol):
    """What a turn's reader sees: a TurnRecord, or a loaded row with its column names (read-only)."""

    @property
    def seq(self) -> int: ...
    @property
    def speaker(self) -> str: ...
    @property
    def text(self) -> str | None: ...
    @property
    def delivery(self) -> dict[str, Any] | None: ...
    @property
    def latency_s(self) -> float | None: ...
    @property
    def event_id(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def sent_at(self) -> datetime | None: ...


@dataclass(slots=True)
class NewTurn:
    """A turn for `SessionWork.record` to store: TurnRecord's columns, without building an ORM instance
    (~45 µs each, two per rep turn; issue #26). Also what a later message under the same lock reads."""

    session_id: str
    seq: int
    speaker: str
    created_at: datetime
    text: str | None = None
    engine: str | None = None
    audio_ref: str | None = None
    audio_duration_s: float | None = None
    delivery: dict[str, Any] | None = None
    latency_s: float | None = None
    event_id: str | None = None
    purged_at: datetime | None = None
    sent_at: datetime | None = None


@dataclass
class Loaded:
    """A session as one turn needs it: its row, its turns in order, and who owns it."""

    session: PracticeSession
    turns: list[TurnView]
    owner_platform: str
    owner_user_id: str
    extra: dict[str, Any] = field(default_factory=dict)  # what the query read beside the session


class SessionWork:
    """One session's unit of work, inside the transaction that holds the session's lock.

    Reads take no row lock. Writes happen at the end, in one statement on PostgreSQL (the turns'
    INSERT rides in a CTE of the session's UPDATE) and two on SQLite."""

    def __init__(self, connection: Connection, postgres: bool, key: str) -> None:
        self._c = connection
        self._postgres = postgres
        self._key = key
        self.wrote = False
        # PostgreSQL: the conversation's received, unhandled events (payloads, in the order sent), read
        # with the session. Another process may have received an earlier message not handled yet.
        self.pending: list[dict[str, Any]] = []

    def load_thread(self, platform: str, channel: str, thread: str) -> Loaded | None:
        """The newest session in a thread, with its turns and owner (and on PostgreSQL the thread's
        waiting events, see `pending`), in one query."""
        params = {"platform": platform, "channel": channel, "thread": thread}
        if not self._postgres:
            return self._load_row(_SQLITE_LOAD_BY_THREAD, params)
        loaded = self._load_row(_PG_LOAD_BY_THREAD, {**params, "conversation": self._key})
        if loaded is not None:
            self.pending = list(loaded.extra.get("pending") or [])
        return loaded

    def load(self, session_id: str) -> Loaded | None:
        statement = _PG_LOAD_BY_ID if self._postgres else _SQLITE_LOAD_BY_ID
        return self._load_row(statement, {"session_id": session_id})

    def _load_row(self, statement: Any, params: dict[str, Any]) -> Loaded | None:
        """The session in one row, its turns in one JSON array column (see _one_row_load)."""
        # Core rows, not ORM entities: loading a session and its turns as ORM objects cost ~0.7 ms of
        # CPU per turn.
        row = self._c.execute(statement, params).first()
        if row is None:
            return None
        found = row._mapping
        session = _session_of(found)
        turns: list[TurnView] = [_turn_of(session.id, values) for values in found["turns"] or ()]
        if not self._postgres:  # json_group_array keeps no stated order
            turns.sort(key=lambda turn: turn.seq)
        extra = {"pending": found["pending"]} if "pending" in found else {}
        return Loaded(session, turns, found["owner_platform"], found["owner_user_id"], extra)

    def record(self, session: PracticeSession, turns: Sequence[TurnRecord | NewTurn], **changes: Any) -> PracticeSession:
        """Add these turns and set these columns of the session, atomically; returns the updated copy."""
        rows = [{name: getattr(turn, name) for name in _TURN_COLUMNS} for turn in turns]
        flat: dict[str, Any] = {"session_id_": session.id, **{f"set_{k}": v for k, v in changes.items()}}
        connection = self._c
        if self._postgres and rows and changes:
            for i, row in enumerate(rows):
                flat.update({f"{name}_{i}": value for name, value in row.items()})
            connection.execute(_postgres_write(len(rows), tuple(changes)), flat)
        else:
            if rows:
                connection.execute(_ADD_TURNS, rows)  # one executemany
            if changes:
                connection.execute(_change(tuple(changes)), flat)
        self.wrote = True
        # The copy belongs to no ORM session: set into its __dict__ as _session_of does, without
        # SQLModel's and SQLAlchemy's attribute events (~6 per turn).
        session.__dict__.update(changes)
        return session


# The write of a turn as reusable Core statements with bound parameters: the ORM's unit of work and
# building a statement from values cost ~1 ms of CPU per turn, and a reused statement is compiled once.
_TURN_COLUMNS = tuple(c.name for c in TurnRecord.__table__.columns if c.name != "id")  # type: ignore[attr-defined]
_TURNS = TurnRecord.__table__  # type: ignore[attr-defined]
_SESSIONS = PracticeSession.__table__  # type: ignore[attr-defined]
_ADD_TURNS = insert(_TURNS)


_SESSION_COLUMNS = tuple(c.name for c in _SESSIONS.columns)
_SESSION_LABELS = tuple((name, f"s_{name}") for name in _SESSION_COLUMNS)
_ADD_SESSION = insert(_SESSIONS)
# PostgreSQL: a new session and its opening turn in one statement (the turn's INSERT in a CTE; its foreign
# key is checked at the statement's end, when the session row exists).
_POSTGRES_OPEN = (
    insert(_SESSIONS).values({name: bindparam(f"s_{name}") for name in _SESSION_COLUMNS})
    .add_cte(insert(_TURNS).values({name: bindparam(f"t_{name}") for name in _TURN_COLUMNS}).cte("opening_turn"))
)
# The session's lock, and an asynchronous commit for what the turn writes: the event it answers was
# committed durably when it was received, so a turn lost to a database crash (not a process crash:
# PostgreSQL still writes it) is handled again from its event on start. Saves a WAL flush per turn
# (~4 ms on this machine's disk). One statement: set_config(..., true) is SET LOCAL.
_LOCK = text("SELECT pg_advisory_xact_lock(:key), set_config('synchronous_commit', 'off', true)")
_PEOPLE = Person.__table__  # type: ignore[attr-defined]
_EVENTS = InboundEvent.__table__  # type: ignore[attr-defined]
# The conversation's received, unhandled events, in the order sent, read with the session (PostgreSQL).
# It must be a statement after the lock's: a statement sees the database as it was when it began, and
# the lock's may have waited while another process stored an earlier message (issue #18, item 11).
_PENDING = (
    core_select(func.coalesce(func.json_agg(aggregate_order_by(_EVENTS.c.payload, _EVENTS.c.sent_at, _EVENTS.c.key)),
                              text("'[]'::json")))
    .where(_EVENTS.c.conversation == bindparam("conversation"), _EVENTS.c.payload.is_not(None))
    .scalar_subquery()
    .label("pending")
)


_NEWEST_IN_THREAD = (
    core_select(_SESSIONS.c.id)
    .where(_SESSIONS.c.platform == bindparam("platform"), _SESSIONS.c.channel == bindparam("channel"),
           _SESSIONS.c.thread == bindparam("thread"))
    .order_by(_SESSIONS.c.offered_at.desc())
    .limit(1)
    .scalar_subquery()
)
# The session, its owner and its turns in one row, the turns as one JSON array of arrays (json_agg in
# seq order on PostgreSQL, json_group_array on SQLite). A join repeats the session's 26 columns on every
# turn's row, and the driver decoded each copy (the buyer state's JSON, five timestamps): with 7 turns the
# load cost ~440 us of CPU in-process on PostgreSQL, ~0.1 ms of which was building the column descriptions
# of 40 columns; on SQLite 365 us, ~27 us more for every turn.
_TURN_FIELDS = ("seq", "speaker", "text", "engine", "audio_ref", "audio_duration_s", "delivery", "latency_s",
                "event_id", "created_at", "sent_at")
_PG_TURNS_JSON = (
    core_select(func.json_agg(aggregate_order_by(func.json_build_array(*[_TURNS.c[n] for n in _TURN_FIELDS]),
                                                 _TURNS.c.seq)))
    .where(_TURNS.c.session_id == _SESSIONS.c.id)
    .scalar_subquery()
    .label("turns")
)
# SQLite keeps JSON columns as text: json() makes the delivery an object inside the array, not a string.
_SQLITE_TURNS_JSON = type_coerce(
    core_select(func.json_group_array(func.json_array(*[func.json(_TURNS.c[n]) if n == "delivery" else _TURNS.c[n]
                                                        for n in _TURN_FIELDS])))
    .where(_TURNS.c.session_id == _SESSIONS.c.id)
    .scalar_subquery(),
    JSON,
).label("turns")


def _one_row_load(where: Any, turns: Any) -> Any:
    return (
        core_select(*[c.label(f"s_{c.name}") for c in _SESSIONS.columns],
                    _PEOPLE.c.platform.label("owner_platform"), _PEOPLE.c.platform_user_id.label("owner_user_id"),
                    turns)
        .select_from(_SESSIONS.join(_PEOPLE, _PEOPLE.c.id == _SESSIONS.c.person_id))
        .where(where)
    )


_PG_LOAD_BY_ID = _one_row_load(_SESSIONS.c.id == bindparam("session_id"), _PG_TURNS_JSON)
_PG_LOAD_BY_THREAD = _one_row_load(_SESSIONS.c.id == _NEWEST_IN_THREAD, _PG_TURNS_JSON).add_columns(_PENDING)
_SQLITE_LOAD_BY_ID = _one_row_load(_SESSIONS.c.id == bindparam("session_id"), _SQLITE_TURNS_JSON)
_SQLITE_LOAD_BY_THREAD = _one_row_load(_SESSIONS.c.id == _NEWEST_IN_THREAD, _SQLITE_TURNS_JSON)


_SESSION_MAPPER = PracticeSession.__mapper__  # type: ignore[attr-defined]
_NEW_SESSION = PracticeSession._sa_class_manager.new_instance  # type: ignore[attr-defined]


def _session_of(row: Any) -> PracticeSession:
    """The session from its `s_`-labelled columns, made as the ORM makes a loaded row: an instance whose
    attributes are set in its __dict__, with no attribute events. PracticeSession(**columns) validated and
    set 26 attributes one by one through SQLModel's and SQLAlchemy's __setattr__ (~60 us per turn)."""
    if not _SESSION_MAPPER.configured:  # as the ORM does before its first load
        configure_mappers()
    session = _NEW_SESSION()
    session.__dict__.update({name: row[label] for name, label in _SESSION_LABELS})
    return session


def _turn_of(session_id: str, values: Sequence[Any]) -> NewTurn:
    """One turn from its JSON array (_TURN_FIELDS' order): numbers and timestamps as the columns give them."""
    seq, speaker, text_, engine, audio_ref, duration, delivery, latency, event_id, created, sent = values
    return NewTurn(session_id=session_id, seq=int(seq), speaker=speaker, text=text_, engine=engine,
                   audio_ref=audio_ref, audio_duration_s=None if duration is None else float(duration),
                   delivery=delivery, latency_s=None if latency is None else float(latency), event_id=event_id,
                   created_at=_utc(created), sent_at=None if sent is None else _utc(sent))


def _utc(value: str) -> datetime:
    """A timestamp as JSON gives it (ISO 8601, with the session's offset or none), as UTCDateTime reads it."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


_SCORES = BehaviorScoreRecord.__table__  # type: ignore[attr-defined]
_SCORE_COLUMNS = tuple(c.name for c in _SCORES.columns if c.name != "id")
_ADD_SCORES = insert(_SCORES)
_RANKED_SCORES = (
    core_select(_SCORES.c.behavior, _SCORES.c.score,
                func.row_number().over(partition_by=_SCORES.c.behavior,
                                       order_by=(_SCORES.c.created_at.desc(), _SCORES.c.id.desc())).label("rank"))
    .where(_SCORES.c.person_id == bindparam("person_id"),
           _SCORES.c.behavior.in_(bindparam("behaviors", expanding=True)),
           _SCORES.c.created_at < bindparam("before"))
    .subquery()
)
_RECENT_SCORES = (
    core_select(_RANKED_SCORES.c.behavior, _RANKED_SCORES.c.score)
    .where(_RANKED_SCORES.c.rank <= bindparam("limit"))
    .order_by(_RANKED_SCORES.c.behavior, _RANKED_SCORES.c.rank)
)


@functools.lru_cache(maxsize=64)
def _change(changed: tuple[str, ...]) -> Any:
    return (update(_SESSIONS).where(_SESSIONS.c.id == bindparam("session_id_"))
            .values({name: bindparam(f"set_{name}") for name in changed}))


@functools.lru_cache(maxsize=64)
def _postgres_write(turns: int, changed: tuple[str, ...]) -> Any:
    """One round trip: PostgreSQL runs data-modifying CTEs even when nothing reads them. One single-row
    INSERT per turn, because a multi-row VALUES statement is never cached by SQLAlchemy."""
    adds = [insert(_TURNS).values({name: bindparam(f"{name}_{i}") for name in _TURN_COLUMNS}).cte(f"new_turn_{i}")
            for i in range(turns)]
    return _change(changed).add_cte(*adds)


class SessionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- one session's unit of work ------------------------------------------

    @contextmanager
    def work(self, key: str) -> Iterator[SessionWork]:
        """A transaction holding `key`'s lock across processes on PostgreSQL (an advisory lock that
        ends with the transaction); SQLite has one web process, and the caller's in-process lock.

        What `record` wrote is committed even when the work then raises: a stored turn is not undone
        because the platform refused the post that followed it."""
        with self.db.engine.connect() as connection:
            work = SessionWork(connection, self.db.is_postgres, key)
            try:
                if self.db.is_postgres:
                    connection.execute(_LOCK, {"key": advisory_key(key)})
                yield work
            except BaseException:
                if work.wrote:
                    connection.commit()
                else:
                    connection.rollback()
                raise
            connection.commit()

    # ---- sessions ---------------------------------------------------------

    def create(self, session: PracticeSession) -> PracticeSession:
        with self.db.session() as s:
            s.add(session)
            return session

    def open(self, session: PracticeSession, opening: TurnRecord) -> PracticeSession:
        """A new session and its first turn (the buyer's opening line) in one transaction, through reusable
        Core statements: two ORM units of work cost ~1 ms of CPU per /practice (issue #26)."""
        row = {name: getattr(session, name) for name in _SESSION_COLUMNS}
        turn = {name: getattr(opening, name) for name in _TURN_COLUMNS}
        if self.db.is_postgres:
            # One statement, autocommitted: one round trip where BEGIN, two INSERTs and COMMIT took four.
            with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(_POSTGRES_OPEN, {**{f"s_{name}": value for name, value in row.items()},
                                                    **{f"t_{name}": value for name, value in turn.items()}})
            return session
        with self.db.engine.begin() as connection:
            connection.execute(_ADD_SESSION, row)
            connection.execute(_ADD_TURNS, turn)
        return session

    def get(self, session_id: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.get(PracticeSession, session_id)

    def find_by_thread(self, platform: str, channel: str, thread: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.exec(
                select(PracticeSession)
                .where(
                    PracticeSession.platform == platform,
                    PracticeSession.channel == channel,
                    PracticeSession.thread == thread,
                )
                .order_by(col(PracticeSession.offered_at).desc())
            ).first()

    def find_by_push_key(self, push_key: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.exec(select(PracticeSession).where(PracticeSession.push_key == push_key)).first()

    def update(self, session_id: str, **changes: Any) -> PracticeSession:
        return self.db.update(PracticeSession, session_id, **changes)

    def open_sessions(self, person_id: int | None = None) -> list[PracticeSession]:
        with self.db.session() as s:
            q = select(PracticeSession).where(col(PracticeSession.state).in_(OPEN_STATES))
            if person_id is not None:
                q = q.where(PracticeSession.person_id == person_id)
            return list(s.exec(q.order_by(col(PracticeSession.offered_at))).all())

    def sessions_of(self, person_id: int, limit: int = 50) -> list[PracticeSession]:
        with self.db.session() as s:
            return list(
                s.exec(
                    select(PracticeSession)
                    .where(PracticeSession.person_id == person_id)
                    .order_by(col(PracticeSession.offered_at).desc())
                    .limit(limit)
                ).all()
            )

    def finished_count_since(self, person_id: int, since: datetime) -> int:
        with self.db.session() as s:
            return int(
                s.exec(
                    select(func.count())
                    .select_from(PracticeSession)
                    .where(
                        PracticeSession.person_id == person_id,
                        PracticeSession.state == "finished",
                        col(PracticeSession.finished_at) >= since,
                    )
                ).one()
            )

    def state_counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.exec(select(PracticeSession.state, func.count()).group_by(PracticeSession.state)).all()
            return {state: int(n) for state, n in rows}

    # ---- turns ------------------------------------------------------------

    def add_turn(self, turn: TurnRecord) -> TurnRecord:
        with self.db.session() as s:
            s.add(turn)
            return turn

    def mark_turn_sent(self, session_id: str, seq: int, when: datetime) -> None:
        with self.db.session() as s:
            s.execute(update(TurnRecord).where(TurnRecord.session_id == session_id, TurnRecord.seq == seq)
                      .values(sent_at=when))

    def add_turns(self, turns: Iterable[TurnRecord]) -> None:
        with self.db.session() as s:
            s.add_all(list(turns))

    def turns(self, session_id: str) -> list[TurnRecord]:
        with self.db.session() as s:
            return list(
                s.exec(select(TurnRecord).where(TurnRecord.session_id == session_id).order_by(col(TurnRecord.seq))).all()
            )

    def next_seq(self, session_id: str) -> int:
        with self.db.session() as s:
            current = s.exec(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).one()
            return int(current or 0) + 1

    # ---- scores -----------------------------------------------------------

    def save_scores(self, rows: Sequence[BehaviorScoreRecord]) -> None:
        with self.db.session() as s:
            s.add_all(list(rows))

    def scores_for_session(self, session_id: str) -> list[BehaviorScoreRecord]:
        with self.db.session() as s:
            return list(s.exec(select(BehaviorScoreRecord).where(BehaviorScoreRecord.session_id == session_id)).all())

    def recent_scores_by_behavior(self, person_id: int, behaviors: Iterable[str], limit: int,
                                  before: datetime) -> dict[str, list[int]]:
        """The rep's latest `limit` scores on each behavior before `before`, newest first, in one query
        (for the scorecard's "progress versus last sessions")."""
        wanted = list(dict.fromkeys(behaviors))
        found: dict[str, list[int]] = {behavior: [] for behavior in wanted}
        if not wanted:
            return found
        with self.db.engine.connect() as connection:
            for behavior, score in connection.execute(_RECENT_SCORES, {"person_id": person_id, "behaviors": wanted,
                                                                        "before": before, "limit": limit}):
                found[behavior].append(score)
        return found

    def close_scored(self, session_id: str, scores: Sequence[BehaviorScoreRecord], **changes: Any) -> None:
        """A scored session's scores and its closing columns (state, finished_at...), in one transaction.

        Core statements: the ORM's two units of work (and the read before an update) cost ~2 ms of CPU
        on every `done`, the longest request a rep's turn may overlap (issue #26)."""
        rows = [{name: getattr(score, name) for name in _SCORE_COLUMNS} for score in scores]
        with self.db.engine.begin() as connection:
            if rows:
                connection.execute(_ADD_SCORES, rows)
            if changes:
                connection.execute(_change(tuple(changes)),
                                   {"session_id_": session_id, **{f"set_{k}": v for k, v in changes.items()}})

    def scores_of_person(self, person_id: int) -> list[BehaviorScoreRecord]:
        with self.db.session() as s:
            return list(
                s.exec(
                    select(BehaviorScoreRecord)
                    .where(BehaviorScoreRecord.person_id == person_id)
                    .order_by(col(BehaviorScoreRecord.created_at))
                ).all()
            )


class ScenarioRepo:
    """Scenario versions as sessions saw them; a changed YAML gets a new version row."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._versions: dict[tuple[str, str], int] = {}  # (id, checksum) -> version: a stored version never changes

    def record(self, scenario_id: str, title: str, kind: str, behaviors: list[str], checksum: str,
               body: dict[str, Any], now: datetime) -> int:
        known = self._versions.get((scenario_id, checksum))
        if known is None:
            known = self._versions[(scenario_id, checksum)] = self._record(
                scenario_id, title, kind, behaviors, checksum, body, now)
        return known

    def _record(self, scenario_id: str, title: str, kind: str, behaviors: list[str], checksum: str,
                body: dict[str, Any], now: datetime) -> int:
        for _ in range(3):
            try:
                with self.db.session() as s:
                    rows = list(s.exec(select(ScenarioRecord).where(ScenarioRecord.id == scenario_id)).all())
                    for row in rows:
                        if row.checksum == checksum:
                            return row.version
                    version = max((r.version for r in rows), default=0) + 1
                    s.add(ScenarioRecord(id=scenario_id, version=version, title=title, kind=kind,
                                         behaviors=behaviors, checksum=checksum, body=body, loaded_at=now))
                    return version
            except IntegrityError:  # two sessions of a new version started at once; the re-read finds theirs
                continue
        raise RuntimeError(f"could not record a version of scenario {scenario_id}")

    def get(self, scenario_id: str, version: int) -> ScenarioRecord | None:
        with self.db.session() as s:
            return s.get(ScenarioRecord, (scenario_id, version))
