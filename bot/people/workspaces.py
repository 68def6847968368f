"""Workspaces that installed Rehearse (issue #22): their installations, uninstalls and the grace period.

A deployment with SLACK_CLIENT_ID serves many Slack workspaces, each with its
own installation and bot token. This is the core's side of that: the Slack
adapter's Bolt stores (adapters/slack/oauth.py) save and find installations
and OAuth states through it, the Slack ChatPort asks it for each workspace's
token, and the retention job asks it which uninstalled workspaces have passed
their grace period (UNINSTALL_RETENTION_DAYS) and purges their practice data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from bot.people.privacy import PrivacyService
from bot.ports import Clock
from storage import Repositories
from storage.models import SlackInstallation
from storage.repos.installations import InstallationRepo, OAuthStateRepo, WorkspaceData

log = logging.getLogger(__name__)

SLACK = "slack"


@dataclass(frozen=True)
class Install:
    """One workspace's (or Grid org's) installation, as Slack's OAuth answer and token rotation give it."""

    enterprise_id: str | None
    team_id: str | None
    bot_token: str | None
    team_name: str | None = None
    enterprise_name: str | None = None
    app_id: str | None = None
    bot_id: str | None = None
    bot_user_id: str | None = None
    bot_scopes: str = ""
    bot_refresh_token: str | None = None
    bot_token_expires_at: datetime | None = None
    installer_user_id: str | None = None
    is_enterprise_install: bool = False
    token_type: str | None = None
    installed_at: datetime | None = None

    @property
    def workspace(self) -> str:
        """The id the rest of Rehearse knows the workspace by (ConversationRef.workspace)."""
        return self.team_id or self.enterprise_id or ""


class NotUninstalled(Exception):
    """The workspace still has Rehearse installed: its data is in use, not waiting to be purged."""


@dataclass(frozen=True)
class WorkspacePurge:
    workspace: str
    people: int
    counts: dict[str, int]


class Workspaces:
    """Installations per workspace, the OAuth states of "Add to Slack", and the purge after uninstalling."""

    def __init__(self, repos: Repositories, privacy: PrivacyService, clock: Clock, retention_days: int) -> None:
        self.installs = InstallationRepo(repos.db)
        self.states = OAuthStateRepo(repos.db)
        self.data = WorkspaceData(repos.db)
        self.privacy = privacy
        self.clock = clock
        self.retention = timedelta(days=retention_days)

    # ---- installations ---------------------------------------------------------

    def save(self, install: Install) -> Install:
        values = {f.name: getattr(install, f.name) for f in fields(Install) if f.name != "installed_at"}
        row = self.installs.save(self.clock.now(), installed_at=install.installed_at, **values)
        log.info("Slack workspace %s (%s) installed", install.workspace, install.team_name or "unnamed")
        return _install(row)

    def find(self, enterprise_id: str | None, team_id: str | None,
             is_enterprise_install: bool | None = False) -> Install | None:
        row = self.installs.find(enterprise_id=enterprise_id, team_id=team_id,
                                 is_enterprise_install=is_enterprise_install)
        return _install(row) if row is not None else None

    def for_workspace(self, workspace: str) -> Install | None:
        """The live installation that reaches this workspace; None once it was uninstalled."""
        row = self.installs.for_workspace(workspace)
        return _install(row) if row is not None else None

    def installed(self) -> list[Install]:
        return [_install(row) for row in self.installs.active()]

    def uninstall(self, enterprise_id: str | None, team_id: str | None) -> bool:
        """app_uninstalled or tokens_revoked: the tokens are gone at once, the data waits out the grace period."""
        row = self.installs.uninstall(enterprise_id=enterprise_id, team_id=team_id, now=self.clock.now())
        if row is None:
            return False
        log.info("Slack workspace %s uninstalled; its practice data is purged after %s days unless it reinstalls",
                 row.team_id or row.enterprise_id, self.retention.days)
        return True

    # ---- OAuth states ------------------------------------------------------------

    def issue_state(self, state: str, ttl: timedelta) -> None:
        self.states.issue(state, self.clock.now(), ttl)

    def consume_state(self, state: str) -> bool:
        return self.states.consume(state, self.clock.now())

    # ---- leaving -------------------------------------------------------------------

    def purge_uninstalled(self, now: datetime | None = None) -> list[WorkspacePurge]:
        """The retention job's part: workspaces uninstalled longer than the grace period lose their data."""
        cutoff = (now or self.clock.now()) - self.retention
        return [self._purge(row) for row in self.installs.uninstalled_before(cutoff)]

    def purge_now(self, workspace: str) -> WorkspacePurge:
        """`rehearse privacy purge --workspace`: an uninstalled workspace's data now, not after the grace period.

        KeyError when Rehearse never knew the workspace; NotUninstalled while it is still installed."""
        for row in self.installs.uninstalled():
            if workspace in (row.team_id, row.enterprise_id, row.install_key):
                return self._purge(row)
        if self.installs.for_workspace(workspace) is not None:
            raise NotUninstalled(workspace)
        raise KeyError(workspace)

    def _purge(self, row: SlackInstallation) -> WorkspacePurge:
        workspace = row.team_id or row.enterprise_id or ""
        people = self.data.people(SLACK, workspace)
        totals: dict[str, int] = {}
        for person_id in people:
            for name, count in self.privacy.erase(person_id).items():
                totals[name] = totals.get(name, 0) + count
        for name, count in self.data.drop_settings(SLACK, workspace).items():
            totals[name] = totals.get(name, 0) + count
        self.installs.forget(row.install_key)
        log.info("purged uninstalled Slack workspace %s: %d people, %s", workspace, len(people), totals)
        return WorkspacePurge(workspace, len(people), totals)


def _install(row: SlackInstallation) -> Install:
    values: dict[str, Any] = {f.name: getattr(row, f.name) for f in fields(Install)}
    return Install(**values)
