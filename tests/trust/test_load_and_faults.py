"""Reps practising at once while Slack and Claude fail around them: no reply lost, none doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_every_rep_turn_gets_exactly_one_buyer_reply_under_slack_and_llm_faults() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/load_faults.py", "--reps", "25", "--turns", "2", "--slack-fail", "0.1",
         "--llm-fail", "0.5", "--retries", "0.2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "duplicates 0  lost turns 0  lost sessions 0" in result.stdout
    assert "rep turns 50  buyer replies 50" in result.stdout
