"""An authoring studio: the real engine, storage, offline buyer and authoring service, in two workspaces."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.authoring.library import WorkspaceLibraries
from bot.authoring.service import AuthoringService, DrafterPort
from bot.messages import Inbound, PersonRef
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService, Started
from bot.practice.judges.offline import OfflineJudge
from scenarios.drafting import FactForm, ScenarioForm, scenario_from_form
from scenarios.loader import ScenarioLibrary
from storage import Repositories
from storage.models import Person
from storage.repos.scenarios import WorkspaceScenarioRepo
from tests.core.testbot import ManualClock, RecordingChat

LIBRARY = ScenarioLibrary.load()

CLINIC = ScenarioForm(
    title="Clinic double bookings", behaviors=("empathy", "next_steps"),
    buyer_name="Dana Reed", buyer_role="Practice manager", company="Northside Clinic", mood="angry",
    concern="the double bookings",
    opening_line="Your booking system put two patients in the same slot again this morning. I've had enough.",
    facts=(FactForm("Two of our patients were elderly and waited an hour in the corridor. One of them cried.",
                    "the patients who waited", ("empathy",)),
           FactForm("We have a board review on Friday and I have to explain why we haven't switched providers.",
                    "the board review", ("next_steps", "empathy"))),
)


def clinic_data(**changes: Any) -> dict[str, Any]:
    """The clinic scenario as a model would draft it (no kind or version: the drafter sets those)."""
    data = scenario_from_form(CLINIC)
    data.pop("kind"), data.pop("version")
    return {**data, **changes}


class Studio:
    """Two workspaces (T1, T2) on one database, each with an enablement person, a manager and a rep."""

    __test__ = False

    def __init__(self, db_url: str, drafter: DrafterPort | None = None) -> None:
        self.clock = ManualClock()
        self.repos = Repositories.open(db_url)
        self.chat = RecordingChat(platform="slack")
        self.libraries = WorkspaceLibraries(LIBRARY, WorkspaceScenarioRepo(self.repos.db))
        self.practice = PracticeService(self.repos, LIBRARY, OfflineBuyer(), OfflineJudge(), {"slack": self.chat},
                                        self.clock)
        self.practice.libraries = self.libraries.for_workspace
        self.authoring = AuthoringService(self.repos, self.libraries, self.clock, drafter)
        self.enablement = self.person("T1", "U-erin", "enablement")
        self.manager = self.person("T1", "U-max", "manager")
        self.rep = self.person("T1", "U-rita", "rep")
        self.other_enablement = self.person("T2", "U-olga", "enablement")
        self.other_rep = self.person("T2", "U-otto", "rep")

    def person(self, workspace: str, user: str, roles: str) -> Person:
        person, _ = self.repos.people.ensure_person("slack", workspace, user, self.clock.now(), user, "Europe/London")
        return self.repos.people.update(person.id, roles=roles)  # type: ignore[arg-type]

    def ref(self, person: Person) -> PersonRef:
        return self.practice.person_ref(person)

    def ws(self, person: Person) -> int:
        return person.workspace_id

    def say(self, started: Started, person: Person, text: str) -> str:
        """The rep's line in the session's thread; the buyer's answer."""
        before = len(self.chat.posted)
        self.clock.advance(seconds=40)
        self.practice.handle(Inbound(started.ref, self.ref(person), f"e{self.clock.now().timestamp()}",
                                     self.clock.now(), text))
        return " ".join(getattr(m, "text", "") for _, m in self.chat.posted[before:])


@pytest.fixture
def studio(db_url: str) -> Iterator[Studio]:
    s = Studio(db_url)
    yield s
    s.repos.db.dispose()
