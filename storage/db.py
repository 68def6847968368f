"""Engine and session factory for SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, SQLModel, create_engine

from storage.sqlite_writes import writer_factory

Row = TypeVar("Row", bound=SQLModel)

# A pooled PostgreSQL connection idle this long is pinged before use (see _ping_when_idle).
IDLE_PING_S = 10.0
# The pool: up to 16 Slack work threads (Core.turn_workers) and 8 waitress threads (the acknowledgement's
# ledger insert) at once, plus the scheduler's and the leader's; past that, overflow connections rather
# than waiting.
POOL_SIZE = 24
MAX_OVERFLOW = 16
# Last in, first out: a checkout gets the connection given back most recently, so a server at moderate
# load keeps using a few connections whose caches (and on PostgreSQL, whose server processes and prepared
# statements) are warm, instead of cycling through all of them. The PostgreSQL server's own CPU per turn
# went from 2.0 to 1.45 ms (four alternating pairs of 60 reps, benchmarks/turn_floor.py's CPU run; issue #26).
# A connection left idle at the bottom of the stack is pinged when next used (_ping_when_idle).
POOL_USE_LIFO = True
_POOL = {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW, "pool_use_lifo": POOL_USE_LIFO}
# A process names its PostgreSQL connections after its role, so each web process can see how many
# web processes share the database (Database.web_processes) without a table to keep up to date.
WEB_ROLE = "web"
PEERS_TTL_S = 10.0  # a process started or stopped is noticed within this long; one cheap query per period
_COUNT_WEB = text("SELECT count(DISTINCT application_name) FROM pg_stat_activity"
                  " WHERE datname = current_database() AND application_name LIKE :pattern")


def application_name(role: str) -> str:
    """`rehearse-<role>:<host>:<pid>`: unique per process, within PostgreSQL's 63 characters."""
    return f"rehearse-{role}:{socket.gethostname()[:30]}:{os.getpid()}"[:63]


def normalise_url(url: str) -> str:
    """Accept the Heroku-style `postgres://` and plain `postgresql://` URLs; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str, role: str = "cli") -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        # A file gets the same pool as PostgreSQL: SQLAlchemy's default (5 + 10 overflow) opened and closed a
        # connection (a file open and five PRAGMAs) whenever more than 5 threads used the database at once.
        # In memory, SQLAlchemy's own pool (one connection per thread) is the only one that works.
        in_memory = make_url(url).database in (None, "", ":memory:") or "mode=memory" in url
        pool = {} if in_memory else _POOL
        # Writers queue in the process, not in SQLite's busy sleeps (storage.sqlite_writes).
        engine = create_engine(url, **pool, connect_args={"check_same_thread": False, "timeout": 30,
                                                          "factory": writer_factory()})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            # WAL lets the Slack worker threads read while one writes; FKs are off by default.
            cur = dbapi_conn.cursor()
            _switch_to_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")  # the standard WAL pairing: durable at checkpoints, no fsync per commit
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run outside the write lock (sqlite_writes)
            cur.close()

        return engine
    engine = create_engine(url, **_POOL, connect_args={"application_name": application_name(role)})
    _ping_when_idle(engine, IDLE_PING_S)
    return engine


WAL_SWITCH_TRIES = 100  # x up to 50 ms: seconds, far more than the switch of a fresh file takes


def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    """`PRAGMA journal_mode=WAL`, retried while another connection is switching the same fresh file.

    Two connections switching at once (serve, worker and `db upgrade` starting together on a new
    database) make SQLite refuse the second at once with "database is locked": it would deadlock
    waiting, so the busy timeout is not consulted. 6 threads opening a fresh file together failed in
    5 of 60 runs before this retry (issue #18 item 12's first-start test, flaky under load)."""
    for attempt in range(WAL_SWITCH_TRIES):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_SWITCH_TRIES - 1:
                raise
            time.sleep(min(0.005 * (attempt + 1), 0.05))


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Check a pooled connection before use only when it sat idle for `idle_s` or more.

    pool_pre_ping pinged on every checkout: a round trip before every unit of work, two per
    Slack turn (issue #26). A connection in steady use has just proven itself; the one that
    sat idle (through a database restart, a proxy's idle timeout) is the one worth checking.
    A connection dropped while in use still fails its statement once, and SQLAlchemy then
    drops every pooled connection made before it."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # noqa: BLE001 - any failure: the pool replaces this connection
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


class Database:
    """Owns the engine; hands out short-lived sessions whose objects outlive them."""

    def __init__(self, url: str, role: str = "cli") -> None:
        self.url = normalise_url(url)
        self.role = role
        self.engine = make_engine(self.url, role)
        self._peers_guard = threading.Lock()
        self._peers: tuple[float, int] = (float("-inf"), 1)  # (monotonic time read, count)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def web_processes(self) -> int:
        """How many web processes (`rehearse serve`, `rehearse run`) use this database now, this one
        included; always 1 on SQLite, which one web process serves. Cached for PEERS_TTL_S."""
        if not self.is_postgres:
            return 1
        with self._peers_guard:
            read_at, count = self._peers
            if time.monotonic() - read_at < PEERS_TTL_S:
                return count
            self._peers = (time.monotonic(), count)  # one reader per period; the others use the last count
        try:
            with self.engine.connect() as connection:
                seen = int(connection.execute(_COUNT_WEB, {"pattern": f"rehearse-{WEB_ROLE}:%"}).scalar() or 0)
        except Exception:  # the count only tunes ordering; a database hiccup must not fail a turn
            return count
        count = max(seen, 1)
        with self._peers_guard:
            self._peers = (time.monotonic(), count)
        return count

    def update(self, model: type[Row], key: object, **changes: Any) -> Row:
        """Set these columns on the row with this primary key; KeyError when there is none."""
        with self.session() as s:
            row = s.get(model, key)
            if row is None:
                raise KeyError(key)
            for name, value in changes.items():
                setattr(row, name, value)
            s.add(row)
            return row

    def dispose(self) -> None:
        self.engine.dispose()
