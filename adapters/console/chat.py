"""The terminal as a chat platform: a ChatPort that prints, and the read-reply loop."""

from __future__ import annotations

import getpass
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console

from adapters.console.render import render
from bot.messages import (
    TERMINAL_WORDING,
    ActionEvent,
    Attachment,
    ConversationRef,
    Inbound,
    Outbound,
    PersonRef,
    Posted,
    Text,
)
from bot.practice import cards

if TYPE_CHECKING:
    from bot.app import Core

PLATFORM = "console"
WORKSPACE = "local"


class ConsoleChat:
    """ChatPort for the terminal. Every thread is the same screen, so refs only carry ids."""

    platform = PLATFORM
    wording = TERMINAL_WORDING  # "type `done`", "rehearse practice": no buttons or threads here

    def __init__(self, console: Console, media_dir: Path) -> None:
        self.console = console
        self.media_dir = media_dir

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        thread = uuid.uuid4().hex[:12]
        ref = ConversationRef(PLATFORM, WORKSPACE, f"dm-{person.user_id}", thread)
        render(self.console, root, self.media_dir)
        return Posted(ref, thread)

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        render(self.console, message, self.media_dir)
        return Posted(ref, uuid.uuid4().hex[:12])

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        ref = ConversationRef(PLATFORM, WORKSPACE, f"dm-{person.user_id}")
        render(self.console, message, self.media_dir)
        return Posted(ref)

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        return Path(attachment.url).read_bytes()


def local_person() -> PersonRef:
    user = getpass.getuser() or "me"
    return PersonRef(PLATFORM, WORKSPACE, user, user)


def to_inbound(ref: ConversationRef, person: PersonRef, line: str) -> Inbound:
    """The console's one place where typed input becomes a core event.

    `@path/to/clip.ogg` sends an audio file, like a voice note."""
    now = datetime.now(UTC)
    attachments: tuple[Attachment, ...] = ()
    text = line.rstrip("\n")
    if text.startswith("@") and len(text) > 1:
        path = Path(text[1:].strip()).expanduser()
        attachments = (Attachment(str(path), _mime_for(path), path.name),)
        text = ""
    return Inbound(ref=ref, person=person, event_id=uuid.uuid4().hex, sent_at=now, text=text, attachments=attachments)


def _mime_for(path: Path) -> str:
    return {
        ".ogg": "audio/ogg", ".opus": "audio/ogg", ".webm": "audio/webm", ".m4a": "audio/mp4",
        ".mp4": "audio/mp4", ".wav": "audio/wav", ".mp3": "audio/mpeg",
    }.get(path.suffix.lower(), "application/octet-stream")


def run_practice(core: Core, chat: ConsoleChat, stdin: TextIO, scenario_id: str | None = None,
                 person: PersonRef | None = None, resume: bool = False) -> str | None:
    """One practice session in the terminal. Returns the session id, or None if none started.

    End of input leaves the session open and stored: `rehearse practice --resume` continues it."""
    who = person or local_person()
    service = core.practice_service
    session = core.self_service.open_session(who) if resume else None
    if resume and session is None:
        chat.console.print("No open practice session to resume; starting a new one.")
    for speaker, text in session.transcript if session is not None else ():
        # One wrapped line each, and the buyer keeps their persona's name after a resume.
        author = "You" if speaker == "rep" else session.buyer  # type: ignore[union-attr]
        render(chat.console, Text(text, author=author), chat.media_dir)
    if session is None:
        started = service.start(who, scenario_id)
        session_id, ref = started.session.id, started.ref
    else:
        session_id, ref = session.session_id, session.ref
    typed = stdin.isatty()
    while True:
        if typed:
            chat.console.print("[bold]You:[/bold] ", end="")
        line = stdin.readline()
        if line and not typed:  # piped input is not echoed: show it as one wrapped line, like the buyer's
            render(chat.console, Text(line.rstrip("\n"), author="You"), chat.media_dir)
        if not line:
            chat.console.print(("\n" if typed else "") + "Saved. Run `rehearse practice --resume` to continue this session.")
            return session_id
        if line.strip().lower() == "skip":
            service.act(ActionEvent(ref, who, cards.SKIP, session_id, uuid.uuid4().hex, datetime.now(UTC)))
        else:
            service.handle(to_inbound(ref, who, line))
        if not core.self_service.session_is_open(session_id):
            return session_id
