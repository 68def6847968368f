"""`rehearse links`: hand out or withdraw the signed links to the report pages."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.root import app
from bot.settings import get_settings

links_app = typer.Typer(help="Links to the report pages: print one, or withdraw a person's links.",
                        no_args_is_help=True)
app.add_typer(links_app, name="links")


@links_app.command("show")
def show(person: int = typer.Option(..., "--person", help="Person id"),
         view: str = typer.Option("rep", "--view", help="rep (their own history), manager or enablement")) -> None:
    """Print a fresh link to a person's report page."""
    from bot.app import build_core
    from bot.reports.links import VIEWS, LinkError

    err = Console(stderr=True, highlight=False)
    if view not in VIEWS:
        err.print(f"'{view}' is not a report view: use {', '.join(VIEWS)}.")
        raise typer.Exit(2)
    core = build_core(get_settings())
    try:
        typer.echo(core.reports.link(person, view))
    except LinkError as exc:
        err.print(exc.message)
        raise typer.Exit(2 if exc.status in (403, 503) else 1)


@links_app.command("revoke")
def revoke(person: int = typer.Option(..., "--person", help="Person id")) -> None:
    """Withdraw every link a person holds (a forwarded digest, a lost phone); new ones work."""
    from bot.app import build_core

    core = build_core(get_settings())
    if core.repos.people.get(person) is None:
        Console(stderr=True).print(f"No person with id {person}.")
        raise typer.Exit(1)
    core.reports.revoke(person)
    typer.echo(f"Every report link of person {person} handed out until now is withdrawn.")
