"""A whole practice session in the terminal, driven through stdin/stdout of the real CLI."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC
from pathlib import Path

import pytest

from storage import Repositories
from tests.prewarmed import run_bot

REPLIES = [
    "Happy to send pricing, but first: what's driving this for you right now? What business problem are you trying to solve?",
    "How is that hitting the business — what does a late shipment cost you each month?",
    "done",
]


def _rehearse(args: list[str], stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
           "COLUMNS": "120", "TERM": "dumb"}
    for key in ("SLACK_BOT_TOKEN", "DISCORD_TOKEN", "ANTHROPIC_API_KEY"):
        env.pop(key, None)
    return run_bot(args, input=stdin, env=env, cwd=tmp_path, timeout=120)


def test_a_rep_practises_a_scenario_in_the_terminal_and_gets_a_stored_scorecard(tmp_path: Path) -> None:
    result = _rehearse(["practice", "discovery-procurement-stall"], "\n".join(REPLIES) + "\n", tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "The discovery call that stalls into procurement" in out
    assert "Dana Whitfield:" in out  # the buyer answered in character
    assert "Scorecard" in out and "/100" in out and "Try next time" in out
    repos = Repositories.open(f"sqlite:///{tmp_path / 'r.db'}")
    (session,) = repos.sessions.sessions_of(1)
    assert session.state == "finished"
    assert [t.speaker for t in repos.sessions.turns(session.id)] == ["buyer", "rep", "buyer", "rep", "buyer"]


def test_end_of_input_keeps_the_session_and_resume_continues_it(tmp_path: Path) -> None:
    first = _rehearse(["practice", "pricing-objection"], REPLIES[0] + "\n", tmp_path)
    assert first.returncode == 0, first.stderr
    assert "rehearse practice --resume" in first.stdout
    second = _rehearse(["practice", "--resume"], "done\n", tmp_path)
    assert second.returncode == 0, second.stderr
    assert REPLIES[0][:40] in second.stdout  # the transcript so far is shown again
    assert "Scorecard" in second.stdout


def test_an_unknown_scenario_is_named_with_the_choices(tmp_path: Path) -> None:
    result = _rehearse(["practice", "no-such-thing"], "", tmp_path)
    assert result.returncode == 1  # not found (README, Exit codes)
    assert "No scenario called 'no-such-thing'" in result.stdout
    assert "pricing-objection" in result.stdout


def test_scenarios_validate_names_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: broken\ntitle: Broken\nmax_turns: many\n")
    result = _rehearse(["scenarios", "validate", str(bad)], "", tmp_path)
    assert result.returncode == 2
    assert f"{bad}:3: max_turns:" in result.stdout


def test_scenarios_list_shows_the_library(tmp_path: Path) -> None:
    result = _rehearse(["scenarios", "list"], "", tmp_path)
    assert result.returncode == 0 and "renewal-gone-cold" in result.stdout


@pytest.mark.slow
def test_a_rep_held_out_by_a_programme_is_told_why_and_until_when_and_their_assessment_still_starts(
        tmp_path: Path) -> None:
    import getpass
    from datetime import datetime, timedelta

    from adapters.console.chat import WORKSPACE
    from bot.impact.programmes import ProgrammeRequest, Programmes
    from bot.ports import SystemClock
    from scenarios.loader import ScenarioLibrary
    from storage.repos.programmes import ProgrammeRepo

    repos = Repositories.open(f"sqlite:///{tmp_path / 'r.db'}")
    now = datetime.now(UTC)
    me, _ = repos.people.ensure_person("console", WORKSPACE, getpass.getuser() or "me", now, "Me", "UTC")
    team = repos.people.ensure_team(me.workspace_id, "Support", now)
    repos.people.update(me.id, team_id=team.id)  # type: ignore[arg-type]
    # A staggered start: the whole team is the comparison group for four weeks.
    programme = Programmes(repos, ScenarioLibrary.load(), SystemClock(), ProgrammeRepo(repos.db)).start_programme(
        ProgrammeRequest(team.id, behaviors=("empathy",), stagger={team.id: 4}))  # type: ignore[arg-type, dict-item]
    until = now.date() + timedelta(weeks=4)
    repos.db.dispose()

    refused = _rehearse(["practice", "discovery-procurement-stall"], "", tmp_path)
    assert refused.returncode == 1, refused.stderr  # not allowed (README, Exit codes)
    said = " ".join(refused.stdout.split())  # the terminal wraps long lines
    assert f"You're in the comparison group of programme {programme.id} until {until:%A %d %B %Y}" in said
    assert "assessments still come" in said
    assert "Dana Whitfield" not in refused.stdout  # no scenario was opened

    assessed = _rehearse(["practice", "assess-empathy"], "", tmp_path)
    assert assessed.returncode == 0, assessed.stderr
    repos = Repositories.open(f"sqlite:///{tmp_path / 'r.db'}")
    assert [s.kind for s in repos.sessions.sessions_of(me.id)] == ["assessment"]  # type: ignore[arg-type]
    repos.db.dispose()
