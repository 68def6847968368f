"""`rehearse digest --manager <id> [--period ...] [--format text|json|png|html]` previews any digest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.cli  # noqa: F401 - registers every command module on the app
from bot.cli.root import app
from bot.digests.seed import Seeded, SeedSpec, seed_teams
from bot.settings import get_settings
from storage import Repositories


@pytest.fixture
def seeded(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    repos = Repositories.open(sqlite_url)
    yield seed_teams(repos.db, SeedSpec(), datetime.now(UTC))
    repos.db.dispose()
    get_settings.cache_clear()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["digest", *args])


def test_text_preview_reads_like_the_digest_and_points_to_the_chart(seeded: Seeded) -> None:
    result = _run("--manager", str(seeded.manager_ids[0]))
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith(f"Team digest · {seeded.period.label()}\nfor Maya Chen\n")
    for heading in ("Practice vs cadence", "Behaviors:", "Needs reinforcement", "One coaching action per rep"):
        assert heading in out
    assert "Farid Haddad  0 of 6" in out and "not enough sessions (n=2, need 3)" in out
    chart = Path(out.split("Chart: ", 1)[1].splitlines()[0])
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_json_preview_is_the_digest_as_data(seeded: Seeded) -> None:
    result = _run("--manager", str(seeded.manager_ids[0]), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["period_start"] == seeded.period.start.isoformat() and len(data["reps"]) == 8
    farid = next(r for r in data["reps"] if r["name"] == "Farid Haddad")
    assert farid["status"] == "not_practised" and farid["behaviors"][0]["mean"] is None


def test_png_and_html_previews_are_written_where_asked(seeded: Seeded, tmp_path: Path) -> None:
    png = tmp_path / "out" / "chart.png"
    result = _run("--manager", str(seeded.manager_ids[0]), "--format", "png", "--output", str(png))
    assert result.exit_code == 0 and result.output.strip() == str(png.resolve())
    assert png.read_bytes().startswith(b"\x89PNG")
    result = _run("--manager", str(seeded.manager_ids[0]), "-f", "html", "--period", "previous")
    page = Path(result.output.strip()).read_text(encoding="utf-8")
    assert f"Team digest · {seeded.period.shift(-1).label()}" in page and "data:image/png;base64," in page


def test_a_manager_can_be_named_by_their_platform_user_id(seeded: Seeded) -> None:
    result = _run("--manager", "M-x")
    assert result.exit_code == 1 and "No one matches 'M-x'" in result.output  # not found
    repos = Repositories.open(get_settings().database_url)
    user = repos.people.get(seeded.manager_ids[0]).platform_user_id  # type: ignore[union-attr]
    repos.db.dispose()
    assert _run("--manager", user, "-f", "json").exit_code == 0


def test_someone_who_is_not_a_manager_gets_a_clear_error(seeded: Seeded) -> None:
    result = _run("--manager", str(seeded.rep_ids[0][0]))
    assert result.exit_code == 1 and "is not an active manager" in result.output  # not found as a manager


def test_a_bad_period_or_format_is_a_clear_error(seeded: Seeded) -> None:
    result = _run("--manager", str(seeded.manager_ids[0]), "--period", "someday")
    assert result.exit_code == 2 and "use last, current, previous, or a date" in result.output
    assert _run("--manager", str(seeded.manager_ids[0]), "--format", "pdf").exit_code == 2


def test_without_a_manager_the_command_says_how_to_name_one(seeded: Seeded) -> None:
    result = _run()
    assert result.exit_code == 2 and "--manager" in result.output


def test_the_enablement_preview_shows_team_figures_and_names_no_rep(seeded: Seeded, sqlite_url: str) -> None:
    repos = Repositories.open(sqlite_url)
    manager = repos.people.get(seeded.manager_ids[0])
    assert manager is not None
    erin, _ = repos.people.ensure_person(manager.platform, "", "E-erin", datetime.now(UTC), "Erin")
    repos.people.update(erin.id, workspace_id=manager.workspace_id, roles="enablement")  # type: ignore[arg-type]
    repos.db.dispose()
    result = _run("--enablement", str(erin.id))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Enablement digest · {seeded.period.label()}\n")  # no chat *bold* here
    assert "Farid Haddad" not in result.output and "Empathy: " in result.output  # a rep of the seeded team
    data = json.loads(_run("--enablement", str(erin.id), "--format", "json").output)
    assert data["teams"] and all("name" in b or "behavior" in b for t in data["teams"] for b in t["behaviors"])

    refused = _run("--enablement", str(seeded.manager_ids[0]))
    assert refused.exit_code == 1 and "enablement role" in refused.output  # not allowed
