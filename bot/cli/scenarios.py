"""`rehearse scenarios list|show|validate`."""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.root import app
from bot.settings import get_settings
from scenarios.loader import ScenarioError, ScenarioLibrary, UnknownScenario, load_file

scenarios_app = typer.Typer(help="List, show and validate practice scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")


def _library(console: Console) -> ScenarioLibrary:
    try:
        return ScenarioLibrary.load(get_settings().scenarios_dir)
    except ScenarioError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)


@scenarios_app.command("list")
def list_scenarios(kind: str = typer.Option(None, help="practice or assessment")) -> None:
    """Every scenario with its target behaviors."""
    console = Console()
    table = Table("id", "title", "area", "behaviors", "kind")
    for s in sorted(_library(console).all(kind), key=lambda s: (s.kind, s.id)):
        table.add_row(s.id, s.title, s.skill_area, ", ".join(s.behaviors), s.kind)
    console.print(table)


@scenarios_app.command("show")
def show(scenario_id: str) -> None:
    """One scenario in full."""
    console = Console()
    try:
        scenario = _library(console).get(scenario_id)
    except UnknownScenario as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    import yaml

    console.print(yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False, allow_unicode=True))


@scenarios_app.command("validate")
def validate(paths: List[Path] = typer.Argument(None, help="Files or folders; default: every scenario")) -> None:
    """Check scenario files; each problem names the file, line and field."""
    console = Console()
    files: list[Path] = []
    for p in paths or []:
        files.extend(sorted(p.glob("*.y*ml")) if p.is_dir() else [p])
    if not paths:
        _library(console)
        console.print("[green]All scenarios are valid.[/green]")
        return
    bad = 0
    for f in files:
        try:
            load_file(f)
            console.print(f"[green]ok[/green] {f}")
        except ScenarioError as exc:
            bad += 1
            for problem in exc.problems:
                console.print(f"[red]error[/red] {problem}", highlight=False, markup=False)
        except OSError as exc:
            bad += 1
            console.print(f"[red]error[/red] {f}: {exc.strerror}")
    if bad:
        raise typer.Exit(2)
