"""One writer at a time on SQLite, queued in the process instead of in SQLite's busy handler.

SQLite lets one connection write at a time. A second writer that finds the lock
taken is put to sleep by SQLite's busy handler for 1, 2, 5, 10... ms and tries
again, however soon the first one commits. With the Slack work threads storing
turns while the HTTP threads store acknowledged events, those sleeps were the
slow tail of a turn (issue #26). Here a writing connection first takes a
process-wide lock, held from its first INSERT/UPDATE/DELETE until it commits or
rolls back, so the next writer starts the moment the lock is free. Reads take
no lock (WAL lets them run beside the writer).

Other processes (the worker, a CLI command) still meet SQLite's own lock and
busy handler, as before; and a writer that cannot get the lock within
WAIT_S writes anyway, so the worst case is SQLite's own behaviour.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

WAIT_S = 30.0  # as long as SQLite's busy timeout: past it, the old behaviour (SQLite's lock alone)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _WriterConnection(sqlite3.Connection):
    """A sqlite3 connection that gives the process's write lock back when its transaction ends."""

    write_lock: threading.Lock  # set on the per-engine subclass
    holding = False

    def take_write_lock(self) -> None:
        if not self.holding:
            self.holding = self.write_lock.acquire(timeout=WAIT_S)

    def drop_write_lock(self) -> None:
        if self.holding:
            self.holding = False
            self.write_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.drop_write_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.drop_write_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.drop_write_lock()


def writer_factory() -> type[sqlite3.Connection]:
    """A connection class for one engine (sqlite3.connect's `factory=`), with that engine's own lock."""
    return type("WriterConnection", (_WriterConnection,), {"write_lock": threading.Lock()})


def serialise_writes(engine: Engine) -> None:
    """Take the lock before a connection's first write; an autocommitted write gives it back at once."""

    def writer(conn: Any) -> _WriterConnection | None:
        dbapi = conn.connection.dbapi_connection
        return dbapi if isinstance(dbapi, _WriterConnection) else None

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip()[:6].upper() in _WRITES:
            connection = writer(conn)
            if connection is not None:
                connection.take_write_lock()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, _statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        connection = writer(conn)
        if connection is not None and connection.holding and not connection.in_transaction:
            connection.drop_write_lock()  # autocommit: the write is already committed

    @event.listens_for(engine, "handle_error")
    def _failed(context) -> None:  # type: ignore[no-untyped-def]
        connection = context.connection
        dbapi = writer(connection) if connection is not None and not connection.closed else None
        if dbapi is not None and dbapi.holding and not dbapi.in_transaction:
            dbapi.drop_write_lock()  # a refused autocommitted write (a duplicate event); else rollback drops it
