"""`rehearse digest`: preview any manager's digest as text, JSON, the PNG chart or an HTML report."""

from __future__ import annotations

import tempfile
from enum import Enum
from pathlib import Path

import typer
from rich.console import Console

from bot.cli.errors import BAD_INPUT, NOT_FOUND
from bot.cli.root import app
from bot.settings import get_settings


class Format(str, Enum):
    text = "text"
    json = "json"
    png = "png"
    html = "html"


@app.command()
def digest(
    manager: str | None = typer.Option(None, "--manager", "-m",
                                          help="The manager: a person id, or their Slack/Discord user id"),
    period: str = typer.Option("last", "--period", "-p",
                               help="last (the latest complete period), current, previous, or a date in the period"),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, json, png or html"),
    output: Path | None = typer.Option(None, "--output", "-o", help="File for png/html (default: under DATA_DIR)"),
    demo: bool = typer.Option(False, "--demo", help="Preview a seeded demo team (a throwaway database)"),
    enablement: str | None = typer.Option(
        None, "--enablement", "-e", help="Preview an enablement person's digest instead: team aggregates and "
                                         "programme effects (text or json)"),
    link: bool = typer.Option(False, "--link", help="Print a signed link to the full report on the web instead "
                                                    "(needs SECRET_KEY; PUBLIC_URL is its base)"),
) -> None:
    """Preview a manager's biweekly digest, or with --enablement the enablement view."""
    err = Console(stderr=True, highlight=False)
    settings = get_settings()
    data_dir = Path(settings.data_dir)
    if enablement:
        _preview_enablement(enablement, period, fmt, err)
        return
    if demo:
        with tempfile.TemporaryDirectory() as tmp:
            service, manager_id = _demo_service(Path(tmp), data_dir)
            try:
                _preview(service, manager_id, period, fmt, output, err)
            finally:
                service.repos.db.dispose()
        return
    if not manager:
        err.print("Name the manager with --manager <person id or user id>, or try --demo.")
        raise typer.Exit(2)
    from bot.app import build_core
    from bot.digests.service import DigestService
    from bot.scheduling.build import build_outbox
    from scheduler.ratelimit import RateLimiter
    from storage.repos.digests import DigestRepo

    core = build_core(settings)
    matches = DigestRepo(core.repos.db).find_person(manager.strip())
    if not matches:
        err.print(f"No one matches '{manager}'. Use a person id (a number) or a platform user id such as U024BE7LH; "
                  "`rehearse people list --role manager` shows them.")
        raise typer.Exit(NOT_FOUND)
    if len(matches) > 1:
        listed = "; ".join(f"{m.person_id}: {m.display_name} ({m.platform} {m.workspace})" for m in matches)
        err.print(f"'{manager}' matches {len(matches)} people, pick one by person id: {listed}")
        raise typer.Exit(2)
    service = DigestService(core.repos, core.library, core.chats, core.clock, data_dir,
                            outbox=build_outbox(core.repos, core.clock, RateLimiter()))  # previews send nothing
    if link:
        _print_link(settings, service, matches[0].person_id, period, err)
        return
    _preview(service, matches[0].person_id, period, fmt, output, err)


def _print_link(settings, service, manager_id: int, period: str, err: Console) -> None:  # type: ignore[no-untyped-def]
    from bot.digests.service import NotAManager
    from bot.reports.build import build_reports
    from bot.reports.links import LinkError

    if not settings.secret_key:
        err.print("Report links are signed with SECRET_KEY: set it (any long random string, e.g. "
                  "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`) here and in `rehearse serve`.")
        raise typer.Exit(2)
    reports = build_reports(settings, service.repos, service.library, service.clock, service)
    try:
        built = service.build(manager_id, period)
        typer.echo(reports.link(manager_id, "manager", built.data.period_start))
    except NotAManager as exc:
        err.print(f"{str(exc)[0].upper()}{str(exc)[1:]}. Give them the manager role (rehearse roster) first.")
        raise typer.Exit(2)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2)
    except LinkError as exc:
        err.print(exc.message)
        raise typer.Exit(2)


def _preview(service, manager_id: int, period: str, fmt: Format, output: Path | None,  # type: ignore[no-untyped-def]
             err: Console) -> None:
    from bot.digests import render
    from bot.digests.service import NotAManager

    try:
        built = service.build(manager_id, period)
    except NotAManager as exc:
        err.print(f"{str(exc)[0].upper()}{str(exc)[1:]}. Give them the manager role (rehearse roster) first; "
                  "`rehearse people list --role manager` shows who has it.")
        raise typer.Exit(NOT_FOUND)
    except ValueError as exc:  # a --period that is neither a word we know nor a date
        err.print(str(exc))
        raise typer.Exit(2)
    if fmt is Format.json:
        typer.echo(render.to_json(built.data))
    elif fmt is Format.text:
        chart = service.save_chart(built)
        typer.echo(render.to_text(built.data, str(chart.resolve())), nl=False)
    elif fmt is Format.png:
        path = output or service.chart_path(built.data)
        _write(path, built.chart)
        typer.echo(str(path.resolve()))
    else:
        path = output or service.data_dir / "reports" / f"preview-{manager_id}-{built.data.period_start}.html"
        _write(path, render.to_html(built.data, built.chart).encode("utf-8"))
        typer.echo(str(path.resolve()))


def _preview_enablement(key: str, period: str, fmt: Format, err: Console) -> None:
    import json

    from bot.app import build_core
    from bot.digests import enablement
    from bot.impact.reporting import Reporting
    from bot.scheduling.build import build_outbox
    from scheduler.ratelimit import RateLimiter
    from storage.repos.digests import AccessDenied, DigestRepo
    from storage.repos.programmes import ProgrammeRepo

    if fmt not in (Format.text, Format.json):
        err.print("The enablement digest comes as text or json.")
        raise typer.Exit(2)
    core = build_core(get_settings())
    matches = DigestRepo(core.repos.db).find_person(key.strip())
    if len(matches) != 1:
        err.print(f"'{key}' matches {len(matches)} people; use a person id (a number) or one platform user id "
                  "(`rehearse people list --role enablement`).")
        raise typer.Exit(NOT_FOUND if not matches else BAD_INPUT)
    service = enablement.EnablementDigests(core.repos, Reporting(core.clock, ProgrammeRepo(core.repos.db)),
                                           core.chats, core.clock, build_outbox(core.repos, core.clock, RateLimiter()))
    try:
        built = service.build(matches[0].person_id, period)
    except AccessDenied as exc:
        err.print(f"{exc}. Give them the enablement role (rehearse roster) first.")
        raise typer.Exit(NOT_FOUND)
    except ValueError as exc:
        err.print(str(exc))
        raise typer.Exit(2)
    if fmt is Format.json:
        typer.echo(json.dumps(enablement.to_json(built), indent=2))
    else:
        typer.echo(enablement.to_text(built), nl=False)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _demo_service(tmp: Path, data_dir: Path):  # type: ignore[no-untyped-def]
    from bot.digests.seed import SeedSpec, seed_teams
    from bot.digests.service import DigestService
    from bot.ports import SystemClock
    from bot.scheduling.build import build_outbox
    from scenarios.loader import ScenarioLibrary
    from scheduler.ratelimit import RateLimiter
    from storage import Repositories

    clock = SystemClock()
    repos = Repositories.open(f"sqlite:///{tmp / 'demo.db'}")
    seeded = seed_teams(repos.db, SeedSpec(), clock.now())
    service = DigestService(repos, ScenarioLibrary.load(get_settings().scenarios_dir), {}, clock, data_dir,
                            outbox=build_outbox(repos, clock, RateLimiter()))  # a preview sends nothing
    return service, seeded.manager_ids[0]
