"""Schema migrations with Alembic, run on start and by `rehearse db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text

from storage.db import Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: SQLite has no advisory locks: a write to this one-row table takes the database's write lock instead.
SQLITE_LOCK_TABLE = "rehearse_migration_lock"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))  # configparser interpolates %
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate under a database-wide lock, so `serve`, `worker` and `db upgrade` may start together.

    Without it two processes on a fresh database both saw no `alembic_version` and both
    created the schema; the second failed (and the worker exited 1). With it the second
    waits for the first to commit, then finds the schema at head and has nothing to do."""
    cfg = alembic_config(db.url)
    with db.engine.begin() as conn:
        _take_migration_lock(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _take_migration_lock(conn: Connection) -> None:
    """Hold a lock until this transaction ends: an advisory lock per schema on PostgreSQL,
    the write lock on SQLite (waited for up to the connection's busy timeout)."""
    if conn.dialect.name == "postgresql":
        # Per schema: two deployments (or test runs) in one database do not wait on each other.
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('rehearse-migrate:' || current_schema()))"))
    elif conn.dialect.name == "sqlite":
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {SQLITE_LOCK_TABLE} (id INTEGER PRIMARY KEY)"))
        conn.execute(text(f"DELETE FROM {SQLITE_LOCK_TABLE}"))  # a write: holds the write lock until commit


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def make_revision(url: str, message: str) -> None:
    """Developer helper: autogenerate a new revision against an up-to-date database."""
    command.revision(alembic_config(url), message=message, autogenerate=True)
