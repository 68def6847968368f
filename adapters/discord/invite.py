"""The OAuth2 link that installs Rehearse in a server, with exactly the permissions it uses."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlencode

import discord

SCOPES = ("bot", "applications.commands")
#: What the bot does with each permission, for the README and `rehearse discord invite-url`.
PERMISSIONS: dict[str, str] = {
    "view_channel": "View Channels — see the channel where /practice is used",
    "send_messages": "Send Messages — answer in channels and DMs",
    "send_messages_in_threads": "Send Messages in Threads — play the buyer in the practice thread",
    "create_private_threads": "Create Private Threads — one private thread per practice session",
    "embed_links": "Embed Links — the scenario card and the scorecard are embeds",
    "attach_files": "Attach Files — the buyer's voice notes and digest charts",
    "read_message_history": "Read Message History — follow the conversation in the thread",
    "use_application_commands": "Use Application Commands — /practice, /progress, /snooze, /cadence",
}
VOICE_PERMISSION = ("send_voice_messages", "Send Voice Messages — the buyer answers as a Discord voice message")


def permissions(voice_messages: bool = False) -> discord.Permissions:
    names = list(PERMISSIONS) + ([VOICE_PERMISSION[0]] if voice_messages else [])
    return discord.Permissions(**{name: True for name in names})


def invite_url(client_id: str, voice_messages: bool = False) -> str:
    query = {"client_id": client_id, "permissions": str(permissions(voice_messages).value),
             "scope": " ".join(SCOPES), "integration_type": "0"}
    return "https://discord.com/oauth2/authorize?" + urlencode(query)


def client_id_from_token(token: str) -> str:
    """A bot token's first segment is its application id in base64; ValueError if it isn't one."""
    first = token.strip().split(".")[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    if not decoded.isdigit():
        raise ValueError("that doesn't look like a Discord bot token (its first part should be the base64 "
                         "application id)")
    return decoded
