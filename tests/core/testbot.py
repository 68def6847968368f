"""A whole bot in a few lines: the real engine, storage and offline buyer, with a recording chat.

Like errbot's testbot: `bot.start()`, `bot.say("...")`, then read `bot.replies`.
The core is built by the composition root (`bot.app.compose`), as in production,
with fakes for the chat and the clock. The chat is an in-memory ChatPort — the
platform adapters are tested against fake servers in their own suites; here we
test what the core decides.
"""

from __future__ import annotations

import itertools
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.app import Core, compose
from bot.messages import ActionEvent, Attachment, Card, ConversationRef, Inbound, Outbound, PersonRef, Posted, Text
from bot.practice import cards
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService
from bot.practice.judges.offline import OfflineJudge
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories


class ManualClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kw: float) -> None:
        self.current += timedelta(**kw)


@dataclass
class RecordingChat:
    platform: str = "console"
    posted: list[tuple[ConversationRef, Outbound]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=itertools.count)

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        ref = ConversationRef(self.platform, person.workspace, f"D-{person.user_id}", f"T{next(self._ids)}")
        self.posted.append((ref, root))
        return Posted(ref, ref.thread or "")

    def send(self, ref: ConversationRef, message: Outbound) -> Posted:
        self.posted.append((ref, message))
        return Posted(ref, str(next(self._ids)))

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        ref = ConversationRef(self.platform, person.workspace, f"D-{person.user_id}")
        self.posted.append((ref, message))
        return Posted(ref)

    def fetch_attachment(self, attachment: Attachment) -> bytes:
        return self.files[attachment.url]

    def in_thread(self, thread: str | None) -> list[Outbound]:
        return [m for r, m in self.posted if r.thread == thread]


class TestBot:
    __test__ = False

    def __init__(self, db_url: str, user: str = "U1", clock: ManualClock | None = None,
                 chat: RecordingChat | None = None) -> None:
        self.db_url = db_url
        self.clock = clock or ManualClock()
        self.chat = chat or RecordingChat()
        self.repos = Repositories.open(db_url)
        settings = Settings(_env_file=None, database_url=db_url, data_dir=tempfile.mkdtemp(prefix="testbot-"))  # type: ignore[call-arg]
        self.core: Core = compose(settings, self.repos, ScenarioLibrary.load(), OfflineBuyer(), OfflineJudge(),
                                  self.clock, chats={self.chat.platform: self.chat})
        self.service: PracticeService = self.core.practice_service
        self.person = PersonRef(self.chat.platform, "W1", user, f"Rep {user}", "Europe/London")
        self.ref: ConversationRef | None = None
        self.session_id: str | None = None

    def start(self, scenario_id: str | None = "discovery-procurement-stall") -> Card:
        started = self.service.start(self.person, scenario_id)
        self.ref, self.session_id = started.ref, started.session.id
        return self.chat.posted[-1][1]  # type: ignore[return-value]

    def say(self, text: str, event_id: str | None = None, attachments: tuple[Attachment, ...] = ()) -> list[Outbound]:
        assert self.ref is not None
        before = len(self.chat.posted)
        self.clock.advance(seconds=30)
        self.service.handle(Inbound(self.ref, self.person, event_id or uuid.uuid4().hex, self.clock.now(), text,
                                    attachments))
        return [m for _, m in self.chat.posted[before:]]

    def press(self, action_id: str = cards.FINISH) -> list[Outbound]:
        assert self.ref is not None and self.session_id is not None
        before = len(self.chat.posted)
        self.service.act(ActionEvent(self.ref, self.person, action_id, self.session_id, uuid.uuid4().hex,
                                     self.clock.now()))
        return [m for _, m in self.chat.posted[before:]]

    @property
    def state(self) -> str:
        assert self.session_id is not None
        session = self.repos.sessions.get(self.session_id)
        assert session is not None
        return session.state

    def texts(self, messages: list[Outbound]) -> list[str]:
        return [m.text for m in messages if isinstance(m, Text)]
