"""`rehearse cadence show|set|apply|clear|plan|status`: enablement's cadence controls from the shell.

The shell user holds the database, so they act as the operator (no role check);
every value goes through the same validation as the Slack and Discord forms.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bot.cli.errors import BAD_INPUT, NOT_FOUND, fail
from bot.cli.refs import UnknownReference, resolve_team
from bot.cli.root import app
from bot.settings import get_settings

cadence_app = typer.Typer(help="Practice cadences: how often each team gets pushed a scenario.",
                          no_args_is_help=True)
app.add_typer(cadence_app, name="cadence")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def _service():  # type: ignore[no-untyped-def]
    from bot.ports import SystemClock
    from bot.scheduling.cadences import CadenceService
    from scenarios.loader import ScenarioLibrary
    from storage import Repositories

    settings = get_settings()
    repos = Repositories.open(settings.database_url)
    return CadenceService(repos, SystemClock(), ScenarioLibrary.load(settings.scenarios_dir))


def _fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    fail(message, code)


def _team(service: Any, ref: str, workspace: str | None) -> Any:
    """A team by name or id (the same reference `programme --team` takes)."""
    try:
        return resolve_team(service.cadences.teams(), ref, workspace)
    except UnknownReference as exc:
        _fail(exc.user_message, BAD_INPUT if exc.ambiguous else NOT_FOUND)


@cadence_app.command("show")
def show(team: str | None = typer.Argument(None, help="Team name or id; every team when left out"),
         workspace: str | None = typer.Option(None, help="Workspace id or name, when team names repeat")) -> None:
    """Show a team's cadence (or every team's)."""
    service = _service()
    teams = [_team(service, team, workspace)] if team else [t for t, _ in service.cadences.teams()]
    if not teams:
        out.print("No teams yet. Teams appear when people are assigned to them.")
        return
    for t in teams:
        spec = service.stored(t.id)
        label = spec.describe() if spec else "[dim]no cadence set: no scheduled pushes[/dim]"
        out.print(f"[bold]{t.name}[/bold]: {label}")


@cadence_app.command("set")
def set_(
    team: str = typer.Argument(..., help="Team name or id (see `rehearse teams list`)"),
    sessions: int | None = typer.Option(None, "--sessions", help="Sessions per week, 1-5"),
    weekdays: str | None = typer.Option(None, help="e.g. mon,wed,fri"),
    window: str | None = typer.Option(None, help="Local working hours, e.g. 09:00-17:00"),
    spacing: int | None = typer.Option(None, "--spacing", help="Minimum hours between pushes"),
    start: str | None = typer.Option(None, help="First day, YYYY-MM-DD"),
    end: str | None = typer.Option(None, help="Last day, YYYY-MM-DD"),
    scenarios: str | None = typer.Option(None, help="Scenario ids to rotate, comma-separated"),
    behaviors: str | None = typer.Option(None, help="Behavior ids to focus on, comma-separated"),
    holidays: str | None = typer.Option(None, help="Skip public holidays of this country (e.g. GB); '' for none"),
    nudge_after: int | None = typer.Option(None, help="Hours before a nudge (default: next working morning)"),
    max_nudges: int | None = typer.Option(None, help="Nudges per push, 0-2"),
    workspace: str | None = typer.Option(None, help="Workspace id or name, when team names repeat"),
) -> None:
    """Change a team's cadence; options left out keep their current value."""
    from bot.scheduling.cadences import CadenceError

    service = _service()
    t = _team(service, team, workspace)
    current: dict[str, Any] = service.get(t.id).model_dump()
    changes = {"sessions_per_week": sessions, "weekdays": weekdays, "window": window, "min_spacing_hours": spacing,
               "start_date": start, "end_date": end, "scenario_ids": scenarios, "behaviors": behaviors,
               "holidays_country": holidays, "nudge_after_hours": nudge_after, "max_nudges": max_nudges}
    given = {k: v for k, v in changes.items() if v is not None}
    if "window" in given:
        current.pop("window_start"), current.pop("window_end")
    try:
        spec = service.set_by_operator(t.id, {**current, **given})
    except CadenceError as exc:
        _fail(exc.user_message)
    out.print(f"[green]{t.name}[/green]: {spec.describe()}")


@cadence_app.command("apply")
def apply(path: Path = typer.Argument(..., dir_okay=False, help="A cadence YAML file")) -> None:
    """Set cadences from a YAML file: one mapping with `team:`, or a list of them. All or nothing.

    Fields the file leaves out keep the team's current value, as `cadence set` does."""
    from bot.scheduling.cadences import CadenceError

    service = _service()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        _fail(f"Cannot read {path}: {exc.strerror or exc}.", NOT_FOUND)
    try:
        documents = service.from_yaml(text, str(path))
    except CadenceError as exc:
        _fail(exc.user_message)
    missing = [i + 1 for i, d in enumerate(documents) if not d.team]
    if missing:
        _fail(f"{path}: cadence #{', #'.join(map(str, missing))} has no `team:`; say which team it is for")
    teams = [_team(service, d.team, None) for d in documents]  # every name checked before anything changes
    merged = [{**service.get(t.id).model_dump(), **doc.spec.model_dump(include=doc.spec.model_fields_set)}
              for t, doc in zip(teams, documents)]
    specs = []
    for t, values in zip(teams, merged):  # every cadence checked before anything changes
        try:
            specs.append(service.parse(values))
        except CadenceError as exc:
            _fail(f"{t.name}: {exc.user_message}")
    for t, spec in zip(teams, specs):
        service.set_by_operator(t.id, spec)
        out.print(f"[green]{escape(t.name)}[/green]: {spec.describe()}")


@cadence_app.command("clear")
def clear(team: str = typer.Argument(...), workspace: str | None = typer.Option(None)) -> None:
    """Remove a team's cadence: no more scheduled pushes for it."""
    service = _service()
    t = _team(service, team, workspace)
    removed = service.clear(None, t.id)
    out.print(f"{t.name}: cadence removed." if removed else f"{t.name} had no cadence.")


@cadence_app.command("plan")
def plan() -> None:
    """Plan this week's and next week's pushes now (the scheduler also does it every hour)."""
    from bot.app import build_core
    from bot.scheduling.build import build_outbox
    from bot.scheduling.cadences import CadenceService
    from bot.scheduling.pushes import PushService
    from scheduler.ratelimit import RateLimiter

    core = build_core(get_settings())
    report = PushService(core.repos, core.practice(), core.library, CadenceService(core.repos, core.clock, core.library),
                         build_outbox(core.repos, core.clock, RateLimiter())).plan()  # planning sends nothing
    out.print(f"{report.added} pushes added, {report.moved} moved, {report.dropped} dropped.")


@cadence_app.command("status")
def status(days: int = typer.Option(14, help="Look back this many days")) -> None:
    """Pushes and nudges by status, what is coming up, and anything that failed or was skipped."""
    from datetime import datetime

    from storage import Repositories
    from storage.repos.pushes import PushLogRepo

    repos = Repositories.open(get_settings().database_url)
    log = PushLogRepo(repos.db)
    now = datetime.now(UTC)
    counts = log.counts(since=now - timedelta(days=days))
    table = Table(title=f"Push log, last {days} days and ahead")
    statuses = ["pending", "claimed", "sent", "failed", "skipped"]
    table.add_column("kind")
    for s in statuses:
        table.add_column(s, justify="right")
    for kind in sorted({k for k, _ in counts}) or ["push"]:
        table.add_row(kind, *[str(counts.get((kind, s), 0)) for s in statuses])
    out.print(table)
    upcoming = log.upcoming(now, limit=5)
    if upcoming:
        out.print("Next: " + ", ".join(f"{r.idempotency_key} at {r.due_at:%a %d %b %H:%M} UTC" for r in upcoming))
    problems = log.problems(limit=20)
    if problems:
        out.print("[bold]Needs a look[/bold] (failed, skipped, or retrying):")
        for r in problems:
            out.print(f"  {r.status:8} {r.idempotency_key} due {r.due_at:%Y-%m-%d %H:%M} UTC: {r.error}")
