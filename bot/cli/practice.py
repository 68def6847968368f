"""`rehearse practice` and `rehearse run`: practise in the terminal, or run every configured platform."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.errors import NOT_FOUND
from bot.cli.root import app
from bot.settings import get_settings

if TYPE_CHECKING:
    from scenarios.schema import Scenario


def console_practice(scenario_id: str | None, resume: bool = False, draft: Scenario | None = None) -> None:
    from bot.app import build_core
    from bot.practice.engine import PracticeOnHold
    from bot.runtime import load_platform
    from scenarios.loader import UnknownScenario

    settings = get_settings()
    core = build_core(settings)
    terminal = load_platform("console").build(core, settings)
    console = terminal.console
    try:
        terminal.practise(sys.stdin, scenario_id, resume=resume, draft=draft)
    except UnknownScenario as exc:
        console.print(f"[red]{escape(str(exc)[0].upper() + str(exc)[1:])}.[/red] See `rehearse scenarios list`.")
        raise typer.Exit(NOT_FOUND)
    except PracticeOnHold as exc:
        console.print(exc.user_message, markup=False)
        raise typer.Exit(NOT_FOUND)


@app.command()
def practice(
    scenario: str | None = typer.Argument(None, help="Scenario id (see `rehearse scenarios list`)"),
    resume: bool = typer.Option(False, "--resume", help="Continue your open terminal session"),
    file: Path | None = typer.Option(None, "--file", help="Try a scenario YAML file before publishing it"),
) -> None:
    """Practise one scenario in the terminal."""
    draft = None
    if file is not None:
        draft = _scenario_file(file)
        Console(highlight=False).print(f"Trying {file} ({draft.id}): the buyer plays it as reps will get it. "
                                       "Write `done` for the scorecard.", markup=False)
    console_practice(scenario, resume, draft)


def _scenario_file(path: Path) -> Scenario:
    """The file's scenario, or exit 2 with each problem's file, line and field (any file name will do)."""
    from scenarios.loader import ScenarioError, parse_scenario

    console = Console(stderr=True, highlight=False)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"error {path}: {getattr(exc, 'strerror', None) or 'not UTF-8 text'}", markup=False)
        raise typer.Exit(2) from None
    try:
        return parse_scenario(text, str(path))
    except ScenarioError as exc:
        for problem in exc.problems:
            console.print(f"error {problem}", markup=False)
        raise typer.Exit(2) from None


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
