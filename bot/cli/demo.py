"""`rehearse demo`: six simulated weeks of a demo team, and the manager digest they produce."""

from __future__ import annotations

import secrets
import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.root import app
from bot.settings import get_settings

if TYPE_CHECKING:
    from bot.demo.simulate import DemoResult


@app.command()
def demo(
    weeks: int = typer.Option(6, min=1, max=12, help="Simulated weeks"),
    out: Path | None = typer.Option(None, "--out", help="Folder for the demo database and chart (default DATA_DIR/demo)"),
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
    typer.echo("\n" + explore_text(result))
    _full_report(console, result)


def explore_commands(result: DemoResult) -> list[tuple[str, str]]:
    """(what it shows, the exact command) for exploring the demo's own database afterwards."""
    env = f"DATABASE_URL={shlex.quote(result.database_url)}"
    period = result.period_start.isoformat()
    return [
        ("who is who (ids for the commands below)", f"{env} rehearse people list"),
        ("the manager's digest, as printed above", f"{env} rehearse digest --manager {result.manager_id} --period {period}"),
        ("the same digest as an HTML report (prints its path)",
         f"{env} rehearse digest --manager {result.manager_id} --period {period} --format html"),
        ("the enablement view: team figures", f"{env} rehearse digest --enablement {result.enablement_id} --period {period}"),
        ("one rep's progress", f"{env} rehearse progress --person {result.rep_id}"),
        ("pushes and nudges the scheduler sent", f"{env} rehearse cadence status --days {7 * result.weeks + 7}"),
        ("Claude usage (none: the demo runs offline)", f"{env} rehearse usage"),
    ]


def explore_text(result: DemoResult) -> str:
    lines = ["Explore what the demo made (its own database, so your rehearse.db is untouched):"]
    for what, command in explore_commands(result):
        lines += [f"  # {what}", f"  {command}"]
    return "\n".join(lines)


def _full_report(console: Console, result: DemoResult) -> None:
    """The manager's link to the full report, last, after the command that serves it from the demo database.

    Signed on the real clock (not the simulation's), so it opens for REPORT_LINK_DAYS from now. Without a
    SECRET_KEY the demo makes one up and prints it with the command: it is only good for this database."""
    from bot.ports import SystemClock
    from bot.reports.handout import link_signer
    from bot.reports.links import MANAGER

    settings = get_settings()
    key = settings.secret_key or secrets.token_urlsafe(32)
    signer = link_signer(settings.model_copy(update={"secret_key": key}), SystemClock())
    assert signer is not None
    env = f"DATABASE_URL={shlex.quote(result.database_url)}"
    if not settings.secret_key:
        env = f"SECRET_KEY={key} {env}"
    console.print(f"\nServe its full report: {env} rehearse serve --port {settings.port}", soft_wrap=True)
    console.print(f"Full report: {signer.url(result.manager_id, MANAGER, result.period_start)}", soft_wrap=True)
