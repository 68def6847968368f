"""A small organisation on a real database: a team of reps with a manager, enablement, and the bot's core."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from bot.impact.assessments import Assessments
from bot.impact.holds import Holds
from bot.impact.programmes import Programmes
from bot.impact.reporting import Reporting
from bot.messages import Outbound, PersonRef, Posted
from bot.ports import RateLimited
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService
from bot.practice.judges.offline import OfflineJudge
from bot.scheduling.outbox import Outbox
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import RateLimiter
from storage import Repositories
from storage.models import Person
from storage.repos.programmes import ProgrammeRepo
from storage.repos.pushes import PushLogRepo
from tests.core.testbot import ManualClock, RecordingChat

MONDAY = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # before working hours in Europe/London


class SlowDownChat:
    """A chat whose platform answers the first direct message with 429 "slow down"."""

    def __init__(self, inner: RecordingChat, retry_after_s: float) -> None:
        self.inner = inner
        self.retry_after_s = retry_after_s
        self.refused = 0

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        if not self.refused:
            self.refused += 1
            raise RateLimited(self.retry_after_s)
        return self.inner.send_direct(person, message)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


@dataclass
class Org:
    repos: Repositories
    clock: ManualClock
    chat: RecordingChat
    practice: PracticeService
    store: ProgrammeRepo
    outbox: Outbox
    programmes: Programmes
    holds: Holds
    assessments: Assessments
    reporting: Reporting
    team_id: int
    manager: Person
    other_manager: Person
    enablement: Person
    outsider: Person  # enablement in another workspace
    reps: list[Person] = field(default_factory=list)


def _person(repos: Repositories, ws: str, user: str, now: datetime, name: str, **changes: object) -> Person:
    person, _ = repos.people.ensure_person("console", ws, user, now, name, "Europe/London")
    return repos.people.update(person.id, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def library() -> ScenarioLibrary:
    """Loaded once: parsing and validating every scenario YAML takes most of a second."""
    return ScenarioLibrary.load()


@pytest.fixture
def org(db_url: str, library: ScenarioLibrary) -> Iterator[Org]:
    repos = Repositories.open(db_url)
    clock = ManualClock(MONDAY)
    chat = RecordingChat()
    practice = PracticeService(repos, library, OfflineBuyer(), OfflineJudge(), {"console": chat}, clock)
    now = clock.now()
    ws = repos.people.ensure_workspace("console", "W1", now)
    team = repos.people.ensure_team(ws.id, "Renewals", now)  # type: ignore[arg-type]
    manager = _person(repos, "W1", "M1", now, "Maya Manager", roles="manager", team_id=team.id)
    other = _person(repos, "W1", "M2", now, "Omar Other", roles="manager", team_id=team.id)
    enablement = _person(repos, "W1", "E1", now, "Erin Enablement", roles="enablement")
    outsider = _person(repos, "W2", "E9", now, "Xavi Elsewhere", roles="enablement")
    reps = [_person(repos, "W1", f"U{i:02d}", now, f"Rep {i:02d}", team_id=team.id,
                    manager_id=(manager if i < 8 else other).id) for i in range(10)]
    _person(repos, "W1", "U99", now, "Gone Rep", team_id=team.id, deleted_at=now)
    store = ProgrammeRepo(repos.db)
    # Waiting at the limiter (e.g. out a Retry-After) passes the manual clock's time, as a real wait passes real time.
    limiter = RateLimiter({"console": 1e6}, clock=lambda: clock.now().timestamp(),
                          sleep=lambda seconds: clock.advance(seconds=seconds))
    outbox = Outbox(PushLogRepo(repos.db), clock, limiter, "impact")
    programmes = Programmes(repos, library, clock, store)
    holds = Holds(store)
    practice.holds = holds.message  # as Core.practice wires it
    yield Org(repos, clock, chat, practice, store, outbox, programmes, holds,
              Assessments(repos, programmes, store, practice, outbox), Reporting(clock, store), team.id, manager, other,  # type: ignore[arg-type]
              enablement, outsider, reps)
    repos.db.dispose()
