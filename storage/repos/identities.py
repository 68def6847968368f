"""One platform user across workspaces: who someone is when they write from outside any workspace.

A Discord user is the same person in every guild and in their DMs with the bot,
but Rehearse stores people per workspace (teams, managers and cadences live
there). This finds a user's stored identities by their platform user id.
"""

from __future__ import annotations

from sqlmodel import col, select

from storage.db import Database
from storage.models import Person, Workspace


class IdentityRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def identities(self, platform: str, user_id: str) -> list[tuple[Person, Workspace]]:
        """Every live stored person with this platform user id, with their workspace, oldest first."""
        with self.db.session() as s:
            return list(s.exec(
                select(Person, Workspace)
                .join(Workspace, Workspace.id == Person.workspace_id)
                .where(Person.platform == platform, Person.platform_user_id == user_id,
                       col(Person.deleted_at).is_(None))
                .order_by(col(Person.id))
            ).all())
