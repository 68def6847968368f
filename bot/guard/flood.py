"""A per-person limit on turns and voice clips per minute, with one polite note per flood.

One user sending 1,000 messages got 1,001 replies and spent the app's shared Slack
posting budget (about one message per second per channel, plus a workspace-wide cap).
A rep typing or recording for real stays far under these limits; a script or a stuck
key does not. Each process counts on its own (two web processes let a flooder through
at twice the rate, which still bounds the damage); nothing is stored.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Literal

from bot.messages import Attachment, Inbound, PersonRef
from bot.ports import Clock

Kind = Literal["turn", "clip", "command"]

FLOOD_NOTE = (
    "You're sending messages faster than I can answer, so I've set the last few aside. "
    "Give me a minute, then send your answer again."
)


@dataclass(frozen=True)
class FloodLimits:
    """Requests per person per window. A clip is also a turn; a /practice is counted on its own."""

    turns: int = 20  # one message every 3 s for a minute: faster than anyone types an answer
    clips: int = 6  # transcribing costs a second or more of CPU per clip
    commands: int = 6  # each /practice opens a thread
    window: timedelta = timedelta(minutes=1)

    def limit(self, kind: Kind) -> int:
        return {"turn": self.turns, "clip": self.clips, "command": self.commands}[kind]


class Verdict(Enum):
    ADMIT = "admit"
    NOTE = "note"  # refused: tell the person, once
    QUIET = "quiet"  # refused again in the same flood: say nothing more


class FloodGuard:
    """Sliding-window counters per person and kind. Thread-safe; memory bounded by active people."""

    #: Sweep idle people out every this many calls, so the map holds only the last window's senders.
    SWEEP_EVERY = 1000

    def __init__(self, clock: Clock, limits: FloodLimits | None = None) -> None:
        self.clock = clock
        self.limits = limits or FloodLimits()
        self._seen: dict[tuple[str, str, Kind], deque[datetime]] = {}
        self._noted: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._calls = 0

    def admit_inbound(self, inbound: Inbound) -> Verdict:
        """A rep's message: a turn, and also a clip when it carries audio."""
        kinds: tuple[Kind, ...] = ("turn", "clip") if voice_attachment(inbound) is not None else ("turn",)
        return self.admit(inbound.person, *kinds)

    def admit(self, who: PersonRef, *kinds: Kind) -> Verdict:
        """Count one request of these kinds; refused when any of them is over its limit."""
        person = (who.platform, who.user_id)
        now = self.clock.now()
        with self._lock:
            self._calls += 1
            if self._calls % self.SWEEP_EVERY == 0:
                self._sweep(now)
            windows = [self._window(person, kind, now) for kind in kinds]
            if any(len(w) >= self.limits.limit(k) for w, k in zip(windows, kinds)):
                if person in self._noted:
                    return Verdict.QUIET
                self._noted.add(person)
                return Verdict.NOTE
            for window in windows:
                window.append(now)
            self._noted.discard(person)  # admitted again: a later flood gets its own note
            return Verdict.ADMIT

    @property
    def tracked(self) -> int:
        """How many (person, kind) windows are held (for tests and the benchmark)."""
        return len(self._seen)

    def _window(self, person: tuple[str, str], kind: Kind, now: datetime) -> deque[datetime]:
        window = self._seen.setdefault((*person, kind), deque())
        while window and now - window[0] >= self.limits.window:
            window.popleft()
        return window

    def _sweep(self, now: datetime) -> None:
        for key in [k for k, w in self._seen.items() if not w or now - w[-1] >= self.limits.window]:
            del self._seen[key]
        active = {(platform, user) for platform, user, _ in self._seen}
        self._noted &= active


def voice_attachment(inbound: Inbound) -> Attachment | None:
    """The clip a message brings to transcribe, if any (the engine hears the same one)."""
    return next((a for a in inbound.attachments
                 if (a.mime or "").startswith(("audio/", "video/webm")) or a.is_voice_message), None)
