"""The demo's chat platform: a ChatPort that keeps every message and tells the simulation about new offers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.messages import Attachment, Card, ConversationRef, Image, Outbound, PersonRef, Posted, Text

PLATFORM = "console"


@dataclass
class Offer:
    person: PersonRef
    ref: ConversationRef
    session_id: str


@dataclass
class SimulatedChat:
    platform: str = PLATFORM
    offers: list[Offer] = field(default_factory=list)
    direct: list[tuple[PersonRef, Outbound]] = field(default_factory=list)
    messages: int = 0
    _ids: itertools.count = field(default_factory=itertools.count)

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        ref = ConversationRef(self.platform, person.workspace, f"dm-{person.user_id}", f"t{next(self._ids)}")
        session_id = next((a.value for a in root.actions if a.value), "") if isinstance(root, Card) else ""
        self.offers.append(Offer(person, ref, session_id))
        self.messages += 1
        return Posted(ref, ref.thread or "")

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        self.messages += 1
        return Posted(ref, str(next(self._ids)))

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        self.direct.append((person, message))
        self.messages += 1
        return Posted(ConversationRef(self.platform, person.workspace, f"dm-{person.user_id}"))

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        raise FileNotFoundError("the demo's reps only type")

    def nudges_for(self, user_id: str) -> int:
        return sum(1 for p, m in self.direct if p.user_id == user_id and isinstance(m, Text))

    def digest_images(self) -> list[Image]:
        return [m for _, m in self.direct if isinstance(m, Image)]
