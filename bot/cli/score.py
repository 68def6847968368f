"""`rehearse score`: score replies from JSON Lines, offline, one JSON line out per input.

Input lines: {"id", "behavior", "text", "context"?}. Output lines:
{"id", "behavior", "score", "detected", "evidence"}, or {"id", "error"} for a
line that cannot be scored; the rest go on and the exit code is 2 at the end
if any line failed. Blank lines are skipped (they are not inputs).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import typer

from bot.cli.errors import NOT_FOUND
from bot.cli.root import app
from scoring import InvalidReply, UnknownBehavior, all_behaviors, score_reply


def score_line(line: str, number: int) -> dict[str, Any]:
    """Score one JSON Lines record; every failure becomes {"id", "error"}."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"line {number}: not valid JSON ({exc.msg})"}
    if not isinstance(record, dict):
        return {"id": None, "error": f"line {number}: expected a JSON object"}
    rid = record.get("id")
    behavior, text, context = record.get("behavior"), record.get("text"), record.get("context", "")
    if not isinstance(behavior, str) or not behavior:
        return {"id": rid, "error": "missing 'behavior'"}
    if not isinstance(text, str):
        return {"id": rid, "error": "missing 'text'" if text is None else "'text' must be a string"}
    if context is None:
        context = ""
    if not isinstance(context, str):
        return {"id": rid, "error": "'context' must be a string"}
    try:
        result = score_reply(behavior, text, context)
    except UnknownBehavior as exc:
        return {"id": rid, "error": f"{exc}; valid ids: {', '.join(b.id for b in all_behaviors())}"}
    except InvalidReply as exc:
        return {"id": rid, "error": f"invalid reply: {exc}"}
    except Exception as exc:  # noqa: BLE001 - one bad line must never stop the batch
        return {"id": rid, "error": f"could not score: {type(exc).__name__}"}
    return {
        "id": rid,
        "behavior": result.behavior,
        "score": result.score,
        "detected": result.detected,
        "evidence": list(result.evidence),
    }


def score_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield score_line(line, number)


def run(source: IO[str], out: IO[str]) -> int:
    """Score every line of `source` into `out`; return the exit code (0, or 2 if any line failed)."""
    failed = False
    for result in score_lines(source):
        failed = failed or "error" in result
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return 2 if failed else 0


@app.command()
def score(
    file: Path = typer.Argument(None, help="JSON Lines file; reads standard input when omitted or '-'.", show_default=False),
) -> None:
    """Score replies offline: JSON Lines {"id","behavior","text","context"?} in, one JSON line out each."""
    if file is None or str(file) == "-":
        code = run(sys.stdin, sys.stdout)
    else:
        try:
            with file.open(encoding="utf-8", errors="replace") as handle:
                code = run(handle, sys.stdout)
        except OSError as exc:
            typer.echo(f"rehearse score: cannot read {file}: {exc.strerror or exc}", err=True)
            raise typer.Exit(NOT_FOUND) from exc
    raise typer.Exit(code)
