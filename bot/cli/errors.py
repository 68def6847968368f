"""One line instead of a traceback for the mistakes a newcomer makes, and the CLI's one exit-code scheme.

Exit codes, for every `rehearse` command (README "Exit codes"):
- 0 ok;
- 1 not found: an id, name, file or folder that does not exist, a database that cannot be reached,
  or something the acting person may not see;
- 2 bad input: a wrong option or argument (Typer's usage errors are 2 too), a bad setting,
  a file with problems in it.

A bug still gets its traceback: only the failures listed in `explain` are translated.
"""

from __future__ import annotations

import os
import traceback
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

OK, NOT_FOUND, BAD_INPUT = 0, 1, 2

_err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print one plain line to stderr (no markup is read from `message`) and exit with `code`."""
    _err.print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(code)


def _database_url() -> str:
    """DATABASE_URL as configured, password hidden; the raw value when it does not parse."""
    try:
        from bot.settings import get_settings

        raw = get_settings().database_url
    except Exception:  # noqa: BLE001 - the settings themselves may be what failed
        raw = os.environ.get("DATABASE_URL", "")
    try:
        from sqlalchemy.engine import make_url

        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - garbage is shown as typed
        return raw


def _from_dotenv(exc: BaseException) -> bool:
    return any("dotenv" in frame.filename for frame in traceback.extract_tb(exc.__traceback__))


def _settings_problem(exc: BaseException) -> str | None:
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return None
    first = exc.errors()[0]
    name = ".".join(str(p) for p in first["loc"]).upper() or "a setting"
    value = first.get("input")
    shown = f" '{value}'" if isinstance(value, (str, int, float)) else ""
    return (f"Setting {name}{shown} is not valid: {first['msg'].lower()}. "
            "Fix it in the environment or .env (see README, Configuration).")


def _database_problem(exc: BaseException) -> tuple[str, int] | None:
    from sqlalchemy import exc as sa

    url = _database_url()
    if isinstance(exc, sa.ArgumentError) or isinstance(exc, sa.NoSuchModuleError):
        return (f"DATABASE_URL '{url}' is not a database URL Rehearse can use: write sqlite:///rehearse.db "
                "or postgresql://user@host/db.", BAD_INPUT)
    if isinstance(exc, ModuleNotFoundError) and any("sqlalchemy/dialects" in f.filename.replace("\\", "/")
                                                    for f in traceback.extract_tb(exc.__traceback__)):
        return (f"DATABASE_URL '{url}' needs a database driver that is not installed ({exc.name}); "
                "Rehearse supports sqlite:/// and postgresql://.", BAD_INPUT)
    if isinstance(exc, (sa.OperationalError, sa.InterfaceError)):
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()
        detail = reason[0] if reason else type(exc).__name__
        if "connection refused" in str(exc).lower():
            detail = "connection refused"
        hint = "does its folder exist?" if url.startswith("sqlite") else "is the server running?"
        return f"Cannot open the database at DATABASE_URL '{url}' ({detail}): {hint}", NOT_FOUND
    return None


def explain(exc: BaseException) -> tuple[str, int] | None:
    """(one line for the user, exit code) for a known failure; None for anything else (a bug)."""
    settings = _settings_problem(exc)
    if settings:
        return settings, BAD_INPUT
    if isinstance(exc, UnicodeDecodeError) and _from_dotenv(exc):
        return "The .env file is not UTF-8 text: save it as UTF-8, or remove it.", BAD_INPUT
    from scenarios.loader import ScenarioError

    if isinstance(exc, ScenarioError):  # every problem, one line each (`rehearse scenarios validate` shows the same)
        return "\n".join(f"error {p}" for p in exc.problems), BAD_INPUT
    database = _database_problem(exc)
    if database:
        return database
    if isinstance(exc, OSError) and exc.filename:
        reason = exc.strerror or type(exc).__name__
        return f"Cannot use {exc.filename}: {reason}. Check the path and that its folder exists.", NOT_FOUND
    return None
