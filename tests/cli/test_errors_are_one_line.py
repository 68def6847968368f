"""A newcomer's mistakes get one line naming the setting or path and what to do, and the documented exit code.

Exit codes (README, "Exit codes"): 0 ok, 1 not found, 2 bad input.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Rehearse


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


def test_a_setting_that_is_not_a_number_names_the_setting(rehearse: Rehearse) -> None:
    ran = rehearse("usage", env={"ANTHROPIC_TIMEOUT_S": "abc"})
    assert ran.code == 2
    line = _one_line(ran.err)
    assert "ANTHROPIC_TIMEOUT_S" in line and "'abc'" in line and ".env" in line


def test_a_bad_setting_in_the_env_file_is_named_too(rehearse: Rehearse, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SESSION_EXPIRY_HOURS=soon\n")
    ran = rehearse("scenarios", "list")
    assert ran.code == 2 and "SESSION_EXPIRY_HOURS" in _one_line(ran.err)


def test_an_env_file_that_is_not_text_says_so(rehearse: Rehearse, tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes(b"\xff\xfe\x00bad")
    ran = rehearse("usage")
    assert ran.code == 2 and "The .env file is not UTF-8" in _one_line(ran.err)


def test_a_garbage_database_url_says_what_to_write(rehearse: Rehearse) -> None:
    ran = rehearse("usage", env={"DATABASE_URL": "garbage"})
    assert ran.code == 2
    line = _one_line(ran.err)
    assert "DATABASE_URL 'garbage'" in line and "sqlite:///rehearse.db" in line


def test_an_unreachable_postgres_is_one_line_without_the_password(rehearse: Rehearse) -> None:
    ran = rehearse("people", "list", env={"DATABASE_URL": "postgresql://rehearse:s3cret@127.0.0.1:1/rehearse"})
    assert ran.code == 1
    line = _one_line(ran.err)
    assert "Cannot open the database at DATABASE_URL" in line and "127.0.0.1:1" in line
    assert "s3cret" not in ran.err and "is the server running?" in line


def test_a_privacy_export_into_a_missing_folder_names_the_path(org: Rehearse) -> None:
    ran = org("privacy", "export", "--person", "1", "--out", "/missing/dir/x.json")
    assert ran.code == 1
    assert "/missing/dir/x.json" in _one_line(ran.err)


def test_a_demo_into_a_folder_that_cannot_be_made_names_the_path(rehearse: Rehearse) -> None:
    ran = rehearse("demo", "--weeks", "1", "--out", "/proc/nope")
    assert ran.code == 1
    assert "/proc/nope" in _one_line(ran.err)


def test_a_missing_scenarios_dir_is_an_error_not_silence(rehearse: Rehearse, tmp_path: Path) -> None:
    ran = rehearse("scenarios", "list", env={"SCENARIOS_DIR": str(tmp_path / "typo")})
    assert ran.code == 2
    assert "scenario folder not found (check SCENARIOS_DIR)" in _one_line(ran.err)


def test_not_found_is_1_and_bad_input_is_2_across_commands(org: Rehearse) -> None:
    assert org("practice", "no-such-scenario").code == 1
    assert org("scenarios", "show", "no-such-scenario").code == 1
    assert org("progress", "--person", "999").code == 1
    assert org("privacy", "export", "--person", "999").code == 1
    assert org("cadence", "show", "Nobody").code == 1
    assert org("impact", "--programme", "999").code == 1
    assert org("people", "list", "--role", "wizard").code == 2
    assert org("cadence", "set", "Sales EU", "--sessions", "9").code == 2
    assert org("usage", "--by", "planet").code == 2
    assert org("no-such-command").code == 2


def test_the_help_documents_the_exit_codes(rehearse: Rehearse) -> None:
    ran = rehearse("--help")
    assert ran.code == 0 and "0 ok, 1 not found (or not allowed), 2 bad input" in ran.out
