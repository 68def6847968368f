"""Leader election for the scheduler: one process schedules, the others stand by.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) taken on a
dedicated connection that the leader keeps for its lifetime. When the leader
dies its connection closes, the lock goes with it, and the next standby to
try gets it. The lock key is derived from the schema, so separate schemas
(tests, staging beside production) elect separate leaders.
SQLite: an exclusive `flock` on a file beside the database, which the kernel
releases when the process dies; an in-memory database is always its own leader.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import IO, Any

from sqlalchemy import text

from storage.db import Database

log = logging.getLogger(__name__)

LOCK_NAME = "rehearse-scheduler"


class LeaderLock:
    """`try_acquire()` until it says True; `is_held()` says whether leadership is still ours."""

    def __init__(self, db: Database, name: str = LOCK_NAME) -> None:
        self.db = db
        self.name = name
        self._conn: Any = None  # PostgreSQL: the connection that holds the advisory lock
        self._file: IO[bytes] | None = None  # SQLite: the open, flocked lock file
        self._held = False
        self._guard = threading.Lock()

    def try_acquire(self) -> bool:
        with self._guard:
            if self._held and self._alive():
                return True
            self._drop()
            self._held = self._acquire_pg() if self.db.is_postgres else self._acquire_file()
            return self._held

    def is_held(self) -> bool:
        with self._guard:
            if self._held and not self._alive():
                log.warning("scheduler leadership lost (lock connection closed)")
                self._drop()
            return self._held

    def release(self) -> None:
        with self._guard:
            if self._held and self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(hashtext(:name || current_schema()))"),
                                       {"name": self.name})
                except Exception:  # the connection is going away anyway
                    pass
            self._drop()

    # ---- PostgreSQL -----------------------------------------------------------

    def _acquire_pg(self) -> bool:
        try:
            conn = self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except Exception:
            log.exception("cannot reach the database to elect a scheduler leader")
            return False
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(hashtext(:name || current_schema()))"),
                                {"name": self.name}).scalar())
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def _alive(self) -> bool:
        if self._conn is None:
            return self._file is not None or not self.db.is_postgres
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()  # never return a lock-holding connection to the pool
                self._conn.close()
            except Exception:
                pass
            self._conn = None
        if self._file is not None:
            self._file.close()  # closing the descriptor releases the flock
            self._file = None
        self._held = False

    # ---- SQLite ---------------------------------------------------------------

    def _acquire_file(self) -> bool:
        path = self._lock_path()
        if path is None:
            return True  # in-memory: nobody else can share it
        try:
            import fcntl
        except ImportError:  # no flock on this platform: one process per SQLite file, as documented
            return True
        handle = open(path, "ab")  # noqa: SIM115 - held open: the flock lasts as long as the handle
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def _lock_path(self) -> Path | None:
        database = self.db.engine.url.database
        if not database or database == ":memory:":
            return None
        return Path(os.path.abspath(database + ".leader"))
