"""`rehearse practice` and `rehearse run`: practise in the terminal, or run every configured platform."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.errors import NOT_FOUND
from bot.cli.root import app
from bot.settings import get_settings


def console_practice(scenario_id: str | None, resume: bool = False) -> None:
    from bot.app import build_core
    from bot.practice.engine import PracticeOnHold
    from bot.runtime import load_platform
    from scenarios.loader import UnknownScenario

    settings = get_settings()
    core = build_core(settings)
    terminal = load_platform("console").build(core, settings)
    console = terminal.console
    try:
        terminal.practise(sys.stdin, scenario_id, resume=resume)
    except UnknownScenario as exc:
        console.print(f"[red]{escape(str(exc)[0].upper() + str(exc)[1:])}.[/red] See `rehearse scenarios list`.")
        raise typer.Exit(NOT_FOUND)
    except PracticeOnHold as exc:
        console.print(exc.user_message, markup=False)
        raise typer.Exit(NOT_FOUND)


@app.command()
def practice(
    scenario: Optional[str] = typer.Argument(None, help="Scenario id (see `rehearse scenarios list`)"),
    resume: bool = typer.Option(False, "--resume", help="Continue your open terminal session"),
) -> None:
    """Practise one scenario in the terminal."""
    console_practice(scenario, resume)


@app.command()
def run() -> None:
    """Run every configured platform and the scheduler; with no tokens, practise in the terminal."""
    settings = get_settings()
    if not (settings.has_slack or settings.has_discord):
        Console().print("[dim]No SLACK_* or DISCORD_TOKEN set: practising in the terminal.[/dim]")
        console_practice(None)
        return
    from bot.runtime import run_everything

    run_everything(settings)
