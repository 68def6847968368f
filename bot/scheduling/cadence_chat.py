"""Set a team's cadence from chat, keyed by `PersonRef`: one use case behind Slack's modal and Discord's /cadence.

The person asking must be in enablement (NotAllowed otherwise, with a message
fit to show). A team is named, or picked by id from a form, or implied when the
workspace has only one; anything else is `PickTeam`, whose message lists the
choices. Changes merge into the team's current cadence unless a whole form is
given, and bad values come back as CadenceError, one sentence per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.messages import PersonRef
from bot.people.roles import NotAllowed
from bot.ports import Clock
from bot.scheduling.cadences import CADENCE_REFUSAL, CadenceService
from scheduler.cadence import CadenceSpec
from storage import Repositories
from storage.models import Person, Team


class PickTeam(LookupError):
    """Which team is meant is not clear; `user_message` says how to name one."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class TeamCadenceForm:
    """A team's cadence as text, to prefill a form (see CadenceService.form_values)."""

    team_id: int
    team_name: str
    values: dict[str, str]


@dataclass(frozen=True)
class TeamCadenceSaved:
    team_id: int
    team_name: str
    spec: CadenceSpec
    changed: bool  # False: nothing was asked to change, `spec` is the current cadence


class CadenceFromChat:
    def __init__(self, repos: Repositories, cadences: CadenceService, clock: Clock) -> None:
        self.repos = repos
        self.cadences = cadences
        self.clock = clock

    def form(self, who: PersonRef, *, team_name: str | None = None, team_id: int | None = None) -> TeamCadenceForm:
        """The team's cadence to edit, for enablement only: NotAllowed, UnknownTeam or PickTeam otherwise."""
        actor = self._editor(who)
        team = self._team(actor, team_name=team_name, team_id=team_id)
        return TeamCadenceForm(team.id, team.name, self.cadences.form_values(team.id))  # type: ignore[arg-type]

    def change(self, who: PersonRef, values: Mapping[str, Any], *, team_name: str | None = None,
               team_id: int | None = None, whole_form: bool = False) -> TeamCadenceSaved:
        """Change a team's cadence as `who`. Without values it only reads the cadence (anyone may).

        Given values merge into the current cadence (a chat command names a few fields);
        `whole_form` replaces it (a submitted form carries every field)."""
        # A form is only ever shown to enablement; a chat command may read a cadence as anyone.
        actor = self._editor(who) if whole_form else self._person(who)
        team = self._team(actor, team_name=team_name, team_id=team_id)
        assert team.id is not None
        if not values and not whole_form:
            return TeamCadenceSaved(team.id, team.name, self.cadences.get(team.id), changed=False)
        if whole_form:
            merged = dict(values)
        else:
            merged = self.cadences.get(team.id).model_dump()
            if "window" in values:  # the spec splits "09:00-17:00" itself, but only where no bounds are given
                del merged["window_start"], merged["window_end"]
            merged.update(values)
        spec = self.cadences.set(actor.id, team.id, merged)  # type: ignore[arg-type]
        return TeamCadenceSaved(team.id, team.name, spec, changed=True)

    def current(self, team_id: int) -> TeamCadenceSaved:
        """A team's cadence as it stands (e.g. to confirm a save)."""
        team = self.cadences.cadences.team(team_id)
        return TeamCadenceSaved(team_id, team.name if team is not None else f"team {team_id}",
                                self.cadences.get(team_id), changed=False)

    def _person(self, who: PersonRef) -> Person:
        person, _ = self.repos.people.ensure_person(who.platform, who.workspace, who.user_id, self.clock.now(),
                                                    who.display_name, who.tz)
        return person

    def _editor(self, who: PersonRef) -> Person:
        person = self.repos.people.find(who.platform, who.workspace, who.user_id)
        if person is None or not self.cadences.can_edit(person.id):  # type: ignore[arg-type]
            raise NotAllowed(CADENCE_REFUSAL)
        return person

    def _team(self, actor: Person, *, team_name: str | None, team_id: int | None) -> Team:
        if team_name:
            return self.cadences.team_named(team_name, actor.workspace_id)
        teams = [t for t, _ in self.cadences.cadences.teams() if t.workspace_id == actor.workspace_id]
        if team_id is not None:
            found = next((t for t in teams if t.id == team_id), None)
            if found is None:
                raise PickTeam("That team no longer exists.")
            return found
        if len(teams) == 1:
            return teams[0]
        raise PickTeam("Which team? `/rehearse cadence <team>` — teams: " + ", ".join(t.name for t in teams)
                       if teams else "There are no teams yet, so there is no cadence to set.")
