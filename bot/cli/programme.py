"""`rehearse programme start|list|members|notices|stop` and `rehearse outcomes import` (issue #11)."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.progress import track
from rich.table import Table

from bot.cli.errors import fail
from bot.cli.root import app
from bot.settings import get_settings

programme_app = typer.Typer(help="Impact programmes: baseline assessments, holdout cohorts, reassessments.",
                            no_args_is_help=True)
outcomes_app = typer.Typer(help="Per-rep business figures shown beside the effect (correlation, not cause).",
                           no_args_is_help=True)
app.add_typer(programme_app, name="programme")
app.add_typer(outcomes_app, name="outcomes")

AS_HELP = "Act as this person id (their role decides what they may do and see); default: the operator"


def _service():  # type: ignore[no-untyped-def]
    from bot.app import build_core
    from bot.impact.programmes import Programmes
    from storage.repos.programmes import ProgrammeRepo

    core = build_core(get_settings())
    return core, Programmes(core.repos, core.library, core.clock, ProgrammeRepo(core.repos.db))


def parse_stagger(text: str) -> dict[int, int]:
    """'12:0,13:4' -> {12: 0, 13: 4} (team id: weeks after the start)."""
    waves: dict[int, int] = {}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        team, sep, weeks = part.partition(":")
        if not sep or not team.strip().isdigit() or not weeks.strip().lstrip("-").isdigit():
            raise typer.BadParameter(f"'{part}' should be TEAM_ID:WEEKS, e.g. 12:0,13:4")
        waves[int(team)] = int(weeks)
    return waves


def _fail(console: Console, message: str, code: int = 2) -> NoReturn:
    fail(message, code)  # to stderr, one scheme for the whole CLI (bot/cli/errors.py)


@programme_app.command("start")
def start(
    team: str = typer.Option(..., "--team", help="Team name or id (see `rehearse teams list`)"),
    behaviors: str = typer.Option(..., "--behaviors", help="Comma-separated behavior ids, e.g. open_question,empathy"),
    holdout: float = typer.Option(0.0, "--holdout", help="Share of reps held out, 0 to 0.5 (typical 0.2)"),
    seed: int | None = typer.Option(None, "--seed", help="Random seed for the holdout (recorded; default random)"),
    holdout_weeks: int | None = typer.Option(None, "--holdout-weeks", help="Weeks the holdout waits (default 2 rounds)"),
    every_weeks: int = typer.Option(4, "--every-weeks", help="Weeks between assessment rounds"),
    stagger: str | None = typer.Option(None, "--stagger", help="Staggered start instead of a holdout: TEAM:WEEKS,..."),
    name: str | None = typer.Option(None, "--name", help="A name enablement and managers will recognise"),
    start_date: str | None = typer.Option(None, "--start", help="First day (YYYY-MM-DD; default today)"),
    as_person: int | None = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Start a programme for a team: everyone is assessed first, a random share may be held out."""
    from datetime import date

    from bot.impact.programmes import NotAllowed, ProgrammeError, ProgrammeRequest

    console = Console(highlight=False)
    try:
        first = date.fromisoformat(start_date) if start_date else None
    except ValueError:
        _fail(console, f"--start '{start_date}' is not a date like 2026-01-05.")
    waves = parse_stagger(stagger) if stagger else None
    core, service = _service()
    team_id = _team_id(core, team)
    if waves is not None:
        waves.setdefault(team_id, 0)  # the named team starts first unless told otherwise
    elif holdout > 0:
        _warn_small_cohorts(core, team_id, holdout)
    request = ProgrammeRequest(team_id, tuple(behaviors.split(",")), holdout, seed, holdout_weeks, every_weeks, waves,
                               name, first)
    try:
        programme = service.start_programme(request, actor_id=as_person)
    except ProgrammeError as exc:
        _fail(console, exc.user_message)
    except NotAllowed as exc:
        _fail(console, exc.user_message, 1)
    members = service.members(programme.id)
    held = sum(m.cohort == "holdout" for m in members)
    console.print(f"Programme {programme.id} “{programme.name}” starts {programme.start_date.isoformat()}: "
                  f"{len(members) - held} practising, {held} held out (seed {programme.seed}).")
    console.print(f"Baseline assessments go out first; then every {programme.assessment_every_weeks} weeks. "
                  f"See who is where: rehearse programme members {programme.id}")


def _team_id(core, ref: str) -> int:  # type: ignore[no-untyped-def]
    from bot.cli.refs import UnknownReference, resolve_team
    from storage.repos.cadences import CadenceRepo

    try:
        team = resolve_team(CadenceRepo(core.repos.db).teams(), ref)
    except UnknownReference as exc:
        _fail(Console(highlight=False), exc.user_message, 2 if exc.ambiguous else 1)
    assert team.id is not None
    return team.id


def _warn_small_cohorts(core, team_id: int, holdout: float) -> None:  # type: ignore[no-untyped-def]
    """Say, before the programme starts, when its cohorts can never reach the reps a verdict needs."""
    from bot.impact.cohorts import holdout_size
    from bot.impact.effect import MIN_REPS

    reps = [p for p in core.repos.people.team_members(team_id) if "rep" in p.roles.split(",")]
    held = holdout_size(len(reps), holdout)
    practising = len(reps) - held
    if held < MIN_REPS or practising < MIN_REPS:
        Console(stderr=True, highlight=False).print(
            f"[yellow]Warning: a {holdout:.0%} holdout of {len(reps)} reps gives cohorts of {practising} practising "
            f"and {held} held out; `rehearse impact` needs {MIN_REPS} in each, so it will say “not enough data” "
            f"for this programme. For a verdict, use a team of at least {_smallest_team(holdout, MIN_REPS)} reps, "
            f"or --stagger across teams.[/yellow]")


def _smallest_team(holdout: float, need: int) -> int:
    from bot.impact.cohorts import holdout_size

    return next(n for n in range(2, 10_000) if min(holdout_size(n, holdout), n - holdout_size(n, holdout)) >= need)


@programme_app.command("list")
def list_programmes(as_person: int | None = typer.Option(None, "--as", help=AS_HELP)) -> None:
    """Programmes you may see."""
    _, service = _service()
    table = Table("id", "name", "team", "behaviors", "start", "holdout", "ended")
    for p in service.programmes_of(as_person):
        holdout = "stagger" if p.stagger else (f"{p.holdout_share:.0%} until {p.holdout_until}" if p.holdout_until
                                              else "none")
        table.add_row(str(p.id), p.name, str(p.team_id), ",".join(p.behaviors), p.start_date.isoformat(), holdout,
                      p.ended_on.isoformat() if p.ended_on else "")
    Console().print(table)


@programme_app.command("members")
def members(programme: int = typer.Argument(..., help="Programme id"),
            as_person: int | None = typer.Option(None, "--as", help=AS_HELP)) -> None:
    """Who practises, who is held out, and why (a manager sees only their reports)."""
    from bot.impact.programmes import AccessDenied

    console = Console(highlight=False)
    _, service = _service()
    try:
        lines = service.members(programme, as_person)
    except AccessDenied as exc:
        _fail(console, f"Sorry: {exc}.", 1)
    table = Table("person", "name", "team", "cohort", "practice from", "why")
    for m in lines:
        table.add_row(str(m.person_id), m.name, m.team or "", m.cohort, m.practice_from.isoformat(), m.reason)
    console.print(table)
    held = [m for m in lines if m.cohort == "holdout"]
    if held:
        console.print("Held-out reps take the same assessments but no practice until their date, so the "
                      "programme can tell what practice itself changes.")


@programme_app.command("notices")
def notices(programme: int = typer.Argument(..., help="Programme id")) -> None:
    """What each manager is told: who in their team is in the programme, who is held out and why.

    The running bot sends these once, by chat, when the programme starts."""
    from bot.impact.programmes import ProgrammeError

    console = Console(highlight=False)
    _, service = _service()
    try:
        found = service.manager_notices(programme)
    except ProgrammeError as exc:
        _fail(console, exc.user_message)
    for notice in found:
        console.print(f"[bold]To manager {notice.manager_id}[/bold]\n{notice.text}\n")
    if not found:
        console.print("No member of this programme has a manager on record.")


@programme_app.command("stop")
def stop(programme: int = typer.Argument(..., help="Programme id"),
         as_person: int | None = typer.Option(None, "--as", help=AS_HELP)) -> None:
    """End a programme: no more assessments; any holdout joins practice."""
    from bot.impact.programmes import NotAllowed, ProgrammeError

    console = Console(highlight=False)
    _, service = _service()
    try:
        ended = service.end_programme(programme, as_person)
    except ProgrammeError as exc:
        _fail(console, exc.user_message)
    except NotAllowed as exc:
        _fail(console, exc.user_message, 1)
    console.print(f"Programme {ended.id} ended on {ended.ended_on}.")


@outcomes_app.command("import")
def import_outcomes(path: Path = typer.Argument(..., help="CSV with columns rep,period,metric,value")) -> None:
    """Import per-rep business figures (CSAT, conversion, escalation rate, handle time...); bad rows are listed."""
    console = Console(highlight=False)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(console, f"Cannot read {path}: {getattr(exc, 'strerror', None) or exc}.",
              1 if isinstance(exc, OSError) else 2)
    from bot.impact.reporting import Reporting

    core, service = _service()
    result = Reporting(core.clock, service.store).import_outcomes(text, progress=lambda rows: track(rows, description="Importing",
                                                                       console=console, transient=True))
    console.print(f"{result.created} new, {result.updated} updated, {len(result.errors)} problem(s).")
    for err in result.errors:
        console.print(f"[yellow]{path}:{err}[/yellow]")
    if result.errors:
        raise typer.Exit(2)
