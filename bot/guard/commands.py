"""A slash command runs once per platform request, and within the person's per-minute limit.

A replayed signed `/practice` (same body, same signature: the same request id) opened
a second session; the event ledger now takes each request id once, across processes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.guard.flood import FloodGuard, Verdict
from bot.messages import PersonRef
from bot.ports import Clock

COMMAND_FLOOD_NOTE = (
    "That's a lot of practice requests in one minute, so I've set the last few aside. "
    "Give me a minute, then try again."
)


class Claims(Protocol):
    """The event ledger: True the first time a key is claimed, False for every later claim."""

    def claim(self, key: str, now: datetime) -> bool: ...


class CommandGate:
    def __init__(self, claims: Claims, guard: FloodGuard, clock: Clock) -> None:
        self.claims = claims
        self.guard = guard
        self.clock = clock

    def check(self, who: PersonRef, request_id: str) -> str | None:
        """None: run the command. Otherwise what to answer instead ("" is a silent acknowledgement)."""
        if not self.claims.claim(f"{who.platform}:command:{request_id}", self.clock.now()):
            return ""  # a replay or a platform retry of a command already taken
        verdict = self.guard.admit(who, "command")
        if verdict is Verdict.ADMIT:
            return None
        return COMMAND_FLOOD_NOTE if verdict is Verdict.NOTE else ""
