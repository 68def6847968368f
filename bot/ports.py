"""The ports the core calls; adapters, the LLM layer and storage implement them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.messages import Attachment, ConversationRef, Outbound, PersonRef, Posted

if TYPE_CHECKING:
    from scenarios.schema import Scenario
    from scoring.types import BehaviorScore, Turn


class ChatPort(Protocol):
    """One chat platform as the core sees it."""

    platform: str

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        """Open a private place with the rep (DM or private thread) and post `root` there.

        The returned ref's `thread` is where the session's turns go."""

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        """Post a message at `ref` (in its thread when `ref.thread` is set)."""

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        """Post a message in the person's DM, outside any thread (nudges, digests)."""

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        """Download an attachment the rep sent."""


@dataclass(frozen=True)
class BuyerReply:
    """The buyer's next line and the state to carry to the following turn."""

    text: str
    engine: str  # "offline" | "claude:<model>" — recorded per turn
    revealed: tuple[str, ...] = ()  # hidden fact ids revealed by this reply
    state: dict = field(default_factory=dict)
    wants_to_end: bool = False


@dataclass(frozen=True)
class BuyerContext:
    """Everything a buyer needs for one reply. `history` includes the rep's new turn last."""

    scenario: Scenario
    history: Sequence[Turn]
    state: dict
    session_id: str


class BuyerPort(Protocol):
    name: str

    def opening(self, scenario: Scenario, session_id: str) -> BuyerReply: ...

    def reply(self, ctx: BuyerContext) -> BuyerReply: ...


@dataclass(frozen=True)
class JudgeContext:
    scenario: Scenario
    behaviors: Sequence[str]
    turns: Sequence[Turn]
    session_id: str


class JudgePort(Protocol):
    name: str

    def judge(self, ctx: JudgeContext) -> list[BehaviorScore]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class HeardLike(Protocol):
    # Read-only members: the voice pipeline hands back frozen dataclasses, which a protocol with
    # plain (settable) attributes does not accept.
    @property
    def text(self) -> str: ...
    @property
    def delivery(self) -> object: ...
    @property
    def stt_engine(self) -> str: ...
    @property
    def duration_s(self) -> float: ...


class SpokenLike(Protocol):
    @property
    def data(self) -> bytes: ...
    @property
    def mime(self) -> str: ...
    @property
    def filename(self) -> str: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def waveform_b64(self) -> str: ...


class SpeechPort(Protocol):
    """The voice pipeline as the engine sees it (bot/voice implements it)."""

    def hear(self, data: bytes, *, mime: str | None, filename: str | None) -> HeardLike: ...

    def speak(self, text: str, voice: object) -> SpokenLike: ...


class PlatformError(Exception):
    """A chat platform refused or failed a call; adapters raise these so the core can react."""


class Unreachable(PlatformError):
    """The recipient can no longer be reached at all (e.g. the app was uninstalled from their workspace).

    Retrying cannot help, so a scheduled delivery is closed as skipped, with this reason, not retried."""


class RateLimited(PlatformError):
    """The platform said to slow down; `retry_after_s` is its Retry-After."""

    def __init__(self, retry_after_s: float, message: str = "rate limited") -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s

