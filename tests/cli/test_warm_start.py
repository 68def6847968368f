"""The warm `python -m bot` the CLI suites use (tests/prewarmed.py) answers exactly as a cold one does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.prewarmed import run_bot


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_", "DATABASE_URL", "SCENARIOS_DIR"))}
    return {**environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "DATA_DIR": str(tmp_path / "var"),
            "TERM": "dumb", **extra}


def _cold(args: list[str], env: dict[str, str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=120)


def test_a_warm_command_prints_and_exits_as_a_cold_one_at_the_terminal_width_it_is_given(tmp_path: Path) -> None:
    for args, columns in ((["scenarios", "list"], "60"), (["no-such-command"], "70")):
        env = _env(tmp_path, COLUMNS=columns)
        warm, cold = run_bot(args, env=env, cwd=tmp_path, timeout=120), _cold(args, env, tmp_path)
        assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
    assert warm.returncode == 2 and "No such command" in warm.stderr


def test_each_warm_command_has_only_its_own_environment_folder_and_input(tmp_path: Path) -> None:
    bad = run_bot(["usage"], env=_env(tmp_path, ANTHROPIC_TIMEOUT_S="abc"), cwd=tmp_path, timeout=120)
    assert bad.returncode == 2 and "ANTHROPIC_TIMEOUT_S" in bad.stderr
    assert run_bot(["usage"], env=_env(tmp_path), cwd=tmp_path, timeout=120).returncode == 0  # not inherited

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".env").write_text("SESSION_EXPIRY_HOURS=soon\n")  # read from the command's own folder
    assert run_bot(["scenarios", "list"], env=_env(tmp_path), cwd=elsewhere, timeout=120).returncode == 2
    assert run_bot(["scenarios", "list"], env=_env(tmp_path), cwd=tmp_path, timeout=120).returncode == 0

    replies = "What's driving this for you right now?\ndone\n"
    warm = run_bot(["practice", "discovery-procurement-stall"], input=replies, env=_env(tmp_path, COLUMNS="120"),
                   cwd=tmp_path, timeout=120)
    assert warm.returncode == 0, warm.stderr
    assert "What's driving this for you right now?" not in warm.stderr and "/100" in warm.stdout
