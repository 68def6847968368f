"""Is the database ready: reachable within a deadline, the file still there, the schema at head?

Used by `/readyz`. A probe runs on its own thread so a PostgreSQL server that
accepts the connection but never answers cannot hold the health check past
its deadline; the probe is abandoned, not cancelled (the pool's connection
times out on its own).
"""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import Database
from storage.migrate import HEAD_REVISION, current_revision

_PROBES = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="db-probe")


def database_problem(db: Database, timeout_s: float = 1.0) -> str | None:
    """Why the database is not ready, or None when it is."""
    url = make_url(db.url)
    # SQLite would create an empty file on connect, and an open connection keeps reading a deleted one.
    file = url.database if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") else None
    if file is not None and not Path(file).exists():
        return f"database file {file} is missing"
    probe = _PROBES.submit(current_revision, db)  # its query fails when the database cannot answer
    try:
        current = probe.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError:
        return f"database did not answer within {timeout_s:g} s"
    except Exception as exc:  # noqa: BLE001 - any failure to query is "not ready"; the reason is the class name
        return f"database unreachable ({type(exc).__name__})"
    if current != HEAD_REVISION:
        return f"schema at {current or 'nothing'}, migrations at {HEAD_REVISION}: run `rehearse db upgrade`"
    return None

