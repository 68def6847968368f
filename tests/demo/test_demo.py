"""`rehearse demo`: a simulated team practises through the real scheduler jobs, engine and scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.simulate import run_demo


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
