"""`rehearse progress --person ID`: one rep's scores per behavior, as the rep sees them with /progress."""

from __future__ import annotations

from collections import defaultdict

import typer

from bot.cli.errors import NOT_FOUND, fail
from bot.cli.output import print_rows
from bot.cli.root import app
from bot.settings import get_settings


@app.command()
def progress(person: int = typer.Option(..., "--person", "-p", help="Person id (see `rehearse people list`)")) -> None:
    """A rep's practice progress: latest score per behavior, the trend against earlier sessions, and how many."""
    from bot.practice.cards import trend_text
    from scoring import get_behavior
    from storage import Repositories

    repos = Repositories.open(get_settings().database_url)
    member = repos.people.get(person)
    if member is None:
        fail(f"No person with id {person}. `rehearse people list` shows everyone's id.", NOT_FOUND)
    history: defaultdict[str, list[int]] = defaultdict(list)
    sessions: set[str] = set()
    for row in repos.sessions.scores_of_person(person):  # oldest first
        history[row.behavior].append(row.score)
        sessions.add(row.session_id)
    repos.db.dispose()
    if not history:
        typer.echo(f"{member.display_name} has no scored sessions yet.")
        return
    typer.echo(f"{member.display_name}: {len(sessions)} scored session" + ("s" if len(sessions) != 1 else ""))
    rows = []
    for behavior, scores in sorted(history.items(), key=lambda kv: -len(kv[1])):
        latest, earlier = scores[-1], list(reversed(scores[:-1]))[:3]
        rows.append((get_behavior(behavior).name, f"{latest}/100", trend_text(latest, earlier), str(len(scores))))
    print_rows(("behavior", "latest", "trend", "sessions"), rows, title="Progress")
