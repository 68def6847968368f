"""What a person's home screen shows, as one platform-neutral value: `HomeService.view(who) -> HomeView`.

A rep sees their streak, this week's sessions against their team's cadence, how
each coached behavior is trending and whether pushes are snoozed; a manager
also sees their team at a glance; enablement also sees every team's cadence.
The figures are decided here; an adapter (Slack's App Home) only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.messages import PersonRef
from bot.ports import Clock
from scenarios.loader import ScenarioLibrary
from scheduler.cadence import CadenceSpec
from scheduler.hours import local_date, zone
from scoring import UnknownBehavior, get_behavior
from storage import Repositories
from storage.models import Person
from storage.repos.cadences import CadenceRepo
from storage.repos.progress import ProgressRepo

MAX_TEAM_ROWS = 25
DEFAULT_PER_WEEK = CadenceSpec().sessions_per_week


@dataclass(frozen=True)
class Trend:
    """One coached behavior's scores, oldest first (`latest` is the last)."""

    behavior: str  # its name in the catalog, or its id once retired from it
    scores: tuple[int, ...]

    @property
    def latest(self) -> int:
        return self.scores[-1]


@dataclass(frozen=True)
class RepHome:
    name: str
    week_streak: int
    sessions_this_week: int
    sessions_per_week: int
    last_practised: datetime | None  # in the rep's own time zone
    snoozed_until: date | None  # only while the snooze still runs
    trends: tuple[Trend, ...]


@dataclass(frozen=True)
class TeamMember:
    name: str
    sessions_this_week: int
    sessions_per_week: int
    week_streak: int
    average_recent: float | None
    last_practised: datetime | None  # in the viewer's time zone
    snoozed_until: date | None  # only while the snooze still runs


@dataclass(frozen=True)
class ManagerHome:
    members: tuple[TeamMember, ...]  # empty: nobody reports to them yet

    @property
    def practised(self) -> int:
        return sum(1 for m in self.members if m.sessions_this_week)


@dataclass(frozen=True)
class TeamCadence:
    team_id: int
    name: str
    cadence: str  # the cadence in words
    is_default: bool  # enablement has not set one


@dataclass(frozen=True)
class EnablementHome:
    practice_scenarios: int
    assessments: int
    teams: tuple[TeamCadence, ...]


@dataclass(frozen=True)
class HomeView:
    """Every section a person's roles call for; None where a role is absent."""

    person: PersonRef
    rep: RepHome | None
    manager: ManagerHome | None
    enablement: EnablementHome | None


class TeamCadences(Protocol):
    """What the home reads of team cadences (bot/scheduling/cadences.py's CadenceService)."""

    cadences: CadenceRepo

    def get(self, team_id: int) -> CadenceSpec: ...

    def stored(self, team_id: int) -> CadenceSpec | None: ...


class HomeService:
    def __init__(self, repos: Repositories, cadences: TeamCadences, library: ScenarioLibrary, clock: Clock,
                 progress: ProgressRepo | None = None) -> None:
        self.repos = repos
        self.cadences = cadences
        self.library = library
        self.clock = clock
        self.progress = progress or ProgressRepo(repos.db)

    def view(self, who: PersonRef) -> HomeView | None:
        """The home of a stored person; None for someone Rehearse has not met."""
        person = self.repos.people.find(who.platform, who.workspace, who.user_id)
        if person is None:
            return None
        roles = set(person.roles.split(","))
        return HomeView(
            person=who,
            rep=self._rep(person) if "rep" in roles or not roles & {"manager", "enablement"} else None,
            manager=self._manager(person) if "manager" in roles else None,
            enablement=self._enablement(person) if "enablement" in roles else None,
        )

    def sessions_per_week(self, person: Person) -> int:
        spec = self.cadences.get(person.team_id) if person.team_id is not None else CadenceSpec()
        return spec.sessions_per_week

    def _rep(self, person: Person) -> RepHome:
        now = self.clock.now()
        progress = self.progress.of(person, now)
        today = local_date(person.tz, now)
        return RepHome(
            name=person.display_name or "",
            week_streak=progress.week_streak,
            sessions_this_week=progress.sessions_this_week,
            sessions_per_week=self.sessions_per_week(person),
            last_practised=_local(progress.last_practised, person.tz),
            snoozed_until=person.snoozed_until if person.snoozed_until and person.snoozed_until >= today else None,
            trends=tuple(Trend(_behavior_name(t.behavior), t.scores) for t in progress.trends),
        )

    def _manager(self, person: Person) -> ManagerHome:
        reports = self.repos.people.reports_of(person.id)  # type: ignore[arg-type]
        if not reports:
            return ManagerHome(())
        now = self.clock.now()
        glance = self.progress.team_glance(reports[:MAX_TEAM_ROWS * 2], now)
        per_week = {r.id: self.sessions_per_week(r) for r in reports}
        today = local_date(person.tz, now)
        return ManagerHome(tuple(
            TeamMember(g.name, g.sessions_this_week, per_week.get(g.person_id, DEFAULT_PER_WEEK), g.week_streak,
                       g.average_recent, _local(g.last_practised, person.tz),
                       g.snoozed_until if g.snoozed_until and g.snoozed_until >= today else None)
            for g in glance))

    def _enablement(self, person: Person) -> EnablementHome:
        teams = [t for t, _ in self.cadences.cadences.teams() if t.workspace_id == person.workspace_id]
        rows = []
        for team in teams[:MAX_TEAM_ROWS]:
            stored = self.cadences.stored(team.id)  # type: ignore[arg-type]
            rows.append(TeamCadence(team.id, team.name, (stored or CadenceSpec()).describe(),  # type: ignore[arg-type]
                                    stored is None))
        return EnablementHome(len(self.library.all(kind="practice")), len(self.library.all(kind="assessment")),
                              tuple(rows))


def _behavior_name(behavior_id: str) -> str:
    try:
        return get_behavior(behavior_id).name
    except UnknownBehavior:  # a behavior retired from the catalog still has its history
        return behavior_id


def _local(t: datetime | None, tz: str | None) -> datetime | None:
    return t.astimezone(zone(tz)) if t else None
