"""`rehearse privacy purge --workspace`: an uninstalled workspace's practice data goes at once, on request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.people.privacy import PrivacyService
from bot.people.workspaces import Install, Workspaces
from bot.settings import Settings, get_settings
from storage import Repositories
from tests.core.testbot import ManualClock

runner = CliRunner()


@pytest.fixture
def installed(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspaces]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    repos = Repositories.open(db_url)
    clock = ManualClock()
    settings = Settings(_env_file=None, data_dir=str(tmp_path))  # type: ignore[call-arg]
    workspaces = Workspaces(repos, PrivacyService(repos, settings, clock), clock, 30)
    workspaces.save(Install(enterprise_id=None, team_id="T0ACME", bot_token="xoxb-acme", team_name="Acme"))
    repos.people.ensure_person("slack", "T0ACME", "UA1", clock.now(), "Ana", "UTC")
    yield workspaces
    repos.db.dispose()
    get_settings.cache_clear()


def test_purging_a_workspace_that_is_still_installed_is_refused(installed: Workspaces) -> None:
    result = runner.invoke(app, ["privacy", "purge", "--workspace", "T0ACME", "--yes"])
    assert result.exit_code == 2
    assert "still installed" in result.output


def test_an_uninstalled_workspace_is_purged_at_once(installed: Workspaces) -> None:
    installed.uninstall(None, "T0ACME")
    result = runner.invoke(app, ["privacy", "purge", "--workspace", "T0ACME", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Purged T0ACME: 1 people" in result.output
    again = runner.invoke(app, ["privacy", "purge", "--workspace", "T0ACME", "--yes"])
    assert again.exit_code == 1 and "No uninstalled Slack workspace" in again.output
