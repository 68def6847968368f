"""Team cadences as stored: one row per team, written by enablement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from storage.db import Database
from storage.models import Cadence, Team, Workspace

# The Cadence columns a caller may set; everything else is bookkeeping.
CADENCE_FIELDS = (
    "sessions_per_week", "weekdays", "window_start", "window_end", "min_spacing_hours", "start_date", "end_date",
    "scenario_ids", "behaviors", "holidays_country", "nudge_after_hours", "max_nudges", "digest_weekday",
    "digest_hour",
)


class CadenceRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, team_id: int) -> Cadence | None:
        with self.db.session() as s:
            return s.exec(select(Cadence).where(Cadence.team_id == team_id)).first()

    def all(self) -> list[Cadence]:
        with self.db.session() as s:
            return list(s.exec(select(Cadence).order_by(col(Cadence.team_id))).all())

    def save(self, team_id: int, values: dict[str, Any], updated_by: int | None, now: datetime) -> Cadence:
        """Create or replace a team's cadence (one row per team)."""
        unknown = set(values) - set(CADENCE_FIELDS)
        if unknown:
            raise ValueError(f"not cadence fields: {', '.join(sorted(unknown))}")
        with self.db.session() as s:
            row = s.exec(select(Cadence).where(Cadence.team_id == team_id)).first()
            if row is None:
                row = Cadence(team_id=team_id, updated_at=now)
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_by, row.updated_at = updated_by, now
            s.add(row)
            s.flush()
            return row

    def delete(self, team_id: int) -> bool:
        with self.db.session() as s:
            row = s.exec(select(Cadence).where(Cadence.team_id == team_id)).first()
            if row is None:
                return False
            s.delete(row)
            return True

    # ---- teams, as enablement names them ----------------------------------

    def team(self, team_id: int) -> Team | None:
        with self.db.session() as s:
            return s.get(Team, team_id)

    def teams_named(self, name: str) -> list[tuple[Team, Workspace]]:
        """Teams with this name (case-insensitive) in any workspace, with their workspace."""
        with self.db.session() as s:
            return list(s.exec(
                select(Team, Workspace).join(Workspace, Workspace.id == Team.workspace_id)
                .where(func.lower(Team.name) == name.strip().lower())
            ).all())

    def teams(self) -> list[tuple[Team, Workspace]]:
        with self.db.session() as s:
            return list(s.exec(
                select(Team, Workspace).join(Workspace, Workspace.id == Team.workspace_id).order_by(col(Team.name))
            ).all())
