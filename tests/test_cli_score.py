"""`rehearse score`: JSON Lines in (file or stdin), one JSON line out per input, exit 2 if any failed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()

GOOD = {"id": "a1", "behavior": "empathy", "text": "That sounds really frustrating, I'm sorry.", "context": "I've waited all week."}
NO_CONTEXT = {"id": "a2", "behavior": "open_question", "text": "What's driving the timing?"}


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_scores_each_line_from_a_file_with_exactly_the_documented_fields(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in (GOOD, NO_CONTEXT)) + "\n")
    result = runner.invoke(app, ["score", str(src)])
    assert result.exit_code == 0, result.output
    out = lines(result.stdout)
    assert [o["id"] for o in out] == ["a1", "a2"]
    for o in out:
        assert set(o) == {"id", "behavior", "score", "detected", "evidence"}
        assert 0 <= o["score"] <= 100 and isinstance(o["detected"], bool) and isinstance(o["evidence"], list)
    assert out[0]["detected"] and out[0]["evidence"] == ["That sounds really frustrating, I'm sorry."]


def test_reads_standard_input_when_no_file_is_given():
    result = runner.invoke(app, ["score"], input=json.dumps(GOOD) + "\n")
    assert result.exit_code == 0 and lines(result.stdout)[0]["id"] == "a1"


def test_bad_lines_get_an_error_the_rest_are_scored_and_the_exit_code_is_2():
    inputs = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({"id": "u", "behavior": "charisma", "text": "hello there"}),
        json.dumps({"id": "e", "behavior": "empathy", "text": ""}),
        json.dumps({"id": "big", "behavior": "empathy", "text": "a" * 50_000}),
        json.dumps({"id": "bin", "behavior": "empathy", "text": "\u0000\u0001\u0002\u0003" * 20}),
        json.dumps({"id": "nt", "behavior": "empathy"}),
        json.dumps([1, 2]),
        json.dumps(NO_CONTEXT),
    ]
    result = runner.invoke(app, ["score"], input="\n".join(inputs) + "\n")
    assert result.exit_code == 2
    out = lines(result.stdout)
    assert len(out) == len(inputs)
    assert out[0]["detected"] is True and out[-1]["id"] == "a2" and "score" in out[-1]
    errors = out[1:-1]
    assert all(set(o) == {"id", "error"} and o["error"] for o in errors)
    assert [o["id"] for o in errors] == [None, "u", "e", "big", "bin", "nt", None]
    assert "unknown behavior 'charisma'" in errors[1]["error"]
    assert "empty" in errors[2]["error"] and "limit" in errors[3]["error"] and "binary" in errors[4]["error"]


def test_blank_lines_are_not_inputs():
    result = runner.invoke(app, ["score"], input="\n\n" + json.dumps(GOOD) + "\n\n")
    assert result.exit_code == 0 and len(lines(result.stdout)) == 1


def test_a_missing_file_is_a_clear_error():
    result = runner.invoke(app, ["score", "/nonexistent/replies.jsonl"])
    assert result.exit_code == 1  # not found (README, Exit codes)


def test_the_installed_console_script_pipes_json_lines():
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "score"],
        check=False,
        input=json.dumps(GOOD) + "\nnope\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    out = lines(proc.stdout)
    assert out[0]["id"] == "a1" and "error" in out[1]
