"""The real `rehearse` command in its own process (forked warm, see tests/prewarmed.py): a fresh environment,
database and working folder per test."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.prewarmed import run_bot

ROSTER = """platform,workspace,user_id,name,email,tz,roles,team,manager_user_id,country
slack,T1,U1,Ana Rep,ana@example.com,Europe/Berlin,rep,Sales EU,U9,DE
slack,T1,U2,Ben Rep,,America/New_York,rep,Sales EU,U9,US
slack,T1,U9,Mia Manager,mia@example.com,Europe/London,manager,Sales EU,,GB
slack,T1,U7,Eve Enable,,Europe/London,enablement,,,GB
slack,T2,U1,Carl Rep,,UTC,rep,Support,,
"""


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


Rehearse = Callable[..., Ran]


@pytest.fixture
def rehearse(tmp_path: Path) -> Rehearse:
    """Run `python -m bot ARGS` in tmp_path with its own DATABASE_URL; `env` adds or overrides settings."""

    def run(*args: str, stdin: str = "", env: dict[str, str] | None = None, columns: int = 100) -> Ran:
        environ = {k: v for k, v in os.environ.items()
                   if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_", "DATABASE_URL", "SCENARIOS_DIR"))}
        environ.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
                        "COLUMNS": str(columns), "TERM": "dumb", **(env or {})})
        proc = run_bot(args, input=stdin, env=environ, cwd=tmp_path, timeout=180)
        return Ran(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def org(rehearse: Rehearse, tmp_path: Path) -> Rehearse:
    """Two workspaces' people and teams, imported through `rehearse roster import` like a newcomer would."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    imported = rehearse("roster", "import", str(roster))
    assert imported.code == 0, imported.out + imported.err
    return rehearse
