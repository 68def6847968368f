"""The one place discord.py objects become core values (PersonRef, ConversationRef, Inbound, ActionEvent).

Where a session lives on Discord: `channel` and `thread` are both the id of the
Discord channel the turns go to — the private thread in a guild, the DM channel
outside one. A thread *is* a channel on Discord and a MESSAGE_CREATE carries only
its id (not the parent's, which the cache may not hold after a restart), so this
key maps every message to its session without a lookup. `workspace` is the guild
id, or "dm" for a conversation outside any guild.
"""

from __future__ import annotations

import time
from datetime import UTC

import discord

from bot.messages import ActionEvent, Attachment, ConversationRef, Inbound, PersonRef

PLATFORM = "discord"
NO_GUILD = "dm"


def workspace_of(guild_id: int | None) -> str:
    return str(guild_id) if guild_id else NO_GUILD


def person(user: discord.abc.User, guild_id: int | None) -> PersonRef:
    """A Discord user as the core knows them. Discord does not share time zones: the core defaults them."""
    name = getattr(user, "display_name", None) or user.name
    return PersonRef(PLATFORM, workspace_of(guild_id), str(user.id), name, None, bool(user.bot))


def conversation(channel_id: int, guild_id: int | None) -> ConversationRef:
    """The ref of a practice conversation: the thread (or DM) id is both channel and thread."""
    return ConversationRef(PLATFORM, workspace_of(guild_id), str(channel_id), str(channel_id))


def channel_only(channel_id: int, guild_id: int | None) -> ConversationRef:
    """A place outside any session (a guild text channel): the core answers there with help."""
    return ConversationRef(PLATFORM, workspace_of(guild_id), str(channel_id), None)


def guild_id_of(message: discord.Message) -> int | None:
    """The guild of a message, even when discord.py's cache does not hold that guild."""
    if message.guild is not None:
        return message.guild.id
    return getattr(message.channel, "guild_id", None)


def attachment(item: discord.Attachment) -> Attachment:
    return Attachment(
        url=item.url,
        mime=(item.content_type or "").split(";")[0].strip() or None,
        filename=item.filename,
        size=item.size,
        duration_s=item.duration,
        is_voice_message=item.is_voice_message(),
    )


def inbound(message: discord.Message, in_session_place: bool = True) -> Inbound:
    """A rep's message. `event_id` is the message id: stable across gateway RESUME replays.

    `in_session_place` False means a guild channel that is no practice thread (the rep
    mentioned the bot there): the ref has no thread, so the core answers with help."""
    guild_id = guild_id_of(message)
    ref = (conversation if in_session_place else channel_only)(message.channel.id, guild_id)
    return Inbound(
        ref=ref,
        person=person(message.author, guild_id),
        event_id=str(message.id),
        sent_at=message.created_at.astimezone(UTC),
        text=message.content or "",
        attachments=tuple(attachment(a) for a in message.attachments),
        received=time.monotonic(),
    )


def action(interaction: discord.Interaction, action_id: str, value: str) -> ActionEvent:
    """A button press. `event_id` is the interaction id: each press is one event."""
    channel_id = interaction.channel_id or 0
    return ActionEvent(
        ref=conversation(channel_id, interaction.guild_id),
        person=person(interaction.user, interaction.guild_id),
        action_id=action_id,
        value=value,
        event_id=str(interaction.id),
        sent_at=interaction.created_at.astimezone(UTC),
    )


def invoker(interaction: discord.Interaction) -> PersonRef:
    """Who ran an application command."""
    return person(interaction.user, interaction.guild_id)
