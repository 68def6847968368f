"""Discord adapter: slash commands, private practice threads, DMs, buttons and voice messages.

`build_discord(core, settings)` assembles it; `parse` turns discord.py objects
into core events, `render` turns core messages into embeds, views, files and
voice messages, `chat` is the core's ChatPort, `client` the gateway client,
`commands` the application commands, `invite` the OAuth2 install link.
`plugin` is what the `rehearse.adapters` entry point "discord" names (see bot/runtime.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.discord.adapter import DiscordAdapter, DiscordNotConfigured, build_discord

if TYPE_CHECKING:
    from bot.app import Core
    from bot.settings import Settings


class DiscordPlugin:
    name = "discord"

    def configured(self, settings: "Settings") -> bool:
        return settings.has_discord

    def build(self, core: "Core", settings: "Settings") -> DiscordAdapter:
        return build_discord(core, settings)


plugin = DiscordPlugin()

__all__ = ["DiscordAdapter", "DiscordNotConfigured", "build_discord", "plugin"]
