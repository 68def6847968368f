"""Database failures a person can fix, in words: a DATABASE_URL that is not a URL, a missing driver,
a server that does not answer. Only storage imports the database libraries (import-linter), so the
CLI asks here rather than catching sqlalchemy's exceptions itself."""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from sqlalchemy import exc as sa
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class DatabaseProblem:
    message: str
    unreachable: bool  # True: the URL is fine but the database cannot be opened; False: the URL itself is wrong


def shown_url(raw: str) -> str:
    """A DATABASE_URL as it may be shown: the password hidden; the raw text when it does not parse."""
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - garbage is shown as typed
        return raw


def database_problem(exc: BaseException, raw_url: str) -> DatabaseProblem | None:
    """What went wrong opening the database at `raw_url`, for a person; None when `exc` is not that."""
    url = shown_url(raw_url)
    if isinstance(exc, (sa.ArgumentError, sa.NoSuchModuleError)):
        return DatabaseProblem(f"DATABASE_URL '{url}' is not a database URL Rehearse can use: write "
                               "sqlite:///rehearse.db or postgresql://user@host/db.", unreachable=False)
    if isinstance(exc, ModuleNotFoundError) and any("sqlalchemy/dialects" in f.filename.replace("\\", "/")
                                                    for f in traceback.extract_tb(exc.__traceback__)):
        return DatabaseProblem(f"DATABASE_URL '{url}' needs a database driver that is not installed ({exc.name}); "
                               "Rehearse supports sqlite:/// and postgresql://.", unreachable=False)
    if isinstance(exc, (sa.OperationalError, sa.InterfaceError)):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        detail = "connection refused" if "connection refused" in str(exc).lower() else (reason[0] if reason else
                                                                                       type(exc).__name__)
        hint = "does its folder exist?" if url.startswith("sqlite") else "is the server running?"
        return DatabaseProblem(f"Cannot open the database at DATABASE_URL '{url}' ({detail}): {hint}",
                               unreachable=True)
    return None
