"""Installations and OAuth states in the project database (SQLite and PostgreSQL), behind the migration.

What a workspace admin relies on without seeing it: a reinstall replaces the old
token, an uninstall forgets it at once, an "Add to Slack" link works once and not
after it expires, and an uninstalled workspace's practice data waits out the
grace period, then is gone, unless the workspace comes back first.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.people.privacy import PrivacyService
from bot.people.workspaces import Install, NotUninstalled, Workspaces
from bot.settings import Settings
from storage import Repositories
from storage.repos.cadences import CadenceRepo
from tests.core.testbot import ManualClock


def _workspaces(repos: Repositories, clock: ManualClock, tmp_path: Path, days: int = 30) -> Workspaces:
    settings = Settings(_env_file=None, data_dir=str(tmp_path), uninstall_retention_days=days)  # type: ignore[call-arg]
    return Workspaces(repos, PrivacyService(repos, settings, clock), clock, days)


def _install(team: str, token: str, **kw: object) -> Install:
    return Install(enterprise_id=None, team_id=team, bot_token=token, team_name=f"Team {team}",
                   bot_user_id=f"UB{team}", **kw)  # type: ignore[arg-type]


def test_each_workspace_is_found_with_its_own_token_and_a_reinstall_replaces_it(repos: Repositories,
                                                                                tmp_path: Path) -> None:
    ws = _workspaces(repos, ManualClock(), tmp_path)
    ws.save(_install("T1", "xoxb-one"))
    ws.save(_install("T2", "xoxb-two"))
    found = ws.find(None, "T1")
    assert found is not None and found.bot_token == "xoxb-one"
    assert ws.for_workspace("T2").bot_token == "xoxb-two"  # type: ignore[union-attr]
    ws.save(_install("T1", "xoxb-one-again"))
    assert ws.for_workspace("T1").bot_token == "xoxb-one-again"  # type: ignore[union-attr]
    assert sorted(i.workspace for i in ws.installed()) == ["T1", "T2"]
    assert ws.find(None, "T404") is None


def test_a_rotated_token_is_saved_over_the_old_one_with_its_expiry(repos: Repositories, tmp_path: Path) -> None:
    clock = ManualClock()
    ws = _workspaces(repos, clock, tmp_path)
    ws.save(_install("T1", "xoxe.xoxb-1", bot_refresh_token="xoxe-1", bot_token_expires_at=clock.now()))
    later = clock.now() + timedelta(hours=12)
    ws.save(_install("T1", "xoxe.xoxb-2", bot_refresh_token="xoxe-2", bot_token_expires_at=later))
    found = ws.for_workspace("T1")
    assert found is not None
    assert (found.bot_token, found.bot_refresh_token, found.bot_token_expires_at) == ("xoxe.xoxb-2", "xoxe-2", later)


def test_an_org_wide_install_serves_the_workspaces_of_its_grid_org(repos: Repositories, tmp_path: Path) -> None:
    ws = _workspaces(repos, ManualClock(), tmp_path)
    ws.save(Install(enterprise_id="E1", team_id=None, bot_token="xoxb-org", is_enterprise_install=True))
    assert ws.find("E1", "T7").bot_token == "xoxb-org"  # type: ignore[union-attr]
    assert ws.find("E1", None, is_enterprise_install=True).bot_token == "xoxb-org"  # type: ignore[union-attr]
    assert ws.find("E2", "T7") is None


def test_uninstalling_forgets_the_token_at_once_and_a_reinstall_brings_it_back(repos: Repositories,
                                                                               tmp_path: Path) -> None:
    ws = _workspaces(repos, ManualClock(), tmp_path)
    ws.save(_install("T1", "xoxb-one"))
    assert ws.uninstall(None, "T1") is True
    assert ws.find(None, "T1") is None and ws.for_workspace("T1") is None
    assert ws.installed() == []
    assert ws.uninstall(None, "T404") is False
    ws.save(_install("T1", "xoxb-back"))
    assert ws.for_workspace("T1").bot_token == "xoxb-back"  # type: ignore[union-attr]


def test_an_install_link_state_works_once_and_not_after_it_expires(repos: Repositories, tmp_path: Path) -> None:
    clock = ManualClock()
    ws = _workspaces(repos, clock, tmp_path)
    ws.issue_state("s-once", timedelta(minutes=10))
    ws.issue_state("s-late", timedelta(minutes=10))
    assert ws.consume_state("s-once") is True
    assert ws.consume_state("s-once") is False  # replayed
    clock.advance(minutes=11)
    assert ws.consume_state("s-late") is False  # expired
    assert ws.consume_state("never-issued") is False
    assert ws.consume_state("") is False
    assert ws.states.pending() == 0  # expired states do not pile up


def _practice(repos: Repositories, clock: ManualClock, workspace: str, user: str) -> int:
    person, _ = repos.people.ensure_person("slack", workspace, user, clock.now(), "Rep " + user, "UTC")
    team = repos.people.ensure_team(person.workspace_id, "Sales", clock.now())
    repos.people.update(person.id, team_id=team.id)  # type: ignore[arg-type]
    CadenceRepo(repos.db).save(team.id, {"sessions_per_week": 2}, None, clock.now())  # type: ignore[arg-type]
    return person.id  # type: ignore[return-value]


def test_an_uninstalled_workspace_keeps_its_data_for_the_grace_period_then_loses_it(repos: Repositories,
                                                                                    tmp_path: Path) -> None:
    clock = ManualClock()
    ws = _workspaces(repos, clock, tmp_path, days=30)
    ws.save(_install("T1", "xoxb-one"))
    ws.save(_install("T2", "xoxb-two"))
    gone = _practice(repos, clock, "T1", "U1")
    stays = _practice(repos, clock, "T2", "U2")
    ws.uninstall(None, "T1")
    clock.advance(days=29)
    assert ws.purge_uninstalled() == []
    assert repos.people.get(gone).deleted_at is None  # type: ignore[union-attr]
    clock.advance(days=2)
    purged = ws.purge_uninstalled()
    assert [(p.workspace, p.people) for p in purged] == [("T1", 1)]
    assert purged[0].counts["cadences"] == 1
    assert repos.people.get(gone).deleted_at is not None  # type: ignore[union-attr]
    assert repos.people.get(stays).deleted_at is None  # type: ignore[union-attr]
    assert ws.purge_uninstalled() == []  # once purged, the tombstone is gone too


def test_a_workspace_that_comes_back_within_the_grace_period_keeps_its_data(repos: Repositories,
                                                                            tmp_path: Path) -> None:
    clock = ManualClock()
    ws = _workspaces(repos, clock, tmp_path, days=30)
    ws.save(_install("T1", "xoxb-one"))
    person = _practice(repos, clock, "T1", "U1")
    ws.uninstall(None, "T1")
    clock.advance(days=10)
    ws.save(_install("T1", "xoxb-back"))
    clock.advance(days=40)
    assert ws.purge_uninstalled() == []
    assert repos.people.get(person).deleted_at is None  # type: ignore[union-attr]


def test_purging_at_once_needs_the_workspace_uninstalled(repos: Repositories, tmp_path: Path) -> None:
    clock = ManualClock()
    ws = _workspaces(repos, clock, tmp_path)
    ws.save(_install("T1", "xoxb-one"))
    person = _practice(repos, clock, "T1", "U1")
    with pytest.raises(NotUninstalled):
        ws.purge_now("T1")
    with pytest.raises(KeyError):
        ws.purge_now("T404")
    ws.uninstall(None, "T1")
    assert ws.purge_now("T1").people == 1
    assert repos.people.get(person).deleted_at is not None  # type: ignore[union-attr]
