"""`rehearse discord invite-url`: the link that installs the bot with exactly the permissions it uses.

Found by bot/cli through the `rehearse.commands` entry point "discord", like every platform's commands.
"""

from __future__ import annotations

import typer

from bot.cli.root import app
from bot.settings import get_settings

discord_app = typer.Typer(help="Discord: the install link.", no_args_is_help=True)
app.add_typer(discord_app, name="discord")


@discord_app.command("invite-url")
def invite_url(
    client_id: str | None = typer.Option(None, "--client-id", help="Application id; default: read from DISCORD_TOKEN"),
    voice_messages: bool = typer.Option(False, "--voice-messages",
                                        help="Also ask for Send Voice Messages, so the buyer's voice replies show "
                                             "as voice messages in server threads (DMs don't need it)"),
    explain: bool = typer.Option(False, "--explain", help="List each permission and why the bot needs it"),
) -> None:
    """Print the OAuth2 URL (scopes bot + applications.commands) with the bot's permission integer."""
    from adapters.discord.invite import PERMISSIONS, VOICE_PERMISSION, client_id_from_token
    from adapters.discord.invite import invite_url as build

    if client_id is None:
        token = get_settings().discord_token
        if not token:
            typer.echo("rehearse discord invite-url: give --client-id, or set DISCORD_TOKEN to read it from "
                       "the token (Developer Portal > your app > General Information > Application ID).", err=True)
            raise typer.Exit(2)
        try:
            client_id = client_id_from_token(token)
        except ValueError as exc:
            typer.echo(f"rehearse discord invite-url: DISCORD_TOKEN: {exc}; pass --client-id instead.", err=True)
            raise typer.Exit(2) from exc
    elif not client_id.strip().isdigit():
        typer.echo(f"rehearse discord invite-url: --client-id must be the numeric application id, not {client_id!r}.",
                   err=True)
        raise typer.Exit(2)
    typer.echo(build(client_id.strip(), voice_messages))
    if explain:
        reasons = list(PERMISSIONS.values()) + ([VOICE_PERMISSION[1]] if voice_messages else [])
        for reason in reasons:
            typer.echo(f"  • {reason}")
