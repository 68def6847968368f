"""`rehearse privacy export|delete|purge` and `rehearse roster import`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import track

from bot.cli.errors import BAD_INPUT, NOT_FOUND, fail
from bot.cli.root import app
from bot.settings import get_settings

privacy_app = typer.Typer(help="Export or erase a person's data; purge by retention.", no_args_is_help=True)
roster_app = typer.Typer(help="Import people, roles, teams and managers.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")
app.add_typer(roster_app, name="roster")


def _core():  # type: ignore[no-untyped-def]
    from bot.app import build_core

    return build_core(get_settings())


@privacy_app.command("export")
def export(person: int = typer.Option(..., "--person", help="Person id"),
           out: Path | None = typer.Option(None, "--out", help="Write to a file instead of stdout")) -> None:
    """All of a person's data as JSON."""
    from bot.people.privacy import PrivacyService

    core = _core()
    try:
        data = PrivacyService(core.repos, core.settings, core.clock).export(person)
    except KeyError:
        fail(f"No person with id {person}. `rehearse people list` shows everyone's id.", NOT_FOUND)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if out:
        out.write_text(text, encoding="utf-8")
        Console().print(f"Wrote {out}")
    else:
        sys.stdout.write(text + "\n")


@privacy_app.command("delete")
def delete(person: int = typer.Option(..., "--person", help="Person id"),
           yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation")) -> None:
    """Erase a person's transcripts, audio, scores and sessions."""
    from bot.people.privacy import PrivacyService

    console = Console()
    if not yes and not typer.confirm(f"Erase every session, transcript, clip and score of person {person}?"):
        raise typer.Exit(1)
    core = _core()
    try:
        counts = PrivacyService(core.repos, core.settings, core.clock).erase(person)
    except KeyError:
        fail(f"No person with id {person}. `rehearse people list` shows everyone's id.", NOT_FOUND)
    console.print("Erased: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@privacy_app.command("purge")
def purge(workspace: str | None = typer.Option(
              None, "--workspace", help="An uninstalled Slack workspace's id (T...): purge its practice data now"),
          yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation")) -> None:
    """Apply the retention settings now (the scheduler also runs this every few hours).

    Voice clips and transcripts past their retention, and the practice data of Slack workspaces
    uninstalled longer than UNINSTALL_RETENTION_DAYS ago. With --workspace, an uninstalled
    workspace's data goes at once instead of after the grace period."""
    from bot.people.privacy import PrivacyService
    from bot.people.workspaces import NotUninstalled

    console = Console()
    if workspace is not None:
        if not yes and not typer.confirm(f"Erase every person's practice in Slack workspace {workspace} now?"):
            raise typer.Exit(1)
        core = _core()
        try:
            done = core.workspaces.purge_now(workspace)
        except NotUninstalled:
            console.print(f"[red]Rehearse is still installed in {workspace}: its data is in use. "
                          "Remove the app from that workspace first (or erase people one by one with "
                          "`rehearse privacy delete`).[/red]")
            raise typer.Exit(2)
        except KeyError:
            console.print(f"[red]No uninstalled Slack workspace {workspace} is waiting to be purged.[/red]")
            raise typer.Exit(1)
        console.print(f"Purged {done.workspace}: {done.people} people; " +
                      ", ".join(f"{v} {k}" for k, v in done.counts.items()))
        return
    core = _core()
    result = PrivacyService(core.repos, core.settings, core.clock).purge_expired()
    console.print(f"Deleted {result.audio_files} voice clips and blanked {result.transcripts} transcript turns.")
    for gone in core.workspaces.purge_uninstalled():
        console.print(f"Purged uninstalled Slack workspace {gone.workspace}: {gone.people} people.")


@roster_app.command("import")
def import_(path: Path = typer.Argument(..., help="CSV: platform,workspace,user_id,name,email,tz,roles,team,"
                                                  "manager_user_id,country")) -> None:
    """Create or update people from a CSV; each bad row is reported with its line."""
    from bot.people.roster import import_roster

    console = Console()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}.",
             NOT_FOUND if isinstance(exc, OSError) else BAD_INPUT)
    core = _core()
    result = import_roster(core.repos, core.clock, text,
                           progress=lambda rows: track(list(rows), description="Importing", console=console))
    console.print(f"{result.created} created, {result.updated} updated, {len(result.errors)} problem(s).")
    for err in result.errors:
        console.print(f"[yellow]{path}:{err}[/yellow]", markup=True, highlight=False)
    if result.errors:
        raise typer.Exit(2)
