"""Shared fixtures: databases (SQLite always, PostgreSQL when REHEARSE_TEST_PG is set) and a test bot."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from storage import Repositories

PG_URL = os.environ.get("REHEARSE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _pg_enabled() -> bool:
    return bool(os.environ.get("REHEARSE_TEST_PG"))


PG_NOTE = "PostgreSQL tests need REHEARSE_TEST_PG=1 (set by .ci/run)"


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    params = callspec.params.values() if callspec is not None else ()
    return "postgres" in params or "pg_url" in getattr(item, "fixturenames", ()) or item.get_closest_marker("postgres") is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without REHEARSE_TEST_PG, PostgreSQL variants are deselected and counted in one line at the end,
    rather than skipped one by one (a hundred identical skip lines buried `make test`'s summary)."""
    if _pg_enabled():
        return
    kept, deselected = [], []
    for item in items:
        (deselected if _needs_postgres(item) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
        config.stash[_PG_DESELECTED] = len(deselected)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    count = config.stash.get(_PG_DESELECTED, 0)
    if count:
        terminalreporter.write_line(f"{count} PostgreSQL tests not run: set REHEARSE_TEST_PG=1 to run them (.ci/run does).")


_PG_DESELECTED = pytest.StashKey[int]()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rehearse.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL schema per test, dropped afterwards."""
    if not _pg_enabled():
        pytest.skip(PG_NOTE)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every storage test runs on both databases."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def repos(db_url: str) -> Iterator[Repositories]:
    r = Repositories.open(db_url)
    yield r
    r.db.dispose()
