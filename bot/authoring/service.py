"""AuthoringService: enablement's scenario use cases, platform-free.

Every way of authoring ends in scenarios.drafting.finish_draft and a draft row
in the workspace's library; a draft is tried in a private practice session,
then published (enablement only, to their own workspace), edited (a new draft
version) or discarded. `by=None` is the shell operator, who holds the database
and acts for any workspace, as with `rehearse cadence`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.authoring.forms import FormProblems, field_of, fields_of, form_from_fields
from bot.authoring.library import WorkspaceLibraries
from bot.messages import PersonRef
from bot.people.roles import ENABLEMENT, NotAllowed, require
from bot.ports import Clock
from bot.practice.engine import PracticeService, Started
from scenarios.drafting import Drafted, DraftInvalid, ScenarioForm, finish_draft, scenario_from_form, to_yaml
from scenarios.loader import ScenarioLibrary, UnknownScenario
from scenarios.schema import Scenario
from scenarios.scrub import scrub_text
from storage import Repositories
from storage.models import Person, Workspace, WorkspaceScenario
from storage.repos.scenarios import DISCARDED, DRAFT, WorkspaceScenarioRepo

NO_LLM = ("Drafting from a description needs an LLM, and none is configured here (set ANTHROPIC_API_KEY). "
          "The short form makes the same kind of scenario without one.")


class DrafterPort(Protocol):
    """Turns a description into a finished draft (bot/authoring/claude.py with Claude)."""

    def draft(self, description: str, behaviors: Sequence[str]) -> Drafted: ...


class NoDrafter(Exception):
    """No LLM is configured; `user_message` offers the form."""

    user_message = NO_LLM


class UnknownDraft(KeyError):
    def __init__(self, row_id: int | str) -> None:
        super().__init__(row_id)
        self.user_message = f"I can't find draft {row_id}. `rehearse scenarios drafts` lists the open ones."

    def __str__(self) -> str:
        return self.user_message


@dataclass(frozen=True)
class Draft:
    """A stored version as the author sees it."""

    row_id: int
    workspace_id: int
    scenario: Scenario
    version: int
    status: str
    author_id: int | None
    removed: tuple[str, ...] = ()  # personal data stripped on the way in

    @property
    def yaml(self) -> str:
        return to_yaml(self.scenario.model_dump(mode="json"))


@dataclass(frozen=True)
class TryReport:
    """What the author's try of a draft showed: which hidden facts came out."""

    unlocked: tuple[str, ...]
    still_hidden: tuple[str, ...]

    def describe(self) -> str:
        if not self.unlocked and not self.still_hidden:
            return "This scenario has no hidden facts."
        said = f"Unlocked {len(self.unlocked)} of {len(self.unlocked) + len(self.still_hidden)} hidden facts"
        said += f": {', '.join(self.unlocked)}." if self.unlocked else "."
        return said + (f" Still hidden: {', '.join(self.still_hidden)}." if self.still_hidden else "")


class AuthoringService:
    def __init__(self, repos: Repositories, libraries: WorkspaceLibraries, clock: Clock,
                 drafter: DrafterPort | None = None) -> None:
        self.repos = repos
        self.libraries = libraries
        self.rows: WorkspaceScenarioRepo = libraries.repo
        self.clock = clock
        self.drafter = drafter

    # ---- where ------------------------------------------------------------

    def workspace(self, platform: str, external_id: str) -> Workspace:
        return self.repos.people.ensure_workspace(platform, external_id, self.clock.now())

    def library_for(self, platform: str, external_id: str) -> ScenarioLibrary:
        """The scenarios people in this platform workspace see (a /practice id is checked against it)."""
        return self.libraries.for_workspace(self.workspace(platform, external_id).id)

    # ---- drafting: three ways, one result ----------------------------------

    @property
    def can_describe(self) -> bool:
        return self.drafter is not None

    def from_description(self, workspace_id: int, description: str, behaviors: Sequence[str],
                         by: Person | None = None) -> Draft:
        """Claude drafts the scenario. NoDrafter without an LLM; DraftInvalid when still invalid after a retry
        (nothing is saved); bot.llm.LlmError when the service fails."""
        self._may_author(by, workspace_id)
        if self.drafter is None:
            raise NoDrafter(NO_LLM)
        clean, removed = scrub_text(description)  # personal data never reaches the model either
        drafted = self.drafter.draft(clean, behaviors)
        drafted = Drafted(drafted.scenario, drafted.yaml, tuple(removed) + drafted.removed)
        return self._save(workspace_id, drafted, "description", by)

    def from_form(self, workspace_id: int, form: ScenarioForm, by: Person | None = None,
                  scenario_id: str | None = None) -> Draft:
        self._may_author(by, workspace_id)
        return self._save(workspace_id, finish_draft(scenario_from_form(form, scenario_id), form.behaviors),
                          "form", by)

    def from_yaml(self, workspace_id: int, text: str, path: str = "<yaml>", by: Person | None = None) -> Draft:
        """A YAML scenario as a draft. DraftInvalid lists each problem: the validator's with the file's own
        line and field, then the authoring guard rails."""
        from scenarios.loader import ScenarioError, parse_scenario

        self._may_author(by, workspace_id)
        try:
            scenario = parse_scenario(text, path)
        except ScenarioError as exc:
            raise DraftInvalid(tuple(str(p) for p in exc.problems)) from None
        try:
            drafted = finish_draft(scenario.model_dump(mode="json"), path=path)
        except DraftInvalid as exc:
            raise DraftInvalid(tuple(f"{path}: {p}" for p in exc.problems), exc.removed) from None
        return self._save(workspace_id, drafted, "yaml", by)

    def revise(self, row_id: int, data: dict[str, Any] | ScenarioForm, by: Person | None = None) -> Draft:
        """Edit: the changed scenario becomes the next draft version and the old draft is discarded."""
        old = self._row(row_id)
        self._may_author(by, old.workspace_id)
        if isinstance(data, ScenarioForm):
            drafted = finish_draft(scenario_from_form(data, old.scenario_id), data.behaviors)
        else:
            drafted = finish_draft({**data, "id": old.scenario_id})
        new = self._save(old.workspace_id, drafted, old.source, by)
        if old.status == DRAFT:
            self.rows.set_status(row_id, DISCARDED)
        return new

    def from_fields(self, by: Person, values: Mapping[str, Any], draft_id: int | None = None) -> Draft:
        """A chat form's fields as a new draft (or the next version of `draft_id`), in the author's workspace.
        FormProblems names the field of each problem; NotAllowed for anyone outside enablement."""
        self._may_author(by, by.workspace_id)
        form = form_from_fields(values)
        try:
            if draft_id is not None:
                return self.revise(draft_id, form, by=by)
            return self.from_form(by.workspace_id, form, by=by)
        except DraftInvalid as exc:
            problems: dict[str, str] = {}
            for problem in exc.problems:
                field = field_of(problem)
                problems[field] = f"{problems[field]} {problem}" if field in problems else problem
            raise FormProblems(problems) from None

    def form_values(self, row_id: int, by: Person | None = None) -> dict[str, Any]:
        """A draft's values for the form that edits it."""
        row = self._row(row_id)
        self._may_author(by, row.workspace_id)
        return fields_of(Scenario.model_validate(row.body))

    def check_author(self, by: Person) -> None:
        """NotAllowed, with a sentence to show, unless `by` may write scenarios for their workspace."""
        self._may_author(by, by.workspace_id)

    def _save(self, workspace_id: int, drafted: Drafted, source: str, by: Person | None) -> Draft:
        row = self.rows.add(workspace_id, drafted.scenario.id, drafted.scenario.model_dump(mode="json"),
                            self.clock.now(), source=source, author_id=by.id if by is not None else None)
        return _draft(row, drafted.removed)

    # ---- try, publish, discard, retire ------------------------------------

    def try_draft(self, row_id: int, practice: PracticeService, who: PersonRef, by: Person | None = None) -> Started:
        """A private practice session on the draft for its author (the offline or Claude buyer plays it)."""
        row = self._row(row_id)
        self._may_author(by, row.workspace_id)
        return practice.start(who, draft=Scenario.model_validate(row.body))

    def try_report(self, session_id: str, scenario: Scenario) -> TryReport:
        session = self.repos.sessions.get(session_id)
        revealed = list((session.buyer_state or {}).get("revealed", [])) if session is not None else []
        hidden = [f.id for f in scenario.hidden_facts if f.id not in revealed]
        return TryReport(tuple(f for f in revealed if f in {h.id for h in scenario.hidden_facts}), tuple(hidden))

    def publish(self, row_id: int, by: Person | None = None) -> Draft:
        """Make the draft the workspace's version of its id; sessions on an older version keep theirs."""
        row = self._row(row_id)
        self._enablement_of(by, row.workspace_id, "publish scenarios")
        if row.status != DRAFT:
            raise NotAllowed(f"Version {row.version} of {row.scenario_id} is {row.status}, not a draft, so there is "
                             "nothing to publish.")
        published = self.rows.publish(row_id, self.clock.now(), by.id if by is not None else None)
        return _draft(published)

    def discard(self, row_id: int, by: Person | None = None) -> Draft:
        row = self._row(row_id)
        if by is not None and row.author_id != by.id:
            self._enablement_of(by, row.workspace_id, "discard someone else's draft")
        if row.status != DRAFT:
            raise NotAllowed(f"Version {row.version} of {row.scenario_id} is {row.status}; only drafts are discarded.")
        return _draft(self.rows.set_status(row_id, DISCARDED))

    def retire(self, workspace_id: int, scenario_id: str, by: Person | None = None) -> Draft:
        """No new pushes of `scenario_id` in this workspace; sessions already running finish as they are."""
        self._enablement_of(by, workspace_id, "retire scenarios")
        library = self.libraries.for_workspace(workspace_id)
        if scenario_id not in library:
            raise UnknownScenario(scenario_id, library.ids())
        row = self.rows.retire(workspace_id, scenario_id, self.clock.now(),
                               library.get(scenario_id).model_dump(mode="json"))
        assert row is not None  # the id is in the library: a published row or a base scenario
        return _draft(row)

    # ---- reading ----------------------------------------------------------

    def draft(self, row_id: int) -> Draft:
        return _draft(self._row(row_id))

    def drafts(self, workspace_id: int) -> list[Draft]:
        return [_draft(r) for r in self.rows.of_workspace(workspace_id, DRAFT)]

    def versions(self, workspace_id: int) -> list[Draft]:
        return [_draft(r) for r in self.rows.of_workspace(workspace_id)]

    def export(self, workspace_id: int, scenario_id: str) -> str:
        """The YAML of the scenario this workspace sees under `scenario_id` (its own or the base one)."""
        return to_yaml(self.libraries.for_workspace(workspace_id).get(scenario_id).model_dump(mode="json"))

    # ---- checks -----------------------------------------------------------

    def _row(self, row_id: int) -> WorkspaceScenario:
        row = self.rows.get(row_id)
        if row is None:
            raise UnknownDraft(row_id)
        return row

    def _may_author(self, by: Person | None, workspace_id: int) -> None:
        if by is not None:
            self._enablement_of(by, workspace_id, "write scenarios")

    def _enablement_of(self, by: Person | None, workspace_id: int, doing: str) -> None:
        if by is None:
            return
        require(by, ENABLEMENT, doing)
        if by.workspace_id != workspace_id:
            raise NotAllowed("Sorry, you can only change your own workspace's scenarios. Nothing was changed.")


def _draft(row: WorkspaceScenario, removed: tuple[str, ...] = ()) -> Draft:
    assert row.id is not None
    return Draft(row.id, row.workspace_id, Scenario.model_validate(row.body), row.version, row.status, row.author_id,
                 removed)
