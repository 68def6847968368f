"""Discord adapter: slash commands, private practice threads, DMs, buttons and voice messages.

`build_discord(core, settings)` assembles it; `parse` turns discord.py objects
into core events, `render` turns core messages into embeds, views, files and
voice messages, `chat` is the core's ChatPort, `client` the gateway client,
`commands` the application commands, `invite` the OAuth2 install link.
`plugin` is what the `rehearse.adapters` entry point "discord" names (see bot/runtime.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.discord.adapter import DiscordAdapter, DiscordNotConfigured, build_discord
    from bot.app import Core
    from bot.settings import Settings


class DiscordPlugin:
    name = "discord"

    def configured(self, settings: Settings) -> bool:
        return settings.has_discord

    def build(self, core: Core, settings: Settings) -> DiscordAdapter:
        from adapters.discord.adapter import build_discord

        return build_discord(core, settings)


plugin = DiscordPlugin()


def __getattr__(name: str) -> Any:
    # The platform SDK loads only when the adapter is used, not when `rehearse --help` finds its commands.
    if name in ("DiscordAdapter", "DiscordNotConfigured", "build_discord"):
        import adapters.discord.adapter

        return getattr(adapters.discord.adapter, name)
    raise AttributeError(name)


__all__ = ["DiscordAdapter", "DiscordNotConfigured", "build_discord", "plugin"]
