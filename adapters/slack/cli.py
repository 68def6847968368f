"""`rehearse slack-manifest`: the manifest that creates the Slack app `rehearse serve` serves.

Found by bot/cli through the `rehearse.commands` entry point "slack", like every platform's commands.
"""

from __future__ import annotations

import typer
from rich.console import Console

from bot.cli.root import app


@app.command("slack-manifest")
def slack_manifest(
    url: str | None = typer.Option(None, "--url", help="Public https:// URL where `rehearse serve` runs"),
    socket_mode: bool = typer.Option(False, "--socket-mode", help="For Socket Mode: no public URL needed"),
) -> None:
    """Print the Slack app manifest to paste into api.slack.com/apps → Create New App → From a manifest."""
    from adapters.slack.manifest import BadManifestUrl, manifest_text

    if url is None and not socket_mode:
        Console(stderr=True).print("Give --url https://your-host (HTTP events) or --socket-mode.")
        raise typer.Exit(2)
    try:
        typer.echo(manifest_text(url, socket_mode), nl=False)
    except BadManifestUrl as exc:
        Console(stderr=True, highlight=False).print(str(exc))
        raise typer.Exit(2)
