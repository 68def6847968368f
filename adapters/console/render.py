"""Render core outbound messages in a terminal with rich."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table
from rich.text import Text as RichText

from bot.messages import Audio, Card, Image, Outbound, Text

STYLE = {"scenario": "cyan", "scorecard": "green", "digest": "magenta", "notice": "yellow"}


def render(console: Console, message: Outbound, media_dir: Path) -> None:
    if isinstance(message, Text):
        speaker = f"{message.author}:" if message.author else "Rehearse:"
        # One Text, so Rich wraps the whole line, name included, at the terminal's width (printing the
        # name first with end="" let the first line run past the edge and break mid-word).
        console.print(RichText.assemble((speaker, "bold"), " ", message.text), highlight=False)
    elif isinstance(message, Card):
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for field in message.fields:
            table.add_row(field.title, Markdown(field.value.replace("\n", "\n\n")))  # one block per line
        parts: list[RenderableType] = []
        if message.body:
            parts.append(message.body)
        if message.fields:
            parts.append(table)
        # No buttons in a terminal: the card's footer says what to type instead (TERMINAL_WORDING).
        if message.footer:
            parts.append(RichText(message.footer, style="dim"))
        console.print(Panel(Group(*parts), title=message.title, border_style=STYLE.get(message.kind, "white")))
    elif isinstance(message, Audio):
        path = _save(media_dir, message.filename, message.data)
        console.print(f"[bold]{message.author or 'Rehearse'}:[/bold] 🔊 ", end="")
        console.print(f"{message.transcript}  ({message.duration_s:.1f}s, {path})", markup=False, highlight=False)
    elif isinstance(message, Image):
        path = _save(media_dir, message.filename, message.data)
        console.print(f"[bold]{message.title or 'Chart'}[/bold] saved to {path}")


def _save(folder: Path, filename: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_bytes(data)
    return path
