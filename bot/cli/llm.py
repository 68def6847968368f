"""`rehearse llm check`: is the configured model reachable, fast enough, and answering in structure?"""

from __future__ import annotations

import typer

from bot.cli.root import app
from bot.settings import get_settings

llm_app = typer.Typer(help="The model behind the buyer and the judge.", no_args_is_help=True)
app.add_typer(llm_app, name="llm")


@llm_app.command("check")
def check(scenario: str = typer.Option("discovery-procurement-stall", "--scenario",
                                       help="Scenario id to run the sample turn on.")) -> None:
    """Send one buyer turn and one judge call to the configured provider and report how they went."""
    from bot.llm.providers import ProviderNotConfigured
    from bot.practice.llm_check import check_models
    from scenarios.loader import ScenarioLibrary

    settings = get_settings()
    library = ScenarioLibrary.load(settings.scenarios_dir)
    if scenario not in library:
        typer.echo(f"error: no scenario {scenario!r}; `rehearse scenarios list` shows the ids", err=True)
        raise typer.Exit(1)
    picked = library.get(scenario)
    try:
        results = check_models(settings, picked)
    except ProviderNotConfigured as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    # Plain lines, not a table: a model id is long and a table would squeeze it out of an 80-column terminal.
    for r in results:
        if r.provider == "offline":
            typer.echo(f"{r.role}: offline ({r.detail})")
            continue
        status = "ok" if r.ok else "FAILED"
        typer.echo(f"{r.role}: {status}  {r.provider}  {r.model}  {r.seconds:.2f} s")
        if r.ok:
            typer.echo(f"  tokens in {r.input_tokens:,} (cached {r.cached_tokens:,}), out {r.output_tokens:,}; "
                       f"structured output: {r.structured or '-'}")
            typer.echo(f"  {'says' if r.role == 'buyer' else 'scores'}: {r.detail}")
        else:
            typer.echo(f"  why: {r.detail}")
    if not all(r.ok for r in results):
        raise typer.Exit(1)
