"""Core outbound messages as Discord messages: content, embeds, button views, files, voice messages.

Cards become one embed (title, body, fields, footer, a colour per kind) and a
persistent view whose buttons carry `rehearse:<action_id>:<value>` as custom_id,
so a press still routes after a restart (see `ActionButton`). Audio becomes a
voice message (flags 8192 with duration and waveform) posted through the raw
route, because discord.py reads voice messages but cannot send them; where
Discord refuses one, the same clip goes out as an ordinary audio file.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import discord

from bot.messages import Action, Audio, Card, Image, Outbound, Text

CONTENT_MAX = 2000
VOICE_FLAG = 8192
# Discord's documented embed limits; longer text is cut with an ellipsis rather than refused.
TITLE_MAX, DESCRIPTION_MAX, FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, FIELDS_MAX = 256, 4096, 256, 1024, 2048, 25
CUSTOM_ID_MAX = 100
CUSTOM_ID = re.compile(r"rehearse:(?P<action>[A-Za-z0-9_.-]+):(?P<value>.*)", re.DOTALL)
COLOURS = {"scenario": 0x5865F2, "scorecard": 0x57F287, "digest": 0xEB459E, "notice": 0xFEE75C}
STYLES = {"primary": discord.ButtonStyle.primary, "danger": discord.ButtonStyle.danger,
          "default": discord.ButtonStyle.secondary}
# The core writes Slack-style *bold*; Discord reads one asterisk as italics.
_SINGLE_STAR_BOLD = re.compile(r"(?<![*\w])\*(?!\*)([^*\n]+?)(?<!\*)\*(?![*\w])")



@runtime_checkable
class ActionSink(Protocol):
    """The client side of a button press (RehearseClient): parse it and hand it to the core."""

    async def handle_action(self, interaction: discord.Interaction, action_id: str, value: str) -> None: ...


@dataclass(frozen=True)
class FilePart:
    filename: str
    data: bytes
    description: str | None = None

    def to_file(self) -> discord.File:
        """A fresh discord.File each time: discord.py closes files after a send, and a retry needs them open."""
        return discord.File(io.BytesIO(self.data), filename=self.filename, description=self.description)


@dataclass(frozen=True)
class VoiceNote:
    data: bytes
    filename: str
    duration_s: float
    waveform_b64: str


@dataclass(frozen=True)
class Rendered:
    """One Discord message to post. With `voice`, content/files are the fallback used if Discord refuses it."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None
    files: tuple[FilePart, ...] = ()
    voice: VoiceNote | None = None


def render(message: Outbound) -> list[Rendered]:
    """The Discord messages for one core message (several only for text over 2,000 characters)."""
    if isinstance(message, Text):
        body = f"**{message.author}:** {message.text}" if message.author else message.text
        return [Rendered(content=part) for part in split_content(discord_markdown(body))]
    if isinstance(message, Card):
        return [Rendered(embed=card_embed(message), view=action_view(message.actions) if message.actions else None)]
    if isinstance(message, Audio):
        speaker = f"**{message.author}:** " if message.author else ""
        fallback = f"{speaker}🔊 {message.transcript}".strip() if message.transcript else (speaker.strip() or None)
        return [Rendered(
            content=fallback[:CONTENT_MAX] if fallback else None,
            files=(FilePart(message.filename, message.data, message.transcript[:1000] or None),),
            voice=VoiceNote(message.data, message.filename, message.duration_s, message.waveform_b64),
        )]
    if isinstance(message, Image):
        return [Rendered(content=message.title or None,
                         files=(FilePart(message.filename, message.data, message.alt or None),))]
    raise TypeError(f"cannot render {type(message).__name__} on Discord")


def card_embed(card: Card) -> discord.Embed:
    embed = discord.Embed(
        title=_cut(card.title, TITLE_MAX),
        description=_cut(discord_markdown(card.body), DESCRIPTION_MAX) or None,
        colour=_colour(card),
    )
    for item in card.fields[:FIELDS_MAX]:
        embed.add_field(name=_cut(item.title, FIELD_NAME_MAX) or "\u200b",
                        value=_cut(discord_markdown(item.value), FIELD_VALUE_MAX) or "\u200b", inline=False)
    if card.footer:
        # Footers show no markdown: drop the backticks the core uses around commands.
        embed.set_footer(text=_cut(card.footer.replace("`", ""), FOOTER_MAX))
    return embed


def action_view(actions: tuple[Action, ...]) -> discord.ui.View:
    """A persistent view (no timeout): its buttons route through ActionButton whenever they are pressed."""
    view = discord.ui.View(timeout=None)
    for act in actions:
        view.add_item(ActionButton(act))
    return view


def custom_id(action_id: str, value: str) -> str:
    cid = f"rehearse:{action_id}:{value}"
    if len(cid) > CUSTOM_ID_MAX or not CUSTOM_ID.fullmatch(cid):
        raise ValueError(f"button {action_id!r} with value {value!r} does not fit Discord's 100-character custom_id")
    return cid


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=CUSTOM_ID):
    """Every core button. Registered once on the client (setup_hook), so presses route after restarts."""

    def __init__(self, act: Action) -> None:
        super().__init__(discord.ui.Button(label=act.label[:80], style=STYLES.get(act.style, discord.ButtonStyle.secondary),
                                           custom_id=custom_id(act.action_id, act.value)))
        self.action_id, self.value = act.action_id, act.value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ActionButton:
        return cls(Action(match["action"], getattr(item, "label", None) or match["action"], match["value"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        if isinstance(interaction.client, ActionSink):
            await interaction.client.handle_action(interaction, self.action_id, self.value)


def voice_message_form(note: VoiceNote) -> tuple[list[dict[str, Any]], discord.File]:
    """The multipart form of a voice message: payload_json with flags 8192 and the clip's metadata.

    Discord requires exactly one OGG/Opus attachment, its duration and waveform, and no
    other content."""
    payload = {"flags": VOICE_FLAG, "attachments": [{
        "id": 0, "filename": note.filename, "duration_secs": round(note.duration_s, 2), "waveform": note.waveform_b64,
    }]}
    file = discord.File(io.BytesIO(note.data), filename=note.filename)
    form: list[dict[str, Any]] = [
        {"name": "payload_json", "value": json.dumps(payload)},
        {"name": "files[0]", "value": file.fp, "filename": note.filename, "content_type": "audio/ogg"},
    ]
    return form, file


def discord_markdown(text: str) -> str:
    return _SINGLE_STAR_BOLD.sub(r"**\1**", text)


def split_content(text: str, limit: int = CONTENT_MAX) -> list[str]:
    """Split long text into messages at line, then word, boundaries."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return [p for p in parts if p] or [""]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _colour(card: Card) -> discord.Colour:
    if card.color:
        try:
            return discord.Colour(int(card.color.lstrip("#"), 16))
        except ValueError:
            pass
    return discord.Colour(COLOURS.get(card.kind, 0x99AAB5))
