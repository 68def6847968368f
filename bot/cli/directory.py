"""`rehearse people list`, `rehearse teams list` and `rehearse behaviors`: the ids other commands take.

`digest --manager`, `privacy --person`, `programme --team`, `cadence` and `score` all want an id;
these list them with the names a person recognises.
"""

from __future__ import annotations

import typer

from bot.cli.errors import BAD_INPUT, NOT_FOUND, fail
from bot.cli.output import print_rows
from bot.cli.refs import UnknownReference, resolve_team, resolve_workspace, workspace_matches
from bot.cli.root import app
from bot.settings import get_settings

people_app = typer.Typer(help="People and their ids, roles, teams and managers.", no_args_is_help=True)
teams_app = typer.Typer(help="Teams and their ids.", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(teams_app, name="teams")

WORKSPACE_HELP = "Only this workspace (id, platform id or name)"


def _repos():  # type: ignore[no-untyped-def]
    from storage import Repositories

    return Repositories.open(get_settings().database_url)


def _or_fail(exc: UnknownReference) -> None:
    fail(exc.user_message, BAD_INPUT if exc.ambiguous else NOT_FOUND)


@people_app.command("list")
def people_list(
    workspace: str | None = typer.Option(None, "--workspace", "-w", help=WORKSPACE_HELP),
    role: str | None = typer.Option(None, "--role", "-r", help="rep, manager or enablement"),
    team: str | None = typer.Option(None, "--team", "-t", help="Only this team (name or id)"),
) -> None:
    """Everyone on record: person id (for --manager, --person, --as), name, roles, team, manager."""
    from bot.people.roles import ROLES
    from storage.repos.cadences import CadenceRepo

    if role is not None and role.strip().lower() not in ROLES:
        fail(f"--role '{role}' is not a role; choose one of {', '.join(ROLES)}.", BAD_INPUT)
    repos = _repos()
    rows = CadenceRepo(repos.db).teams()
    people = repos.people.all_people()
    workspaces = {w.id: w for _, w in rows}
    for p in people:
        if p.workspace_id not in workspaces:
            workspaces[p.workspace_id] = repos.people.workspace_of(p)
    ws = None
    if workspace:
        found = [w for w in workspaces.values() if workspace_matches(w, workspace)]
        if not found:
            fail(f"No workspace called '{workspace}'. `rehearse people list` without --workspace shows them.",
                 NOT_FOUND)
        ws = found[0]
    try:
        team_id = resolve_team(rows, team, workspace).id if team else None
    except UnknownReference as exc:
        _or_fail(exc)
    teams = {t.id: t.name for t, _ in rows}
    names = {p.id: p.display_name for p in people}
    chosen = [p for p in people
              if (ws is None or p.workspace_id == ws.id)
              and (role is None or role.strip().lower() in p.roles.split(","))
              and (team_id is None or p.team_id == team_id)]
    chosen.sort(key=lambda p: (p.display_name.lower(), p.id or 0))
    if not chosen:
        typer.echo("No one matches." if (workspace or role or team) else
                   "No people yet. Add them with `rehearse roster import FILE`, or run `rehearse demo`.")
        return
    print_rows(
        ("id", "name", "roles", "team", "manager", "workspace", "user id"),
        [(str(p.id), p.display_name, p.roles, teams.get(p.team_id or -1, ""),
          f"{names.get(p.manager_id, '')} ({p.manager_id})" if p.manager_id else "",
          workspaces[p.workspace_id].name or workspaces[p.workspace_id].external_id,
          f"{p.platform}:{p.platform_user_id}") for p in chosen],
        title="People",
    )
    repos.db.dispose()


@teams_app.command("list")
def teams_list(workspace: str | None = typer.Option(None, "--workspace", "-w", help=WORKSPACE_HELP)) -> None:
    """Every team: id and name (either works for `programme --team` and `cadence`), workspace, members."""
    from storage.repos.cadences import CadenceRepo

    repos = _repos()
    rows = CadenceRepo(repos.db).teams()
    if workspace:
        try:
            ws = resolve_workspace(rows, workspace)
        except UnknownReference as exc:
            _or_fail(exc)
        rows = [(t, w) for t, w in rows if w.id == ws.id]
    if not rows:
        typer.echo("No teams yet. `rehearse roster import FILE` creates them from its team column.")
        return
    print_rows(("id", "name", "workspace", "members"),
               [(str(t.id), t.name, w.name or w.external_id, str(len(repos.people.team_members(t.id))))
                for t, w in rows], title="Teams")
    repos.db.dispose()


@app.command("behaviors")
def behaviors() -> None:
    """The behaviors Rehearse scores: the id (for `score`, `programme --behaviors`, cadences), name, definition."""
    from scoring import all_behaviors

    print_rows(("id", "name", "definition"),
               [(b.id, b.name, " ".join(b.definition.split())) for b in all_behaviors()], title="Behaviors")
