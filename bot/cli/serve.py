"""`rehearse serve`: the Slack HTTP endpoint (POST /slack/events, GET /healthz) on PORT.

(`rehearse slack-manifest`, the manifest that creates the Slack app it serves, is the Slack
adapter's own command: adapters/slack/cli.py.)

With SLACK_APP_TOKEN set, Slack's events arrive over Socket Mode as well (no
public URL needed) and the HTTP port still answers /healthz for the platform.
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console

from bot.cli.root import app
from bot.settings import get_settings


@app.command()
def serve(
    port: Optional[int] = typer.Option(None, "--port", help="HTTP port (default: PORT, else 3000)"),
    host: str = typer.Option("0.0.0.0", "--host", help="Address to listen on"),
) -> None:
    """Serve Slack: events, slash commands and interactivity on /slack/events, and /healthz."""
    settings = get_settings()
    console = Console(stderr=True, highlight=False)
    if not settings.has_slack:
        console.print(
            "rehearse serve needs Slack credentials: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET "
            "(HTTP events), or SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode); or, to be installed in "
            "many workspaces, SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET. "
            "Without them, `rehearse run` practises in the terminal."
        )
        raise typer.Exit(2)
    from bot.runtime import build_process

    # The web process: Slack and the core (with every button's use case wired), no scheduler.
    process = build_process(settings, platforms=("slack",), scheduler=False)
    assert process.slack is not None
    mode = "HTTP" + (" and Socket Mode" if settings.slack_app_token else "")
    paths = "/slack/events, /healthz" + (", /slack/install, /slack/oauth_redirect" if settings.slack_oauth else "")
    console.print(f"Rehearse serving Slack over {mode} on {host}:{port or settings.port} ({paths})")
    try:
        process.slack.serve(port if port is not None else settings.port, host=host)
    finally:
        process.stop()
