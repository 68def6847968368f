"""Platform-neutral values that cross the adapter boundary.

Adapters turn platform payloads into `Inbound` (in exactly one function each) and
render `Outbound` messages; the core only ever sees and produces these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Platform = Literal["slack", "discord", "console"]


@dataclass(frozen=True)
class ConversationRef:
    """Where a session lives; every adapter can turn it back into a place to post."""

    platform: str
    workspace: str
    channel: str
    thread: str | None = None

    def in_thread(self, thread: str) -> ConversationRef:
        return ConversationRef(self.platform, self.workspace, self.channel, thread)


@dataclass(frozen=True)
class PersonRef:
    """A platform user as the adapter knows them; the core maps it to a stored person."""

    platform: str
    workspace: str
    user_id: str
    display_name: str | None = None
    tz: str | None = None
    is_bot: bool = False


@dataclass(frozen=True)
class Attachment:
    """An audio or other file the rep sent; bytes are fetched through the ChatPort."""

    url: str
    mime: str | None
    filename: str | None
    size: int | None = None
    duration_s: float | None = None
    is_voice_message: bool = False


@dataclass(frozen=True)
class Inbound:
    """One rep message, normalised. `event_id` deduplicates platform retries and replays."""

    ref: ConversationRef
    person: PersonRef
    event_id: str
    sent_at: datetime
    text: str = ""
    attachments: tuple[Attachment, ...] = ()
    # time.monotonic() when the adapter took the request in: turn latency counts the queue too, as a rep does.
    received: float | None = field(default=None, compare=False)


# ---- outbound -------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A button. `action_id` is what comes back in an ActionEvent; `value` is opaque to the UI."""

    action_id: str
    label: str
    value: str = ""
    style: Literal["primary", "danger", "default"] = "default"


@dataclass(frozen=True)
class Field:
    title: str
    value: str


@dataclass(frozen=True)
class Text:
    text: str
    author: str | None = None  # the buyer persona's name for buyer lines; None for the bot itself


@dataclass(frozen=True)
class Card:
    """A titled message with fields and buttons: the scenario card, the scorecard, a digest."""

    title: str
    body: str = ""
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...] = ()
    footer: str = ""
    kind: str = "card"  # scenario | scorecard | digest | notice: lets renderers pick a style
    color: str | None = None
    # A scheduled push's key: adapters pass it where the platform deduplicates (Discord: nonce with
    # enforce_nonce) so a push retried after a crash is not posted twice. Empty for everything else.
    idempotency_key: str = ""


@dataclass(frozen=True)
class Audio:
    data: bytes
    mime: str
    filename: str
    duration_s: float
    waveform_b64: str = ""
    transcript: str = ""  # shown beside the clip where the platform allows
    author: str | None = None


@dataclass(frozen=True)
class Image:
    data: bytes
    filename: str
    title: str = ""
    alt: str = ""


Outbound = Text | Card | Audio | Image


@dataclass(frozen=True)
class ActionEvent:
    """A button press or menu choice, normalised by the adapter."""

    ref: ConversationRef
    person: PersonRef
    action_id: str
    value: str
    event_id: str
    sent_at: datetime


@dataclass
class Posted:
    """What a ChatPort returns after posting: enough to thread replies under it."""

    ref: ConversationRef
    message_id: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Wording:
    """How a surface names its controls, so the core never tells a terminal user to press a button.

    A ChatPort may carry `wording`; chat platforms (threads, buttons, slash commands) use the default."""

    start: str = "/practice"  # how to start a practice session where the person is
    reply: str = "Reply in this thread."
    finish: str = "Write `done` or press Finish to get your scorecard."


CHAT_WORDING = Wording()
TERMINAL_WORDING = Wording(start="rehearse practice", reply="Type your replies after “You:”.",
                           finish="Type `done` to get your scorecard, or `skip` to skip.")


def wording_of(chat: object) -> Wording:
    """The surface's wording: its ChatPort's `wording`, else the chat platforms' one."""
    wording = getattr(chat, "wording", None)
    return wording if isinstance(wording, Wording) else CHAT_WORDING
