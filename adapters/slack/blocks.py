"""Core outbound messages as Slack Block Kit: what SlackChat posts and uploads.

Pure functions from bot.messages values to Web API arguments, so every limit of
Block Kit (header 150 characters, section 3,000, button label 75, 50 blocks) is
enforced in one place and a long scorecard is trimmed rather than refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.messages import Action, Audio, Card, Image, Text

HEADER_MAX = 150
SECTION_MAX = 3000
BUTTON_MAX = 75
VALUE_MAX = 2000
CONTEXT_MAX = 2000
BLOCKS_MAX = 50
ALT_MAX = 1000

PersonaStyle = Literal["username", "prefix"]
BUYER_ICON = ":bust_in_silhouette:"

Block = dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """Arguments for WebClient.files_upload_v2 (plus `fallback`, posted if the upload fails)."""

    data: bytes
    filename: str
    title: str
    initial_comment: str
    alt_txt: str
    fallback: Text


def escape(text: str) -> str:
    """Slack treats &, < and > as control characters in every text field."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def text_message(message: Text, persona_style: PersonaStyle = "username") -> dict[str, Any]:
    """chat.postMessage arguments for a line of text; a buyer line carries the persona's name.

    With chat:write.customize the line is posted under the persona's name; otherwise
    the name leads the line in bold."""
    body = escape(message.text)
    if message.author is None:
        return {"text": body}
    if persona_style == "username":
        return {"text": body, "username": clip(message.author, 80), "icon_emoji": BUYER_ICON}
    return {"text": f"*{escape(message.author)}:* {body}"}


def card_message(card: Card) -> dict[str, Any]:
    """chat.postMessage arguments for a card: header, sections, buttons and a footer."""
    return {"text": clip(fallback_text(card), 3000), "blocks": card_blocks(card)}


def card_blocks(card: Card) -> list[Block]:
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": clip(card.title, HEADER_MAX), "emoji": True}}
    ]
    if card.body:
        blocks.append(_section(escape(card.body)))
    for field in card.fields:
        blocks.append(_section(f"*{escape(field.title)}*\n{escape(field.value)}"))
    # Keep the buttons and footer even when a huge card has to lose sections.
    tail: list[Block] = []
    if card.actions:
        tail.append({"type": "actions", "block_id": f"rehearse_{card.kind}",
                     "elements": [button(a) for a in card.actions]})
    if card.footer:
        tail.append({"type": "context",
                     "elements": [{"type": "mrkdwn", "text": clip(escape(card.footer), CONTEXT_MAX)}]})
    return blocks[: BLOCKS_MAX - len(tail)] + tail


def button(action: Action) -> Block:
    element: Block = {
        "type": "button",
        "action_id": action.action_id,
        "text": {"type": "plain_text", "text": clip(action.label, BUTTON_MAX), "emoji": True},
        "value": action.value[:VALUE_MAX],
    }
    if action.style in ("primary", "danger"):
        element["style"] = action.style
    return element


def fallback_text(card: Card) -> str:
    """What notifications and screen readers get for a card."""
    first = card.fields[0] if card.fields else None
    parts = [card.title] + ([f"{first.title}: {first.value.splitlines()[0]}"] if first and first.value else [])
    return escape(" · ".join(parts))


def audio_upload(audio: Audio) -> Upload:
    """A voice note as a file in the thread, with its transcript as the comment beside it."""
    speaker = audio.author or "Rehearse"
    transcript = escape(audio.transcript) if audio.transcript else "(voice note)"
    return Upload(
        data=audio.data,
        filename=audio.filename,
        title=clip(f"Voice note from {speaker}", 250),
        initial_comment=f"*{escape(speaker)}:* {transcript}",
        alt_txt=clip(audio.transcript or f"Voice note from {speaker}", ALT_MAX),
        fallback=Text(audio.transcript or "(a voice note that could not be uploaded)", author=audio.author),
    )


def image_upload(image: Image) -> Upload:
    title = image.title or image.filename
    return Upload(
        data=image.data,
        filename=image.filename,
        title=clip(title, 250),
        initial_comment="",
        alt_txt=clip(image.alt or title, ALT_MAX),
        fallback=Text(f"{title} (the chart could not be uploaded; it is saved with the digest)"),
    )


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_MAX)}}
