"""Slack installations (one per workspace) and the single-use OAuth states of "Add to Slack".

An installation is found the way Slack addresses a request: by team_id, or by
enterprise_id for an Enterprise Grid org-wide install. Uninstalling clears the
tokens at once (nothing can be sent with them again) but keeps the row, with
`uninstalled_at`, until the retention job has purged the workspace's practice
data; reinstalling within the grace period revives it. A state is consumed by
one atomic DELETE, so of two redirects racing with one state only one wins,
and an expired state is never accepted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database
from storage.models import Cadence, DigestRecord, OAuthState, Person, SlackInstallation, Team, Workspace

ORG_PREFIX = "E:"
# Every column an install or a token rotation writes (the rest are the row's identity and dates).
_FIELDS = ("enterprise_id", "enterprise_name", "team_id", "team_name", "app_id", "bot_token", "bot_id",
           "bot_user_id", "bot_scopes", "bot_refresh_token", "bot_token_expires_at", "installer_user_id",
           "is_enterprise_install", "token_type")


def install_key(enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool = False) -> str:
    """team_id for a workspace install; the org's id for an org-wide install (it has no single team)."""
    if is_enterprise_install or not team_id:
        if not enterprise_id:
            raise ValueError("an installation needs a team_id or an enterprise_id")
        return ORG_PREFIX + enterprise_id
    return team_id


class InstallationRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, now: datetime, *, installed_at: datetime | None = None, **fields: Any) -> SlackInstallation:
        """Insert or rewrite the installation of this workspace (or org); a reinstall revives an uninstalled one.

        `fields` are SlackInstallation columns (enterprise_id, team_id, bot_token, ...)."""
        unknown = set(fields) - set(_FIELDS)
        if unknown:
            raise TypeError(f"not installation fields: {sorted(unknown)}")
        key = install_key(fields.get("enterprise_id"), fields.get("team_id"),
                          bool(fields.get("is_enterprise_install")))
        fields = {**fields, "bot_scopes": fields.get("bot_scopes") or ""}
        for attempt in range(2):
            try:
                with self.db.session() as s:
                    row = s.exec(select(SlackInstallation).where(SlackInstallation.install_key == key)).first()
                    if row is None:
                        row = SlackInstallation(install_key=key, installed_at=installed_at or now, updated_at=now,
                                                **fields)
                    else:
                        for name, value in fields.items():
                            setattr(row, name, value)
                        if installed_at is not None:
                            row.installed_at = installed_at
                        row.updated_at = now
                        row.uninstalled_at = None
                    s.add(row)
                    s.flush()
                    return row
            except IntegrityError:  # two installs of one workspace at once: rewrite the row the other made
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def find(self, *, enterprise_id: str | None, team_id: str | None,
             is_enterprise_install: bool | None = False) -> SlackInstallation | None:
        """The live installation a request from (enterprise_id, team_id) runs with, or None.

        A workspace's own install comes first; a workspace of a Grid org with an org-wide
        install falls back to that."""
        keys = []
        if team_id and not is_enterprise_install:
            keys.append(team_id)
        if enterprise_id:
            keys.append(ORG_PREFIX + enterprise_id)
        if not keys:
            return None
        with self.db.session() as s:
            rows = s.exec(select(SlackInstallation).where(col(SlackInstallation.install_key).in_(keys),
                                                          col(SlackInstallation.uninstalled_at).is_(None))).all()
        by_key = {row.install_key: row for row in rows}
        return next((by_key[k] for k in keys if k in by_key), None)

    def for_workspace(self, team_id: str) -> SlackInstallation | None:
        """The live installation that reaches workspace `team_id` (what a scheduled send needs)."""
        with self.db.session() as s:
            own = s.exec(select(SlackInstallation).where(SlackInstallation.install_key == team_id,
                                                         col(SlackInstallation.uninstalled_at).is_(None))).first()
        return own

    def uninstall(self, *, enterprise_id: str | None, team_id: str | None, now: datetime) -> SlackInstallation | None:
        """Forget the tokens of this workspace's (or org's) installation at once; the row stays as a
        tombstone for the retention job. Returns it, or None when nothing was installed."""
        try:
            key = install_key(enterprise_id, team_id)
        except ValueError:
            return None
        with self.db.session() as s:
            row = s.exec(select(SlackInstallation).where(SlackInstallation.install_key == key)).first()
            if row is None and enterprise_id:
                row = s.exec(select(SlackInstallation).where(
                    SlackInstallation.install_key == ORG_PREFIX + enterprise_id)).first()
            if row is None:
                return None
            row.bot_token = row.bot_refresh_token = row.bot_token_expires_at = None
            row.updated_at = now
            row.uninstalled_at = row.uninstalled_at or now
            s.add(row)
            return row

    def active(self) -> list[SlackInstallation]:
        with self.db.session() as s:
            return list(s.exec(select(SlackInstallation).where(col(SlackInstallation.uninstalled_at).is_(None))
                               .order_by(col(SlackInstallation.installed_at))).all())

    def uninstalled_before(self, cutoff: datetime) -> list[SlackInstallation]:
        """Tombstones whose grace period ended: their workspaces' practice data is due for purging."""
        with self.db.session() as s:
            return list(s.exec(select(SlackInstallation).where(col(SlackInstallation.uninstalled_at) < cutoff)
                               .order_by(col(SlackInstallation.uninstalled_at))).all())

    def uninstalled(self) -> list[SlackInstallation]:
        with self.db.session() as s:
            return list(s.exec(select(SlackInstallation).where(col(SlackInstallation.uninstalled_at).is_not(None))
                               .order_by(col(SlackInstallation.uninstalled_at))).all())

    def forget(self, key: str) -> bool:
        """Remove a tombstone once its workspace's data is purged (a live installation is never removed here)."""
        with self.db.session() as s:
            result = s.exec(delete(SlackInstallation).where(  # type: ignore[call-overload]
                SlackInstallation.install_key == key, col(SlackInstallation.uninstalled_at).is_not(None)))
            return bool(result.rowcount)


class OAuthStateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def issue(self, state: str, now: datetime, ttl: timedelta) -> None:
        with self.db.session() as s:
            s.add(OAuthState(state=state, created_at=now, expires_at=now + ttl))

    def consume(self, state: str, now: datetime) -> bool:
        """True once for a state issued here and not expired; False for a replay, an expired or unknown state.

        The DELETE both checks and uses the state, so two redirects with one state cannot both pass."""
        if not state or len(state) > 100:
            return False
        with self.db.session() as s:
            used = s.exec(delete(OAuthState).where(  # type: ignore[call-overload]
                OAuthState.state == state, col(OAuthState.expires_at) > now))
            consumed = bool(used.rowcount)
            # Expired states are useless to everyone: drop them here rather than in a job of their own.
            s.exec(delete(OAuthState).where(col(OAuthState.expires_at) <= now))  # type: ignore[call-overload]
            return consumed

    def pending(self) -> int:
        with self.db.session() as s:
            return len(s.exec(select(OAuthState.state)).all())


class WorkspaceData:
    """What a workspace holds beyond its people's own practice (which PrivacyRepo.erase removes)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def people(self, platform: str, external_id: str) -> list[int]:
        """Ids of everyone stored for this workspace, erased ones included."""
        with self.db.session() as s:
            return list(s.exec(select(Person.id).join(Workspace, col(Workspace.id) == Person.workspace_id)
                               .where(Workspace.platform == platform, Workspace.external_id == external_id)
                               .order_by(col(Person.id))).all())

    def drop_settings(self, platform: str, external_id: str) -> dict[str, int]:
        """Remove the workspace's team cadences (nothing is planned for it again) and its managers' digests."""
        with self.db.session() as s:
            workspace = s.exec(select(Workspace).where(Workspace.platform == platform,
                                                       Workspace.external_id == external_id)).first()
            if workspace is None:
                return {"cadences": 0, "digests": 0}
            teams = select(Team.id).where(Team.workspace_id == workspace.id)
            people = select(Person.id).where(Person.workspace_id == workspace.id)
            cadences = s.exec(delete(Cadence).where(col(Cadence.team_id).in_(teams)))  # type: ignore[call-overload]
            digests = s.exec(delete(DigestRecord).where(col(DigestRecord.manager_id).in_(people)))  # type: ignore[call-overload]
            return {"cadences": int(cadences.rowcount or 0), "digests": int(digests.rowcount or 0)}
