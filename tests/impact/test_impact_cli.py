"""`rehearse programme ...`, `rehearse impact` and `rehearse outcomes import` through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.impact.demo import seed_simulation
from bot.impact.simulate import simulate
from bot.settings import get_settings
from storage import Repositories


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repositories]:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("COLUMNS", "200")
    for key in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(key, raising=False)
    repos = Repositories.open(url)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    ws = repos.people.ensure_workspace("console", "W1", now)
    team = repos.people.ensure_team(ws.id, "Sales", now)  # type: ignore[arg-type]
    boss, _ = repos.people.ensure_person("console", "W1", "M1", now, "Maya Manager")
    repos.people.update(boss.id, roles="manager", team_id=team.id)  # type: ignore[arg-type]
    for i in range(10):
        rep, _ = repos.people.ensure_person("console", "W1", f"U{i}", now, f"Rep {i}")
        repos.people.update(rep.id, team_id=team.id, manager_id=boss.id)  # type: ignore[arg-type]
    later = repos.people.ensure_team(ws.id, "Sales West", now)  # type: ignore[arg-type]
    for i in range(3):
        rep, _ = repos.people.ensure_person("console", "W1", f"W{i}", now, f"West {i}")
        repos.people.update(rep.id, team_id=later.id, manager_id=boss.id)  # type: ignore[arg-type]
    get_settings.cache_clear()  # settings are cached per process: read this test's environment
    yield repos
    get_settings.cache_clear()
    repos.db.dispose()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args))


def test_enablement_starts_a_programme_and_sees_who_is_held_out_and_why(db: Repositories) -> None:
    started = _run("programme", "start", "--team", "1", "--behaviors", "open_question,empathy", "--holdout", "0.2",
                   "--seed", "1234", "--start", "2026-01-05", "--name", "Q1 discovery")
    assert started.exit_code == 0, started.output
    assert "Programme 1 “Q1 discovery” starts 2026-01-05: 8 practising, 2 held out (seed 1234)." in started.output
    members = _run("programme", "members", "1")
    assert members.exit_code == 0, members.output
    assert members.output.count("picked at random for the 20% holdout (seed 1234)") == 2
    assert "joins practice on 2026-03-02" in members.output
    notices = _run("programme", "notices", "1")
    assert "To manager 1" in notices.output and "In the holdout for now" in notices.output
    listed = _run("programme", "list")
    assert "Q1 discovery" in listed.output and "20% until 2026-03-02" in listed.output


def test_a_staggered_start_holds_out_the_later_team_until_its_wave(db: Repositories) -> None:
    started = _run("programme", "start", "--team", "1", "--behaviors", "empathy", "--stagger", "2:4",
                   "--start", "2026-01-05", "--seed", "5")
    assert started.exit_code == 0, started.output
    assert "10 practising, 3 held out" in started.output
    members = _run("programme", "members", "1")
    assert members.output.count("team Sales West starts practice later, on 2026-02-02 (staggered start)") == 3
    bad = _run("programme", "start", "--team", "1", "--behaviors", "empathy", "--stagger", "2=4")
    assert bad.exit_code == 2 and "should be TEAM_ID:WEEKS" in bad.output


def test_a_bad_programme_is_refused_with_every_problem_and_nothing_created(db: Repositories) -> None:
    result = _run("programme", "start", "--team", "1", "--behaviors", "charm", "--holdout", "0.7")
    assert result.exit_code == 2
    assert "'charm' is not a behavior" in result.output and "between 0 and 50%" in result.output
    assert "That programme needs a change" in result.output
    refused = _run("programme", "start", "--team", "1", "--behaviors", "empathy", "--as", "2")  # a rep
    assert refused.exit_code == 1 and "only your enablement team can start an impact programme" in refused.output
    assert _run("programme", "list").output.count("empathy") == 0


def test_the_effect_report_prints_as_text_or_json(db: Repositories) -> None:
    programme_id = seed_simulation(db, simulate({"empathy": 10.0}, reps=40, seed=7), "Care")
    text = _run("impact", "--programme", str(programme_id))
    assert text.exit_code == 0, text.output
    assert "Impact report — programme" in text.output and "Empathy" in text.output and "95 % CI" in text.output
    as_json = _run("impact", "--programme", str(programme_id), "--format", "json")
    data = json.loads(as_json.output)
    assert data["programme"]["practising"] == 32 and data["programme"]["held_out"] == 8
    (behavior,) = data["behaviors"]
    assert behavior["behavior"] == "empathy" and len(behavior["difference_ci95"]) == 2
    assert behavior["reps"] == []  # the operator's console sees aggregates only
    assert _run("impact", "--programme", "999").exit_code == 1
    assert _run("impact", "--programme", str(programme_id), "--format", "xml").exit_code == 2


def test_outcomes_import_keeps_good_rows_and_lists_bad_ones(db: Repositories, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    path.write_text("rep,period,metric,value\n2,2026-01,csat,88\n3,2026-01,csat,n/a\nU4,2026-Q1,conversion,12.5%\n")
    result = _run("outcomes", "import", str(path))
    assert result.exit_code == 2
    assert "2 new, 0 updated, 1 problem(s)." in result.output
    assert f"{path}:line 3: value 'n/a' is not a number" in result.output.replace("\n", "")
    missing = _run("outcomes", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and "Cannot read" in missing.output  # not found
