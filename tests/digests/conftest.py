"""A world for digests: seeded teams, a manual clock, a recording chat and the real DigestService.

`World.seed()` writes practice history through storage (bulk inserts), the
service builds and delivers through the real repositories, and the chat records
every DM so tests read what a manager or a rep would see.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.actions import ActionRouter
from bot.digests.seed import Seeded, SeedSpec, seed_teams
from bot.digests.service import DigestService
from bot.messages import ActionEvent, ConversationRef, Outbound, PersonRef
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService
from bot.practice.judges.offline import OfflineJudge
from bot.scheduling.outbox import Outbox
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import RateLimiter
from storage import Repositories
from storage.models import BehaviorScoreRecord, PracticeSession
from storage.repos.pushes import PushLogRepo
from tests.core.testbot import ManualClock, RecordingChat

UTC = UTC
LIBRARY = ScenarioLibrary.load()
# Monday 16 Nov 2026 is a digest day (every other Monday); London is on UTC in November.
DIGEST_DAY = datetime(2026, 11, 16, tzinfo=UTC)


class World:
    def __init__(self, db_url: str, data_dir: Path, start: datetime = DIGEST_DAY + timedelta(hours=7)) -> None:
        self.clock = ManualClock(start)
        self.chat = RecordingChat(platform="console")
        self.chats = {"console": self.chat}
        self.repos = Repositories.open(db_url)
        self.practice = PracticeService(self.repos, LIBRARY, OfflineBuyer(), OfflineJudge(), self.chats, self.clock)
        self.actions = ActionRouter(self.chats)
        self.data_dir = data_dir
        self.service = self.new_service(worker="w1")
        self.service.register(self.actions)

    def new_service(self, worker: str) -> DigestService:
        """Another worker over the same database (as a second process would be)."""
        return DigestService(self.repos, LIBRARY, self.chats, self.clock, self.data_dir, lambda: self.practice,
                             outbox=Outbox(PushLogRepo(self.repos.db), self.clock, RateLimiter({"console": 1e6}), worker))

    def seed(self, **spec: object) -> Seeded:
        return seed_teams(self.repos.db, SeedSpec(**spec), self.clock.now())  # type: ignore[arg-type]

    def user_id(self, person_id: int) -> str:
        person = self.repos.people.get(person_id)
        assert person is not None
        return person.platform_user_id

    def dms(self, person_id: int) -> list[Outbound]:
        """What a person received in their DM (outside practice threads)."""
        channel = f"D-{self.user_id(person_id)}"
        return [m for ref, m in self.chat.posted if ref.channel == channel and ref.thread is None]

    def threads_opened(self, person_id: int) -> list[Outbound]:
        channel = f"D-{self.user_id(person_id)}"
        return [m for ref, m in self.chat.posted if ref.channel == channel and ref.thread is not None]

    def press(self, action_id: str, digest_id: int | str, by: int, event_id: str | None = None) -> list[Outbound]:
        """A button press by person `by`, in their DM; returns what the bot replied there."""
        before = len(self.chat.posted)
        who = PersonRef("console", "local", self.user_id(by))
        ref = ConversationRef("console", "local", f"D-{who.user_id}")
        self.actions.dispatch(ActionEvent(ref, who, action_id, str(digest_id), event_id or uuid.uuid4().hex,
                                          self.clock.now()))
        return [m for r, m in self.chat.posted[before:] if r.channel == ref.channel and r.thread is None]

    def add_session(self, person_id: int, at: datetime, scores: dict[str, int], state: str = "finished",
                    shared: bool = False) -> str:
        """One session with its scores, through the repositories."""
        sid = str(uuid.uuid4())
        self.repos.sessions.create(PracticeSession(
            id=sid, person_id=person_id, scenario_id="discovery-procurement-stall", state=state, platform="console",
            workspace="local", channel="D", thread=sid[:8], offered_at=at, last_activity_at=at, finished_at=at,
            shared_with_manager=shared))
        self.repos.sessions.save_scores([
            BehaviorScoreRecord(session_id=sid, person_id=person_id, behavior=b, score=s, detected=s >= 50,
                                created_at=at) for b, s in scores.items()])
        return sid


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(db_url, tmp_path / "var")
    yield w
    w.repos.db.dispose()


@pytest.fixture
def sqlite_world(sqlite_url: str, tmp_path: Path) -> Iterator[World]:
    w = World(sqlite_url, tmp_path / "var")
    yield w
    w.repos.db.dispose()
