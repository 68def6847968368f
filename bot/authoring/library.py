"""The scenarios each workspace sees: the shipped library and SCENARIOS_DIR, plus its own published ones.

A workspace's published version of an id adds a scenario or overrides the base one of that id; a
retired one takes the id away. Only that workspace sees either. Parsed libraries are kept while
the workspace's active rows are unchanged (checked by their ids and statuses alone, without reading
the bodies), so a push wave parses each workspace's scenarios once.
"""

from __future__ import annotations

import threading

from scenarios.loader import ScenarioLibrary
from scenarios.schema import Scenario
from storage.repos.scenarios import RETIRED, WorkspaceScenarioRepo


class WorkspaceLibraries:
    def __init__(self, base: ScenarioLibrary, repo: WorkspaceScenarioRepo) -> None:
        self.base = base
        self.repo = repo
        self._cache: dict[int, tuple[tuple[tuple[int, str], ...], ScenarioLibrary]] = {}
        self._guard = threading.Lock()

    def for_workspace(self, workspace_id: int | None) -> ScenarioLibrary:
        if workspace_id is None:
            return self.base
        key = tuple(self.repo.active_keys(workspace_id))
        if not key:
            return self.base
        with self._guard:
            cached = self._cache.get(workspace_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        rows = self.repo.active(workspace_id)
        key = tuple(sorted((row.id or 0, row.status) for row in rows))
        scenarios = {s.id: s for s in self.base.all()}
        for row in rows:
            if row.status == RETIRED:
                scenarios.pop(row.scenario_id, None)
            else:
                scenarios[row.scenario_id] = Scenario.model_validate(row.body)
        library = ScenarioLibrary(scenarios.values())
        with self._guard:
            self._cache[workspace_id] = (key, library)
        return library

    def own_ids(self, workspace_id: int) -> dict[str, str]:
        """The workspace's own scenario ids and their status (published or retired)."""
        return {row.scenario_id: row.status for row in self.repo.active(workspace_id)}
