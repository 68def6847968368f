"""RehearseClient: the discord.py AutoShardedClient that feeds gateway events to the core.

Messages become core `Inbound`s (only those meant for the bot: DMs, the bot's
own private practice threads, and mentions), button presses become
`ActionEvent`s for `core.actions`, and the application commands live in
`commands`. The core is synchronous, so every call to it runs in a worker
thread (`asyncio.to_thread`) and the gateway keeps flowing meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import parse
from adapters.discord.chat import DiscordChat
from adapters.discord.commands import CommandHandlers, register
from adapters.discord.render import ActionButton
from bot.messages import Inbound, Text

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)

API_VERSION = 10
DISCORD_API = f"https://discord.com/api/v{API_VERSION}"
HANDLED_TYPES = (discord.MessageType.default, discord.MessageType.reply)
SORRY = "Sorry, something went wrong on my side with that message. Nothing is lost: please send it again."


def point_at(api_url: str | None, gateway_url: str | None) -> None:
    """Send discord.py's REST calls to `api_url` and its websocket to `gateway_url` (proxies, tests).

    Both are class attributes of discord.py (not public API), which is why the
    version is pinned and a test covers them. An API URL without a version gets /v10."""
    base = (api_url or DISCORD_API).rstrip("/")
    if not base.rsplit("/", 1)[-1].startswith("v"):
        base = f"{base}/v{API_VERSION}"
    Route.BASE = base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or "wss://gateway.discord.gg/")


def intents() -> discord.Intents:
    """Only what the bot reads: guilds, guild and DM messages, and (privileged) message content."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.guild_messages = True
    wanted.dm_messages = True
    wanted.message_content = True
    return wanted


class RehearseClient(discord.AutoShardedClient):
    def __init__(self, core: Core, *, sync_commands: bool = True, **options: Any) -> None:
        # Rehearse never joins voice channels (voice messages are files), so it needs neither library.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        options.setdefault("intents", intents())
        options.setdefault("max_messages", None)  # the core keeps what matters; no message cache
        options.setdefault("member_cache_flags", discord.MemberCacheFlags.none())
        options.setdefault("chunk_guilds_at_startup", False)
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())  # quoting a rep never pings anyone
        super().__init__(**options)
        self.core = core
        # The client and its ChatPort are one pair: the chat posts through this client, and the
        # client apologises through the chat, so the chat is made here rather than set afterwards.
        self.chat = DiscordChat(self, session_expiry_hours=core.settings.session_expiry_hours)
        self.sync_commands = sync_commands
        self.tree = app_commands.CommandTree(self)
        register(self.tree, CommandHandlers(core))

    async def setup_hook(self) -> None:
        # Buttons route by custom_id pattern, so cards posted before a restart keep working.
        self.add_dynamic_items(ActionButton)
        if self.sync_commands:
            try:
                synced = await self.tree.sync()
                log.info("synced %d application commands", len(synced))
            except discord.HTTPException:
                log.exception("could not sync application commands; the ones Discord has stay in place")

    # ---- messages ------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        inbound = await self._inbound(message)
        if inbound is None:
            return
        try:
            await asyncio.to_thread(self.core.practice_service.handle, inbound)
        except Exception:
            # The core released the event, so sending again is handled as new; say so where the rep is.
            log.exception("message %s failed", message.id)
            await self._apologise(inbound)

    async def _inbound(self, message: discord.Message) -> Inbound | None:
        """The core event for a message meant for the bot, or None for everything else."""
        if message.author.bot or message.webhook_id is not None or message.type not in HANDLED_TYPES:
            return None  # itself, other bots, webhooks, and system notices ("X added Y to the thread")
        if parse.guild_id_of(message) is None:
            return parse.inbound(message)
        channel: Any = message.channel
        if isinstance(channel, discord.PartialMessageable):  # not cached (e.g. after a restart): ask once
            try:
                channel = await self.fetch_channel(channel.id)
            except discord.HTTPException:
                return None
        if isinstance(channel, discord.Thread):
            mine = channel.owner_id == getattr(self.user, "id", None) and channel.type == discord.ChannelType.private_thread
            return parse.inbound(message) if mine else None
        if self.user is not None and self.user.mentioned_in(message) and not message.mention_everyone:
            return parse.inbound(message, in_session_place=False)
        return None

    async def _apologise(self, inbound: Inbound) -> None:
        try:
            await self.chat.post(inbound.ref, Text(SORRY))
        except Exception:
            log.exception("could not apologise in %s", inbound.ref.channel)

    # ---- buttons ---------------------------------------------------------------

    async def handle_action(self, interaction: discord.Interaction, action_id: str, value: str) -> None:
        """A press on any core button (see ActionButton): acknowledge, then let the core decide."""
        try:
            await interaction.response.defer()
        except (discord.InteractionResponded, discord.HTTPException) as exc:
            log.info("press %s not acknowledged (%s): already handled", interaction.id, exc)
            return
        event = parse.action(interaction, action_id, value)
        try:
            await asyncio.to_thread(self.core.actions.dispatch, event)
        except Exception:
            log.exception("button %s failed", action_id)
            await interaction.followup.send(SORRY.replace("message", "button"), ephemeral=True)
