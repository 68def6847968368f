"""SQLite writers queue on a lock in the process (issue #26), so none sleeps in SQLite's busy handler."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from storage import Repositories
from storage.db import Database

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def _lock(db: Database) -> threading.Lock:
    with db.engine.connect() as conn:
        return conn.connection.dbapi_connection.write_lock  # type: ignore[union-attr]


def test_a_write_transaction_holds_the_lock_until_it_commits_and_reads_take_none(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'w.db'}")
    lock = _lock(db)
    with db.engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (k TEXT PRIMARY KEY)"))
        conn.commit()
        conn.execute(text("SELECT count(*) FROM t")).scalar()
        assert not lock.locked()
        conn.execute(text("INSERT INTO t VALUES ('a')"))
        assert lock.locked()
        conn.commit()
        assert not lock.locked()
        conn.execute(text("INSERT INTO t VALUES ('b')"))
        conn.rollback()
        assert not lock.locked()
    db.dispose()


def test_a_refused_autocommitted_write_gives_the_lock_back(tmp_path: Path) -> None:
    repos = Repositories.open(f"sqlite:///{tmp_path / 'r.db'}")
    assert repos.events.receive("slack:Ev1", {"text": "hi"}, NOW)
    assert not repos.events.receive("slack:Ev1", {"text": "hi"}, NOW)  # the duplicate: an IntegrityError inside
    assert not _lock(repos.db).locked()
    repos.db.dispose()


def test_writers_on_many_threads_all_land_and_leave_the_lock_free(tmp_path: Path) -> None:
    repos = Repositories.open(f"sqlite:///{tmp_path / 'm.db'}")
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(30):
                repos.events.receive(f"slack:Ev{i}", {"n": n}, NOW)  # every thread races for the same keys
                repos.events.finish(f"slack:Ev{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in threads)
    assert repos.events.backlog() == 0
    assert not _lock(repos.db).locked()
    repos.db.dispose()


def test_checkpoints_run_on_their_own_thread_after_the_lock_is_given_back(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # A checkpoint ends in an fsync (4-6 ms): no writer, and no request it serves, waits for one.
    import time

    import storage.sqlite_writes as writes

    monkeypatch.setattr(writes, "CHECKPOINT_EVERY", 3)
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    lock = _lock(db)
    locked_at_write: list[bool] = []
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0  # not inside SQLite's COMMIT
        raw = conn.connection.dbapi_connection
        checkpointer = raw.checkpointer  # type: ignore[union-attr]
        original = raw.wrote  # type: ignore[union-attr]

        def wrote() -> None:
            original()
            locked_at_write.append(lock.locked())

        raw.wrote = wrote  # type: ignore[union-attr]
        conn.execute(text("CREATE TABLE t (k INTEGER PRIMARY KEY)"))
        conn.commit()
        for i in range(7):
            conn.execute(text("INSERT INTO t VALUES (:k)"), {"k": i})
            conn.commit()
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 7
    assert locked_at_write == [False] * 7  # every commit of a write counted, each with the lock already free
    deadline = time.monotonic() + 30  # a condition, not a pause
    while checkpointer.runs < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert checkpointer.runs >= 1
    assert any(t.name == "sqlite-checkpoint" for t in threading.enumerate())
    db.dispose()


def test_the_checkpoint_thread_ends_when_idle_and_the_next_request_starts_another(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import time

    import storage.sqlite_writes as writes

    monkeypatch.setattr(writes, "CHECKPOINTER_IDLE_S", 0.05)
    path = str(tmp_path / "idle.db")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (k INTEGER)")
    checkpointer = writes.Checkpointer()

    def until(condition) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 30  # a condition, not a pause
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert condition()

    checkpointer.request(path)
    until(lambda: checkpointer.runs == 1)
    until(lambda: not checkpointer.running)
    checkpointer.request(path)
    until(lambda: checkpointer.runs == 2)
    checkpointer.request(str(tmp_path / "gone" / "x.db"))  # a file that cannot be opened: no thread is left stuck
    until(lambda: not checkpointer.running)
