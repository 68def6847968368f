"""A quieter, clearer start (issue #17, sections 7 and 8): what a newcomer sees on a first try."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Rehearse

ROOT = Path(__file__).resolve().parents[2]


def test_usage_with_no_claude_calls_says_so_instead_of_empty_tables(rehearse: Rehearse) -> None:
    ran = rehearse("usage")
    assert ran.code == 0, ran.err
    assert "No Claude calls recorded yet" in " ".join(ran.out.split()) and "┃" not in ran.out


def test_without_postgres_the_test_run_ends_with_one_line_about_it_not_one_per_test() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REHEARSE_TEST_PG"}
    ran = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/llm/test_usage.py"],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert ran.returncode == 0, ran.stdout
    assert ran.stdout.count("PostgreSQL") == 1 and "SKIPPED" not in ran.stdout
    assert "PostgreSQL tests not run: set REHEARSE_TEST_PG=1" in ran.stdout
    assert "passed" in ran.stdout.strip().splitlines()[-1]  # the summary is still the last line


def test_git_ignores_the_default_database_its_side_files_and_var() -> None:
    paths = ["rehearse.db", "rehearse.db-wal", "rehearse.db-shm", "rehearse.db-journal", "var/demo/demo.db",
             "var/reports/x.html"]
    ran = subprocess.run(["git", "check-ignore", *paths], capture_output=True, text=True, cwd=ROOT, timeout=30)
    assert sorted(ran.stdout.split()) == sorted(paths)


def test_make_run_announces_the_install_and_lets_pip_show_progress() -> None:
    recipe = subprocess.run(["make", "-n", "-B", "run"], capture_output=True, text=True, cwd=ROOT, timeout=30).stdout
    install = next(line for line in recipe.splitlines() if "pip install" in line and "-e" in line)
    assert "--quiet" not in install and "first run only" in recipe
