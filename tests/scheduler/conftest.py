"""An organisation to schedule for: a team with a cadence, reps in their own time zones, a clocked chat.

`Org.run_until(t)` plays the scheduler's jobs (plan, deliver, nudge, expire) every
`step` of a manual clock, so a whole week runs in well under a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.messages import Card, Outbound, PersonRef, Posted, Text
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService
from bot.practice.judges.offline import OfflineJudge
from bot.scheduling.cadences import CadenceService
from bot.scheduling.nudges import NudgeService
from bot.scheduling.outbox import PUSH, RETRY_POLICIES, Outbox
from bot.scheduling.pushes import HoldCheck, PushPolicy, PushService
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import RateLimiter
from storage import Repositories
from storage.models import Person
from storage.repos.pushes import PushLogRepo
from tests.core.testbot import ManualClock, RecordingChat

UTC = UTC
LIBRARY = ScenarioLibrary.load()


@dataclass
class Delivery:
    at: datetime
    user: str
    message: Outbound


@dataclass
class ClockedChat(RecordingChat):
    """The recording chat, noting when (by the manual clock) each message went to whom."""

    clock: Any = None
    deliveries: list[Delivery] = field(default_factory=list)

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        self.deliveries.append(Delivery(self.clock.now(), person.user_id, root))
        return super().open_practice_thread(person, root)

    def send_direct(self, person: PersonRef, message: Outbound) -> Posted:
        self.deliveries.append(Delivery(self.clock.now(), person.user_id, message))
        return super().send_direct(person, message)

    def pushes(self, user: str | None = None) -> list[Delivery]:
        return [d for d in self.deliveries if isinstance(d.message, Card) and d.message.kind == "scenario"
                and (user is None or d.user == user)]

    def nudges(self, user: str | None = None) -> list[Delivery]:
        return [d for d in self.deliveries if isinstance(d.message, Text) and (user is None or d.user == user)]


class Org:
    def __init__(self, db_url: str, start: datetime, policy: PushPolicy | None = None,
                 chat: ClockedChat | None = None, worker: str = "w1", repos: Repositories | None = None,
                 holds: HoldCheck | None = None, **push_retry: Any) -> None:
        """`push_retry` changes the push's retry policy (e.g. claim_ttl, max_attempts) for this org."""
        self.clock = ManualClock(start)
        self.chat = chat or ClockedChat(platform="slack")
        self.chat.clock = self.clock
        self.repos = repos or Repositories.open(db_url)
        self.practice = PracticeService(self.repos, LIBRARY, OfflineBuyer(), OfflineJudge(),
                                        {"slack": self.chat}, self.clock)
        # Waiting at the limiter passes the manual clock's time, as a real wait passes real time.
        self.limiter = RateLimiter({"slack": 1000.0}, clock=lambda: self.clock.now().timestamp(),
                                   sleep=lambda seconds: self.clock.advance(seconds=seconds))
        self.policies = {**RETRY_POLICIES, PUSH: replace(RETRY_POLICIES[PUSH], **push_retry)}
        self.outbox = self.outbox_of(worker)
        self.cadences = CadenceService(self.repos, self.clock, LIBRARY)
        self.pushes = PushService(self.repos, self.practice, LIBRARY, self.cadences, self.outbox,
                                  policy or PushPolicy(concurrency=1), holds=holds)
        self.nudges = self.nudger(worker)
        now = self.clock.now()
        self.workspace = self.repos.people.ensure_workspace("slack", "T1", now)
        self.team = self.repos.people.ensure_team(self.workspace.id, "Sales EMEA", now)  # type: ignore[arg-type]
        admin, _ = self.repos.people.ensure_person("slack", "T1", "U-enable", now, "Erin Enablement")
        self.admin = self.repos.people.update(admin.id, roles="enablement")  # type: ignore[arg-type]
        self.plan_every = timedelta(hours=24)  # plans cover this week and the next: daily is plenty
        self._planned_at: datetime | None = None

    def outbox_of(self, worker: str) -> Outbox:
        """The outbox as another worker over the same database (as a second process would have it)."""
        return Outbox(PushLogRepo(self.repos.db), self.clock, self.limiter, worker, self.policies)

    def nudger(self, worker: str) -> NudgeService:
        return NudgeService(self.repos, self.practice, LIBRARY, self.cadences, self.outbox_of(worker))

    def rep(self, user: str, tz: str, **changes: Any) -> Person:
        person, _ = self.repos.people.ensure_person("slack", "T1", user, self.clock.now(), f"Rep {user}", tz)
        return self.repos.people.update(person.id, team_id=self.team.id, **changes)  # type: ignore[arg-type]

    def set_cadence(self, **values: Any) -> None:
        self.cadences.set(self.admin.id, self.team.id, values)  # type: ignore[arg-type]

    def tick(self) -> None:
        """One round of the scheduler's jobs at the current time (planning every few hours, as the job does)."""
        now = self.clock.now()
        if self._planned_at is None or now - self._planned_at >= self.plan_every:
            self.pushes.plan()
            self._planned_at = now
        self.pushes.deliver_due()
        self.nudges.send_due()
        self.practice.expire_stale()

    def run_until(self, end: datetime, step: timedelta = timedelta(hours=1)) -> None:
        """Tick every `step`, and also exactly when a planned push falls due (as the 30 s job would)."""
        while self.clock.now() < end:
            self.tick()
            following = self.clock.now() + step
            due = self.pushes.pushes.next_due(self.clock.now())
            self.clock.current = min(following, due, end) if due is not None else min(following, end)
        self.tick()


@pytest.fixture
def org_factory(db_url: str) -> Iterator[Any]:
    made: list[Org] = []

    def make(start: datetime, **kw: Any) -> Org:
        org = Org(db_url, start, **kw)
        made.append(org)
        return org

    yield make
    for org in made:
        org.repos.db.dispose()
