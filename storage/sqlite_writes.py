"""One writer at a time on SQLite, queued in the process instead of in SQLite's busy handler.

SQLite lets one connection write at a time. A second writer that finds the lock
taken is put to sleep by SQLite's busy handler for 1, 2, 5, 10... ms and tries
again, however soon the first one commits. With the Slack work threads storing
turns while the HTTP threads store acknowledged events, those sleeps were the
slow tail of a turn (issue #26). Here a writing connection first takes a
process-wide lock, held from its first INSERT/UPDATE/DELETE until it commits or
rolls back, so the next writer starts the moment the lock is free. Reads take
no lock (WAL lets them run beside the writer). The connection's own cursors
take and give back the lock: done in SQLAlchemy's before/after_cursor_execute
events it cost 40-60 µs of CPU per write (three event dispatches and a lookup
of the driver connection), a fifth of storing an acknowledged event.

Other processes (the worker, a CLI command) still meet SQLite's own lock and
busy handler, as before; and a writer that cannot get the lock within
WAIT_S writes anyway, so the worst case is SQLite's own behaviour.

SQLite's automatic WAL checkpoint runs inside the COMMIT that crosses 1,000
pages (10-40 ms of copying and fsync here), which would hold the lock and stall
every other writer. So a connection leaves checkpoints to this module
(`wal_autocheckpoint=0` at connect): every CHECKPOINT_EVERY writes, a passive
checkpoint (which blocks neither readers nor writers) runs on a thread of its
own, with a connection of its own. It ends in an fsync of the database file,
4-6 ms on this machine: run by the writer that had just committed, it made the
request that writer was serving wait, and one write in 200 is a rep's message
being stored before Slack's acknowledgement (issue #26).
"""

from __future__ import annotations

import itertools
import sqlite3
import threading
from typing import Any, Self

WAIT_S = 30.0  # as long as SQLite's busy timeout: past it, the old behaviour (SQLite's lock alone)
CHECKPOINT_EVERY = 200  # committed writes; a few pages each, so well under SQLite's default of 1,000 pages
CHECKPOINTER_IDLE_S = 60.0  # the checkpoint thread ends after this long without work; the next one starts it again
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class Checkpointer:
    """Passive WAL checkpoints for one database file, on a thread of its own, asked for by writers."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._due = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0  # checkpoints run so far (tests read it)

    @property
    def running(self) -> bool:
        """Whether its thread is up (it ends after CHECKPOINTER_IDLE_S without work)."""
        with self._guard:
            return self._thread is not None

    def request(self, path: str) -> None:
        """Checkpoint `path` soon; returns at once."""
        self._due.set()
        with self._guard:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, args=(path,), name="sqlite-checkpoint",
                                                daemon=True)
                self._thread.start()

    def _run(self, path: str) -> None:
        try:
            connection = sqlite3.connect(path, timeout=WAIT_S)
            try:
                connection.execute("PRAGMA synchronous=NORMAL")  # as the writers': fsync the database file only
                while self._due.wait(CHECKPOINTER_IDLE_S) or not self._done_waiting():
                    self._due.clear()
                    try:
                        connection.execute("PRAGMA wal_checkpoint(PASSIVE)").close()
                        self.runs += 1
                    except sqlite3.Error:
                        pass  # a checkpoint that cannot run now runs next time
            finally:
                connection.close()
        except sqlite3.Error:
            pass  # the file went away (or cannot be opened): checkpoints are only ever an optimisation
        finally:
            with self._guard:
                if self._thread is threading.current_thread():
                    self._thread = None  # the next request starts another

    def _done_waiting(self) -> bool:
        """Idle long enough: end, unless a request came in just now."""
        with self._guard:
            if self._due.is_set():
                return False
            self._thread = None
            return True


class _WriterConnection(sqlite3.Connection):
    """A sqlite3 connection that gives the process's write lock back when its transaction ends."""

    write_lock: threading.Lock  # set on the per-engine subclass
    writes: itertools.count[int]  # the engine's committed writes, for the checkpoint
    checkpointer: Checkpointer  # the engine's
    holding = False

    def cursor(self, factory: Any = None) -> Any:  # type: ignore[override]  # the stub's overloads, one body
        return super().cursor(factory or _WriterCursor)

    def take_write_lock(self) -> None:
        if not self.holding:
            self.holding = self.write_lock.acquire(timeout=WAIT_S)

    def drop_write_lock(self) -> None:
        if self.holding:
            self.holding = False
            self.write_lock.release()

    def wrote(self) -> None:
        """A write was committed and the lock given back: ask for a checkpoint of the WAL when one is due."""
        self.drop_write_lock()
        if next(self.writes) % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1:
            path = self.execute("PRAGMA database_list").fetchone()[2]
            if path:  # not an in-memory database, which has no WAL
                self.checkpointer.request(path)

    def commit(self) -> None:
        holding = self.holding
        try:
            super().commit()
        finally:
            self.drop_write_lock()
        if holding:
            self.wrote()

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


class _WriterCursor(sqlite3.Cursor):
    """Takes its connection's write lock before a write; an autocommitted write gives it back at once."""

    connection: _WriterConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        return self._write(sql, super().execute, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Self:
        return self._write(sql, super().executemany, parameters)

    def _write(self, sql: str, run: Any, parameters: Any) -> Self:
        connection = self.connection
        if sql.lstrip()[:6].upper() in _WRITES:
            connection.take_write_lock()
        try:
            run(sql, parameters)
        except BaseException:
            if connection.holding and not connection.in_transaction:
                connection.drop_write_lock()  # a refused autocommitted write (a duplicate event); else rollback drops it
            raise
        if connection.holding and not connection.in_transaction:
            connection.wrote()  # autocommit: the write is already committed
        return self


def writer_factory() -> type[sqlite3.Connection]:
    """A connection class for one engine (sqlite3.connect's `factory=`), with that engine's own lock."""
    return type("WriterConnection", (_WriterConnection,), {"write_lock": threading.Lock(), "writes": itertools.count(),
                                                           "checkpointer": Checkpointer()})
