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
    """DATABASE_URL as configured (the settings may be what failed: then the raw environment)."""
    try:
        from bot.settings import get_settings

        return get_settings().database_url
    except Exception:  # noqa: BLE001 - the settings themselves may be what failed
        return os.environ.get("DATABASE_URL", "")


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
    from storage.errors import database_problem

    problem = database_problem(exc, _database_url())
    if problem is None:
        return None
    return problem.message, NOT_FOUND if problem.unreachable else BAD_INPUT


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
