"""First start: processes that migrate a fresh database at the same moment all come up (issue 18, item 12)."""

from __future__ import annotations

import threading
from pathlib import Path

from storage.db import Database
from storage.migrate import current_revision, upgrade

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def _upgrade_together(url: str, processes: int) -> tuple[list[BaseException], list[str | None]]:
    """Run `processes` upgrades of one fresh database released by one barrier, like serve + worker + release."""
    start = threading.Barrier(processes)
    failures: list[BaseException] = []
    revisions: list[str | None] = []

    def one() -> None:
        db = Database(url)
        try:
            start.wait()
            upgrade(db)
            revisions.append(current_revision(db))
        except BaseException as exc:  # noqa: BLE001 - the test reports every failure
            failures.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=one, daemon=True) for _ in range(processes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "a migration never finished (lock never released?)"
    return failures, revisions


def test_three_processes_migrating_a_fresh_database_together_all_start(db_url: str) -> None:
    failures, revisions = _upgrade_together(db_url, 3)

    assert failures == []
    assert len(set(revisions)) == 1 and revisions[0] is not None


def test_a_second_upgrade_of_a_migrated_database_is_a_no_op(db_url: str) -> None:
    db = Database(db_url)
    try:
        upgrade(db)
        first = current_revision(db)
        upgrade(db)
        assert current_revision(db) == first
    finally:
        db.dispose()


def test_the_platform_migrates_once_in_a_release_phase_before_web_and_worker_start() -> None:
    processes = dict(line.split(":", 1) for line in PROCFILE.read_text().splitlines() if line.strip())

    assert processes["release"].strip() == "rehearse db upgrade"
    assert {"web", "worker"} <= set(processes)


def test_processes_opening_a_fresh_sqlite_file_at_the_same_moment_all_connect(tmp_path: Path) -> None:
    """Each new connection switches the file to WAL; two switching at once used to fail the second
    ("database is locked", about one round in twelve with six openers)."""
    from sqlalchemy import text

    for round_ in range(30):
        url = f"sqlite:///{tmp_path / f'fresh-{round_}.db'}"
        start = threading.Barrier(6)
        failures: list[BaseException] = []

        def one(url: str = url, start: threading.Barrier = start, failures: list[BaseException] = failures) -> None:
            db = Database(url)
            try:
                start.wait()
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except BaseException as exc:  # noqa: BLE001 - the test reports every failure
                failures.append(exc)
            finally:
                db.dispose()

        threads = [threading.Thread(target=one, daemon=True) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert failures == [], f"round {round_}: {failures[0]}"
