"""The scenarios each workspace authors: drafts and numbered versions, published, superseded or retired.

Version numbers count per workspace and scenario id, drafts included, so a
draft that is discarded still used its number (a number never means two
different scenarios). At most one row per id is active (published or retired):
publishing a version supersedes the one before it in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database
from storage.models import Workspace, WorkspaceScenario

DRAFT, PUBLISHED, SUPERSEDED, RETIRED, DISCARDED = "draft", "published", "superseded", "retired", "discarded"
ACTIVE = (PUBLISHED, RETIRED)

_ROWS = WorkspaceScenario.__table__  # type: ignore[attr-defined]
# Read at every /practice to check the workspace's cached library: a Core statement built once, on a
# plain connection. The ORM session and a select built per call cost ~5 % of a process's CPU under
# load (py-spy, benchmarks/turn_floor.py saturation, issue #26).
_ACTIVE_KEYS = (core_select(_ROWS.c.id, _ROWS.c.status)
                .where(_ROWS.c.workspace_id == bindparam("workspace_id"), _ROWS.c.status.in_(ACTIVE))
                .order_by(_ROWS.c.id))


class WorkspaceScenarioRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, workspace_id: int, scenario_id: str, body: dict[str, Any], now: datetime, *, status: str = DRAFT,
            source: str = "yaml", author_id: int | None = None) -> WorkspaceScenario:
        """A new version of `scenario_id` in the workspace (the next number), stored with `status`."""
        for _ in range(3):
            try:
                with self.db.session() as s:
                    latest = s.exec(select(func.max(WorkspaceScenario.version)).where(
                        WorkspaceScenario.workspace_id == workspace_id,
                        WorkspaceScenario.scenario_id == scenario_id)).one()
                    version = int(latest or 0) + 1
                    row = WorkspaceScenario(
                        workspace_id=workspace_id, scenario_id=scenario_id, version=version, status=status,
                        source=source, title=str(body.get("title", ""))[:300], body={**body, "version": version},
                        author_id=author_id, created_at=now)
                    s.add(row)
                    s.flush()
                    return row
            except IntegrityError:  # two authors saved the same id at once: the next number is free now
                continue
        raise RuntimeError(f"could not number a new version of {scenario_id}")

    def get(self, row_id: int) -> WorkspaceScenario | None:
        with self.db.session() as s:
            return s.get(WorkspaceScenario, row_id)

    def set_status(self, row_id: int, status: str) -> WorkspaceScenario:
        return self.db.update(WorkspaceScenario, row_id, status=status)

    def publish(self, row_id: int, now: datetime, by: int | None = None) -> WorkspaceScenario:
        """Make this version the workspace's; the version that was active before is superseded."""
        with self.db.session() as s:
            row = s.get(WorkspaceScenario, row_id)
            if row is None:
                raise KeyError(row_id)
            s.execute(update(WorkspaceScenario).where(
                col(WorkspaceScenario.workspace_id) == row.workspace_id,
                col(WorkspaceScenario.scenario_id) == row.scenario_id,
                col(WorkspaceScenario.status).in_(ACTIVE),
                col(WorkspaceScenario.id) != row_id).values(status=SUPERSEDED))
            row.status, row.published_at, row.published_by = PUBLISHED, now, by
            s.add(row)
            return row

    def retire(self, workspace_id: int, scenario_id: str, now: datetime,
               base_body: dict[str, Any] | None = None) -> WorkspaceScenario | None:
        """Stop offering `scenario_id` in the workspace. Its published version is marked retired; a base
        scenario with no version here gets a retired marker carrying `base_body`. None: nothing to retire."""
        active = self.active_row(workspace_id, scenario_id)
        if active is not None:
            if active.status == RETIRED:
                return active
            return self.db.update(WorkspaceScenario, active.id, status=RETIRED, retired_at=now)
        if base_body is None:
            return None
        row = self.add(workspace_id, scenario_id, base_body, now, status=RETIRED)
        return self.db.update(WorkspaceScenario, row.id, retired_at=now)

    def active(self, workspace_id: int) -> list[WorkspaceScenario]:
        """The workspace's published and retired rows, one per scenario id."""
        with self.db.session() as s:
            return list(s.exec(select(WorkspaceScenario).where(
                WorkspaceScenario.workspace_id == workspace_id, col(WorkspaceScenario.status).in_(ACTIVE))
                .order_by(col(WorkspaceScenario.scenario_id))).all())

    def active_keys(self, workspace_id: int) -> list[tuple[int, str]]:
        """(row id, status) of the active rows: enough to tell whether a cached library is still current,
        without reading the scenario bodies (the JSON is most of a row's cost)."""
        with self.db.engine.connect() as connection:
            rows = connection.execute(_ACTIVE_KEYS, {"workspace_id": workspace_id}).all()
        return [(int(row_id or 0), status) for row_id, status in rows]

    def active_row(self, workspace_id: int, scenario_id: str) -> WorkspaceScenario | None:
        with self.db.session() as s:
            return s.exec(select(WorkspaceScenario).where(
                WorkspaceScenario.workspace_id == workspace_id, WorkspaceScenario.scenario_id == scenario_id,
                col(WorkspaceScenario.status).in_(ACTIVE))).first()

    def of_workspace(self, workspace_id: int, status: str | None = None) -> list[WorkspaceScenario]:
        """Every version the workspace holds (or those with `status`), by id then version."""
        with self.db.session() as s:
            q = select(WorkspaceScenario).where(WorkspaceScenario.workspace_id == workspace_id)
            if status is not None:
                q = q.where(WorkspaceScenario.status == status)
            return list(s.exec(q.order_by(col(WorkspaceScenario.scenario_id), col(WorkspaceScenario.version))).all())


def workspaces_matching(db: Database, key: str) -> list[Workspace]:
    """Workspaces whose id on their platform, name, or `platform:id` is `key` (what a CLI user types)."""
    platform, _, external = key.partition(":") if ":" in key else ("", "", key)
    with db.session() as s:
        q = select(Workspace)
        if platform:
            q = q.where(Workspace.platform == platform, Workspace.external_id == external)
        else:
            q = q.where((Workspace.external_id == key) | (Workspace.name == key))
        return list(s.exec(q.order_by(col(Workspace.id))).all())
