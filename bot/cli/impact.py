"""`rehearse impact --programme ID`: the measured effect of practice per behavior, as text or JSON."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console

from bot.cli.root import app
from bot.settings import get_settings

FORMATS = ("text", "json")


@app.command()
def impact(
    programme: int = typer.Option(..., "--programme", help="Programme id (see `rehearse programme list`)"),
    fmt: str = typer.Option("text", "--format", help="text or json"),
    as_person: int | None = typer.Option(
        None, "--as", help="Show it as this person may see it (enablement: aggregates; manager: their reports)"),
) -> None:
    """Change from baseline in the practising cohort and the holdout, their difference with a 95 % CI, and a verdict."""
    from bot.app import build_core
    from bot.impact.programmes import AccessDenied
    from bot.impact.report import render_text, to_json
    from bot.impact.reporting import Reporting
    from storage.repos.programmes import ProgrammeRepo

    console = Console(highlight=False, stderr=True)
    if fmt not in FORMATS:
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}, not '{fmt}'.[/red]")
        raise typer.Exit(2)
    core = build_core(get_settings())
    try:
        report = Reporting(core.clock, ProgrammeRepo(core.repos.db)).report(programme, as_person)
    except AccessDenied as exc:
        console.print(f"[red]Sorry: {exc}.[/red]")
        raise typer.Exit(1)
    if fmt == "json":
        sys.stdout.write(json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report) + "\n")
