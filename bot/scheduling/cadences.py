"""Enablement's cadence controls: read, validate and set how often a team practises.

One service behind every way of setting a cadence (Slack modal, Discord /cadence,
`rehearse cadence`, a YAML file). Mistakes come back as `CadenceError` with one
plain sentence per field; people without the enablement role get `NotAllowed`,
whose message is polite enough to show them as is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

import yaml
from pydantic import ValidationError

from bot.people.roles import ENABLEMENT, NotAllowed
from bot.ports import Clock
from scenarios import yaml_text
from scenarios.loader import ScenarioLibrary
from scheduler.cadence import CadenceSpec, FieldProblem
from scheduler.days import WEEKDAY_NAMES
from storage import Repositories
from storage.models import Cadence, Team
from storage.repos.cadences import CadenceRepo

log = logging.getLogger(__name__)

# What someone without the enablement role is told when they try to change a cadence.
CADENCE_REFUSAL = ("Sorry, only your enablement team can change practice cadences. "
                   "Ask them to adjust it, or to give you the enablement role.")

LABELS = {
    "sessions_per_week": "Sessions per week",
    "weekdays": "Weekdays",
    "window_start": "Working hours start",
    "window_end": "Working hours end",
    "window": "Working hours",
    "min_spacing_hours": "Minimum spacing (hours)",
    "start_date": "Start date",
    "end_date": "End date",
    "scenario_ids": "Scenarios",
    "behaviors": "Behaviors",
    "holidays_country": "Public holidays country",
    "nudge_after_hours": "Nudge after (hours)",
    "max_nudges": "Nudges per push",
    "digest_weekday": "Digest weekday",
    "digest_hour": "Digest hour",
}


@dataclass(frozen=True)
class CadenceProblem:
    field: str  # a CadenceSpec field name, or "" for the cadence as a whole
    message: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        label = LABELS.get(self.field, self.field)
        return f"{where}{label}: {self.message}" if label else f"{where}{self.message}"


class CadenceError(ValueError):
    """A cadence that cannot be used; `problems` names each field and what to change."""

    def __init__(self, problems: list[CadenceProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    @property
    def user_message(self) -> str:
        return "That cadence needs a change:\n" + "\n".join(f"• {p}" for p in self.problems)

    def by_field(self) -> dict[str, str]:
        """Messages keyed by field, for forms that show an error under each input."""
        out: dict[str, str] = {}
        for p in self.problems:
            out[p.field] = f"{out[p.field]} {p.message}" if p.field in out else p.message
        return out


class UnknownTeam(LookupError):
    def __init__(self, name: str, known: list[str], ambiguous: bool = False) -> None:
        super().__init__(name)
        if ambiguous:
            self.user_message = f"More than one workspace has a team called '{name}'; say which workspace."
        else:
            self.user_message = (f"I don't know a team called '{name}'."
                                 + (f" Teams: {', '.join(known)}." if known else " No teams are set up yet."))

    def __str__(self) -> str:
        return self.user_message


@dataclass(frozen=True)
class CadenceDocument:
    """One cadence read from YAML: which team (by name, when the file says) and its spec."""

    team: str | None
    spec: CadenceSpec


# ---- parsing ----------------------------------------------------------------


def parse_cadence(data: Mapping[str, Any], *, path: str | None = None, node: yaml.Node | None = None) -> CadenceSpec:
    """A CadenceSpec from loose input (form values, YAML, CLI options), or CadenceError."""
    try:
        return CadenceSpec.model_validate(dict(data))
    except ValidationError as exc:
        raise CadenceError([_problem(err, path, node) for err in exc.errors()]) from None


def parse_cadence_yaml(text: str, path: str = "<string>") -> list[CadenceDocument]:
    """Cadences from a YAML file: one mapping, or a list of them, each with an optional `team`."""
    try:
        data, root = yaml_text.parse(text)
    except yaml_text.YamlSyntaxError as exc:
        raise CadenceError([CadenceProblem("", f"not valid YAML: {exc.problem}", exc.line, path)]) from None
    items = data if isinstance(data, list) else [data]
    nodes = root.value if isinstance(root, yaml.SequenceNode) else [root]
    documents: list[CadenceDocument] = []
    problems: list[CadenceProblem] = []
    for item, node in zip(items, nodes):
        if not isinstance(item, dict):
            line = node.start_mark.line + 1 if node is not None else None
            problems.append(CadenceProblem("", "a cadence must be a mapping of fields (e.g. sessions_per_week: 3)",
                                           line, path))
            continue
        item = dict(item)
        team = item.pop("team", None)
        try:
            documents.append(CadenceDocument(str(team) if team is not None else None,
                                             parse_cadence(item, path=path, node=node)))
        except CadenceError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CadenceError(problems)
    return documents


def _problem(err: Any, path: str | None, node: yaml.Node | None) -> CadenceProblem:
    loc = tuple(err["loc"])
    field = str(loc[0]) if loc else ""
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        field, message = cause.field, cause.message
    else:
        message = _friendly(err, field)
    line = yaml_text.line_of(node, (field,)) if node is not None and field else (
        node.start_mark.line + 1 if node is not None else None)
    return CadenceProblem(field, message, line, path)


def _friendly(err: Any, field: str) -> str:
    kind, given = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    bounds = _bounds(field)
    if kind in ("greater_than_equal", "less_than_equal") and bounds:
        return f"must be from {bounds[0]} to {bounds[1]} (you gave {given})"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number (you gave '{given}')"
    if kind.startswith("date"):
        return f"must be a date like 2026-01-31 (you gave '{given}')"
    if kind == "extra_forbidden":
        return f"is not a cadence setting (check the spelling); settings are: {', '.join(CadenceSpec.model_fields)}"
    if kind == "missing":
        return "is required"
    message = str(err["msg"]).removeprefix("Value error, ")
    return message if not ctx.get("error") else str(ctx["error"])


def _bounds(field: str) -> tuple[int, int] | None:
    info = CadenceSpec.model_fields.get(field)
    if info is None:
        return None
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    return (low, high) if low is not None and high is not None else None


# ---- storage mapping ----------------------------------------------------------


def spec_to_row(spec: CadenceSpec) -> dict[str, Any]:
    values = spec.model_dump()
    values["weekdays"] = list(spec.weekdays)
    values["scenario_ids"] = list(spec.scenario_ids)
    values["behaviors"] = list(spec.behaviors)
    values["window_start"] = f"{spec.window_start:%H:%M}"
    values["window_end"] = f"{spec.window_end:%H:%M}"
    return values


def spec_from_row(row: Cadence) -> CadenceSpec:
    """The stored cadence as a spec; a behavior or scenario retired since it was saved is dropped."""
    values = {name: getattr(row, name) for name in CadenceSpec.model_fields}
    try:
        return CadenceSpec.model_validate(values)
    except ValidationError:
        log.warning("cadence of team %s no longer validates; rotating over everything instead", row.team_id)
        return CadenceSpec.model_validate({**values, "behaviors": (), "scenario_ids": ()})


# ---- the service --------------------------------------------------------------


class CadenceService:
    """Read and change team cadences; only people with the enablement role may change them."""

    def __init__(self, repos: Repositories, clock: Clock, library: ScenarioLibrary | None = None,
                 cadences: CadenceRepo | None = None,
                 libraries: Callable[[int | None], ScenarioLibrary] | None = None) -> None:
        self.repos = repos
        self.clock = clock
        self.library = library
        self.cadences = cadences or CadenceRepo(repos.db)
        # Optional: the scenarios a workspace sees (issue #23), so a team's cadence may name its
        # workspace's own scenarios; None checks names against `library`.
        self.libraries = libraries

    # reading

    def get(self, team_id: int) -> CadenceSpec:
        """The team's cadence, or the default one when enablement has not set any."""
        return self.stored(team_id) or CadenceSpec()

    def stored(self, team_id: int) -> CadenceSpec | None:
        row = self.cadences.get(team_id)
        return spec_from_row(row) if row is not None else None

    def can_edit(self, person_id: int) -> bool:
        person = self.repos.people.get(person_id)
        return person is not None and person.deleted_at is None and person.has_role(ENABLEMENT)

    def form_values(self, team_id: int) -> dict[str, str]:
        """The cadence as text, to prefill a modal or a form (the inverse of `parse`)."""
        spec = self.get(team_id)
        out: dict[str, str] = {}
        for name, value in spec.model_dump().items():
            if name == "weekdays":
                out[name] = ",".join(WEEKDAY_NAMES[d].lower() for d in value)
            elif name == "digest_weekday":
                out[name] = WEEKDAY_NAMES[value].lower()
            elif isinstance(value, time):
                out[name] = f"{value:%H:%M}"
            elif isinstance(value, tuple):
                out[name] = ",".join(str(v) for v in value)
            else:
                out[name] = "" if value is None else str(value)
        return out

    # changing

    def parse(self, data: CadenceSpec | Mapping[str, Any], team_id: int | None = None) -> CadenceSpec:
        """Validate loose input and check the named scenarios exist (in the team's workspace, when given);
        CadenceError otherwise."""
        spec = data if isinstance(data, CadenceSpec) else parse_cadence(data)
        self._check_scenarios(spec, team_id)
        return spec

    def set(self, actor_person_id: int, team_id: int, spec: CadenceSpec | Mapping[str, Any]) -> CadenceSpec:
        """Set a team's cadence as the given person. NotAllowed unless they are in enablement."""
        actor = self.repos.people.get(actor_person_id)
        if actor is None or actor.deleted_at is not None or not actor.has_role(ENABLEMENT):
            raise NotAllowed(CADENCE_REFUSAL)
        self._in_workspace(team_id, actor.workspace_id)
        return self._save(team_id, self.parse(spec, team_id), actor.id)

    def set_by_operator(self, team_id: int, spec: CadenceSpec | Mapping[str, Any]) -> CadenceSpec:
        """Set a cadence from the operator's shell (`rehearse cadence`), who already holds the database."""
        return self._save(team_id, self.parse(spec, team_id), None)

    def from_yaml(self, text: str, path: str = "<string>") -> list[CadenceDocument]:
        documents = parse_cadence_yaml(text, path)
        problems: list[CadenceProblem] = []
        for doc in documents:
            try:
                self._check_scenarios(doc.spec)
            except CadenceError as exc:
                problems.extend(CadenceProblem(p.field, p.message, p.line, path) for p in exc.problems)
        if problems:
            raise CadenceError(problems)
        return documents

    def clear(self, actor_person_id: int | None, team_id: int) -> bool:
        """Back to the default cadence. `None` is the operator's shell."""
        if actor_person_id is not None:
            actor = self.repos.people.get(actor_person_id)
            if actor is None or not self.can_edit(actor_person_id):
                raise NotAllowed(CADENCE_REFUSAL)
            self._in_workspace(team_id, actor.workspace_id)
        return self.cadences.delete(team_id)

    # teams

    def team_named(self, name: str, workspace_id: int | None = None) -> Team:
        """The team called `name` (in the workspace, when given); UnknownTeam otherwise."""
        matches = [t for t, _ in self.cadences.teams_named(name) if workspace_id is None or t.workspace_id == workspace_id]
        if len(matches) == 1:
            return matches[0]
        known = self._team_names(workspace_id)
        if not matches:
            raise UnknownTeam(name, known)
        raise UnknownTeam(name, known, ambiguous=True)

    def _in_workspace(self, team_id: int, workspace_id: int) -> None:
        """A team id typed or submitted by a person must be one of their own workspace's teams.

        A team of another workspace is answered exactly like a team that does not exist,
        listing only the person's own teams: nothing says the other one is there."""
        team = self.cadences.team(team_id)
        if team is None or team.workspace_id != workspace_id:
            raise UnknownTeam(str(team_id), self._team_names(workspace_id))

    def _team_names(self, workspace_id: int | None) -> list[str]:
        """Team names a refusal may list: the asker's workspace's, or every one for the operator (None)."""
        return sorted({t.name for t, _ in self.cadences.teams() if workspace_id is None or t.workspace_id == workspace_id})

    def _save(self, team_id: int, spec: CadenceSpec, actor_id: int | None) -> CadenceSpec:
        if self.cadences.team(team_id) is None:
            raise UnknownTeam(str(team_id), self._team_names(None))
        self.cadences.save(team_id, spec_to_row(spec), actor_id, self.clock.now())
        log.info("cadence of team %s set by %s: %s", team_id, actor_id or "operator", spec.describe())
        return spec

    def _check_scenarios(self, spec: CadenceSpec, team_id: int | None = None) -> None:
        library = self.library
        if self.libraries is not None and team_id is not None:
            team = self.cadences.team(team_id)
            library = self.libraries(team.workspace_id) if team is not None else library
        if library is None or not spec.scenario_ids:
            return
        unknown = [s for s in spec.scenario_ids if s not in library]
        if unknown:
            practice = ", ".join(s.id for s in sorted(library.all(kind="practice"), key=lambda s: s.id))
            raise CadenceError([CadenceProblem("scenario_ids", f"no scenario called {', '.join(unknown)}; "
                                                               f"practice scenarios are: {practice}")])
