"""`rehearse scenarios list|show|validate`.

`show` writes plain YAML (no Rich: Rich wraps at 80 columns when piped, which broke
`scenarios show ID > file.yaml`); `list` prints whole ids at any width (bot/cli/output.py).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import typer
from rich.console import Console
from rich.markup import escape

from bot.cli.errors import BAD_INPUT, NOT_FOUND
from bot.cli.output import print_rows
from bot.cli.root import app
from bot.settings import get_settings
from scenarios.loader import ScenarioError, ScenarioLibrary, UnknownScenario, load_file

scenarios_app = typer.Typer(help="List, show and validate practice scenarios.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

err = Console(stderr=True, highlight=False, soft_wrap=True)


def _problems(exc: ScenarioError, console: Console = err) -> None:
    for problem in exc.problems:
        console.print(f"[red]error[/red] {escape(str(problem))}")


def _library() -> ScenarioLibrary:
    try:
        return ScenarioLibrary.load(get_settings().scenarios_dir)
    except ScenarioError as exc:
        _problems(exc)
        raise typer.Exit(BAD_INPUT)


@scenarios_app.command("list")
def list_scenarios(kind: str = typer.Option(None, help="practice or assessment")) -> None:
    """Every scenario with its target behaviors (whole ids at any width; tab-separated when piped)."""
    rows = [(s.id, s.title, s.skill_area, ", ".join(s.behaviors), s.kind)
            for s in sorted(_library().all(kind), key=lambda s: (s.kind, s.id))]
    print_rows(("id", "title", "area", "behaviors", "kind"), rows, title="Scenarios")


@scenarios_app.command("show")
def show(scenario_id: str) -> None:
    """One scenario in full, as YAML you can redirect to a file and edit."""
    import yaml

    try:
        scenario = _library().get(scenario_id)
    except UnknownScenario as exc:
        err.print(f"[red]{escape(str(exc)[0].upper() + str(exc)[1:])}.[/red]")
        raise typer.Exit(NOT_FOUND)
    sys.stdout.write(yaml.safe_dump(scenario.model_dump(mode="json", exclude_defaults=False), sort_keys=False,
                                    allow_unicode=True, width=float("inf")))


@scenarios_app.command("validate")
def validate(paths: List[Path] = typer.Argument(None, help="Files or folders; default: every scenario")) -> None:
    """Check scenario files; every problem in every file is reported, each with its file, line and field."""
    out = Console(highlight=False, soft_wrap=True)
    if not paths:
        try:
            library = ScenarioLibrary.load(get_settings().scenarios_dir)
        except ScenarioError as exc:
            _problems(exc, out)
            raise typer.Exit(BAD_INPUT)
        out.print(f"[green]All {len(library.ids())} scenarios are valid.[/green]")
        return
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.y*ml")) if p.is_dir() else [p])
    bad = missing = 0
    for f in files:
        try:
            load_file(f)
            out.print(f"[green]ok[/green] {escape(str(f))}")
        except ScenarioError as exc:
            bad += 1
            _problems(exc, out)  # the report is this command's output
        except OSError as exc:
            missing += 1
            out.print(f"[red]error[/red] {escape(str(f))}: {escape(exc.strerror or str(exc))}")
    if bad:
        raise typer.Exit(BAD_INPUT)
    if missing:
        raise typer.Exit(NOT_FOUND)
