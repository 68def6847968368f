"""`rehearse demo`: a simulated team practises through the real scheduler jobs, engine and scorer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.demo.simulate import run_demo
from tests.prewarmed import run_bot


@pytest.mark.slow
def test_a_simulated_week_pushes_in_working_hours_scores_sessions_and_builds_the_digest(tmp_path: Path) -> None:
    result = run_demo(tmp_path, weeks=1, seed=3)
    assert result.pushes_delivered == 8 * 3  # 3 a week for each of the 8 reps, never doubled
    assert 0 < result.sessions_finished <= result.pushes_delivered
    assert result.rep_turns >= result.sessions_finished
    assert "Maya Chen" in result.digest_text
    assert result.chart_path.exists() and result.chart_path.read_bytes()[:4] == b"\x89PNG"
    again = run_demo(tmp_path, weeks=1, seed=3)
    assert (again.pushes_delivered, again.sessions_finished) == (result.pushes_delivered, result.sessions_finished)


def test_the_demo_ends_by_printing_commands_that_work_as_printed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_", "DATABASE_URL"))}
    env.update({"PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", "COLUMNS": "120",
                "DATA_DIR": str(tmp_path / "var")})
    demo = run_bot(["demo", "--weeks", "2", "--out", str(tmp_path / "demo")], env=env, cwd=tmp_path, timeout=300)
    assert demo.returncode == 0, demo.stderr
    explore = demo.stdout[demo.stdout.index("Explore what the demo made"):]
    commands = [line.strip() for line in explore.splitlines() if line.strip().startswith("DATABASE_URL=")]
    assert {c.split(" rehearse ")[1].split()[0] for c in commands} >= {"digest", "progress", "usage", "people"}
    outputs = {}
    for command in commands:
        ran = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=env, cwd=tmp_path,
                             timeout=120)
        assert ran.returncode == 0, f"{command}\n{ran.stdout}\n{ran.stderr}"
        outputs[command] = ran.stdout
    digest = next(out for c, out in outputs.items() if "--manager" in c and "--format" not in c)
    assert "for Maya Chen" in digest and "of 8 practised" in digest  # the demo's period, not an empty one
    report = next(out for c, out in outputs.items() if "--format html" in c)
    assert "Maya Chen" in Path(report.strip()).read_text(encoding="utf-8")
    progress = next(out for c, out in outputs.items() if " progress " in c)
    assert "scored session" in progress and "/100" in progress
