"""`rehearse serve`: the Slack HTTP endpoint (POST /slack/events, GET /healthz) on PORT.

(`rehearse slack-manifest`, the manifest that creates the Slack app it serves, is the Slack
adapter's own command: adapters/slack/cli.py.)

With SLACK_APP_TOKEN set, Slack's events arrive over Socket Mode as well (no
public URL needed) and the HTTP port still answers /healthz for the platform.
"""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.root import app
from bot.settings import Settings, get_settings


@app.command()
def serve(
    port: int | None = typer.Option(None, "--port", help="HTTP port (default: PORT, else 3000)"),
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on"),
) -> None:
    """Serve Slack (events, slash commands and interactivity on /slack/events), the report pages
    (/reports/..., with SECRET_KEY) and /healthz, on one port."""
    settings = get_settings()
    console = Console(stderr=True, highlight=False)
    if not settings.has_slack and settings.secret_key:
        _serve_pages_only(settings, console, host, port if port is not None else settings.port)
        return
    if not settings.has_slack:
        console.print(
            "rehearse serve needs Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
            "(HTTP events), or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); or, to be installed in "
            "many workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET; or SECRET_KEY to "
            "serve only the report pages. Without them, `rehearse run` practises in the terminal."
        )
        raise typer.Exit(2)
    from bot.runtime import WEB_ROLE, build_process, settle_heap

    # The web process: Slack and the core (with every button's use case wired), no scheduler.
    process = build_process(settings, platforms=("slack",), scheduler=False, role=WEB_ROLE)
    assert process.slack is not None
    mode = "HTTP" + (" and Socket Mode" if settings.slack_app_token else "")
    paths = "/slack/events" + (", /slack/install, /slack/oauth_redirect" if settings.slack_oauth else "")
    paths += (", /reports" if settings.secret_key else "") + ", /healthz"
    console.print(f"Rehearse serving Slack over {mode} on {host}:{port or settings.port} ({paths})")
    process.slack.wsgi()  # built before the heap settles, so what it imports is frozen too
    settle_heap()
    try:
        process.slack.serve(port if port is not None else settings.port, host=host)
    finally:
        process.stop()



def _serve_pages_only(settings: Settings, console: Console, host: str, port: int) -> None:
    """No Slack here: the report pages and /healthz (e.g. `rehearse demo`'s database, or a Discord-only team)."""
    from bot.runtime import build_process

    process = build_process(settings, platforms=("web",), scheduler=False)
    pages = process.platforms["web"]
    console.print(f"Rehearse serving the report pages on {host}:{port} (/reports, /healthz); no Slack credentials, "
                  "so no /slack/events")
    try:
        pages.serve(port, host=host)  # type: ignore[attr-defined]
    finally:
        process.stop()
