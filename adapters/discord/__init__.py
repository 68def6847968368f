"""Discord adapter: slash commands, private practice threads, DMs, buttons and voice messages.

`build_discord(core, settings)` assembles it; `parse` turns discord.py objects
into core events, `render` turns core messages into embeds, views, files and
voice messages, `chat` is the core's ChatPort, `client` the gateway client,
`commands` the application commands, `invite` the OAuth2 install link.
"""

from adapters.discord.adapter import DiscordAdapter, DiscordNotConfigured, build_discord

__all__ = ["DiscordAdapter", "DiscordNotConfigured", "build_discord"]
