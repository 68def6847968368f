"""`rehearse digest --manager ID --link` prints a link that opens the manager's report."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli  # noqa: F401 - registers every command module on the app
from adapters.web.app import ReportPages
from bot.cli.root import app
from bot.digests.seed import Seeded, SeedSpec, seed_teams
from bot.digests.service import DigestService
from bot.ports import SystemClock
from bot.reports.build import build_reports
from bot.scheduling.build import build_outbox
from bot.settings import Settings, get_settings
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import RateLimiter
from storage import Repositories
from tests.web.conftest import Browser


@pytest.fixture
def seeded(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PUBLIC_URL", "https://rehearse.example.com/")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    get_settings.cache_clear()
    repos = Repositories.open(sqlite_url)
    yield seed_teams(repos.db, SeedSpec(), datetime.now(UTC))
    repos.db.dispose()
    get_settings.cache_clear()


def test_digest_link_prints_a_link_that_opens_the_managers_report(seeded: Seeded, sqlite_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "cli-secret")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["digest", "--manager", str(seeded.manager_ids[0]), "--link"])
    assert result.exit_code == 0, result.output
    url = result.output.strip()
    assert url.startswith("https://rehearse.example.com/reports/") and "\n" not in url

    # The server side: the same settings, the same database (as `rehearse serve` would build it).
    settings = Settings(_env_file=None, database_url=sqlite_url, secret_key="cli-secret")  # type: ignore[call-arg]
    repos = Repositories.open(sqlite_url)
    try:
        library, clock = ScenarioLibrary.load(), SystemClock()
        digests = DigestService(repos, library, {}, clock, Path(settings.data_dir),
                                outbox=build_outbox(repos, clock, RateLimiter()))
        page = Browser(ReportPages(build_reports(settings, repos, library, clock, digests))).get(url)
        assert page.status == 200 and seeded.period.label() in page.text and "Maya Chen" in page.text
    finally:
        repos.db.dispose()


def test_digest_link_without_a_secret_key_says_how_to_set_one(seeded: Seeded) -> None:
    result = CliRunner().invoke(app, ["digest", "--manager", str(seeded.manager_ids[0]), "--link"])
    assert result.exit_code == 2 and "SECRET_KEY" in result.output


def test_digest_link_for_someone_who_manages_no_one_is_refused(seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "cli-secret")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["digest", "--manager", str(seeded.rep_ids[0][0]), "--link"])
    assert result.exit_code == 2 and "not an active manager" in result.output


def test_links_revoke_withdraws_a_persons_links_and_links_show_hands_out_a_new_one(
        seeded: Seeded, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("SECRET_KEY", "cli-secret")
    get_settings.cache_clear()
    rep = seeded.rep_ids[0][0]
    old = CliRunner().invoke(app, ["links", "show", "--person", str(rep)])
    assert old.exit_code == 0, old.output
    time.sleep(1.1)  # links carry their issue time to the second
    revoked = CliRunner().invoke(app, ["links", "revoke", "--person", str(rep)])
    assert revoked.exit_code == 0 and "withdrawn" in revoked.output
    time.sleep(1.1)
    new = CliRunner().invoke(app, ["links", "show", "--person", str(rep)])

    settings = Settings(_env_file=None, database_url=sqlite_url, secret_key="cli-secret")  # type: ignore[call-arg]
    repos = Repositories.open(sqlite_url)
    try:
        library, clock = ScenarioLibrary.load(), SystemClock()
        digests = DigestService(repos, library, {}, clock, Path(settings.data_dir),
                                outbox=build_outbox(repos, clock, RateLimiter()))
        browser = Browser(ReportPages(build_reports(settings, repos, library, clock, digests)))
        assert browser.get(old.output.strip()).status == 410
        assert browser.get(new.output.strip()).status == 200
    finally:
        repos.db.dispose()
    assert CliRunner().invoke(app, ["links", "show", "--person", str(rep), "--view", "manager"]).exit_code == 2
