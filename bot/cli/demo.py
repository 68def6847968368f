"""`rehearse demo`: six simulated weeks of a demo team, and the manager digest they produce."""

from __future__ import annotations

import secrets
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.root import app
from bot.settings import get_settings


@app.command()
def demo(
    weeks: int = typer.Option(6, min=1, max=12, help="Simulated weeks"),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the demo database and chart (default DATA_DIR/demo)"),
    seed: int = typer.Option(11, help="Random seed for the reps' habits"),
) -> None:
    """Seed a demo organisation, simulate weeks of practice, and print the manager digest."""
    from bot.demo.simulate import run_demo

    console = Console(highlight=False)
    folder = out or Path(get_settings().data_dir) / "demo"
    with console.status(f"Simulating {weeks} weeks of practice for a team of 8…"):
        result = run_demo(folder, weeks=weeks, seed=seed)
    table = Table("rep", "pushed", "practised", "ignored", title="Simulated practice")
    for rep in result.reps:
        table.add_row(rep.name, str(rep.offered), str(rep.finished), str(rep.ignored))
    console.print(table)
    console.print(f"{result.pushes_delivered} pushes delivered, {result.sessions_finished} sessions scored "
                  f"({result.rep_turns} rep turns), {result.nudges} nudges, {result.sessions_expired} expired, "
                  f"{result.digests_delivered} digests delivered — simulated in {result.wall_seconds:.1f} s.\n")
    typer.echo(result.digest_text)
    console.print(f"\nChart: {result.chart_path}")
    _full_report(console, folder, result.manager_id, result.period_start)


def _full_report(console: Console, folder: Path, manager_id: int, period_start: date) -> None:
    """The manager's link to the full report, and the command that serves it from the demo database.

    Signed on the real clock (not the simulation's), so it opens for REPORT_LINK_DAYS from now. Without a
    SECRET_KEY the demo makes one up and prints it with the command: it is only good for this database."""
    from bot.ports import SystemClock
    from bot.reports.handout import link_signer
    from bot.reports.links import MANAGER

    settings = get_settings()
    key = settings.secret_key or secrets.token_urlsafe(32)
    signer = link_signer(settings.model_copy(update={"secret_key": key}), SystemClock())
    assert signer is not None
    database = f"sqlite:///{(folder / 'demo.db').resolve()}"
    env = f"DATABASE_URL={database}" if settings.secret_key else f"SECRET_KEY={key} DATABASE_URL={database}"
    console.print(f"Explore it: DATABASE_URL={database} rehearse digest --manager {manager_id}", soft_wrap=True)
    console.print(f"Serve its report: {env} rehearse serve --port {settings.port}", soft_wrap=True)
    console.print(f"Full report: {signer.url(manager_id, MANAGER, period_start)}", soft_wrap=True)
