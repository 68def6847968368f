"""`rehearse db upgrade|current`."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.root import app
from bot.settings import get_settings

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations (also done automatically on start)."""
    from storage.db import Database
    from storage.migrate import current_revision
    from storage.migrate import upgrade as run_upgrade

    db = Database(get_settings().database_url)
    run_upgrade(db, revision)
    Console().print(f"Database at revision {current_revision(db)}")
