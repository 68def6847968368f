"""scoring/ is pure: no platform, storage or network library is imported anywhere in it."""

from __future__ import annotations

import ast
from pathlib import Path

FORBIDDEN = {"slack_bolt", "slack_sdk", "discord", "sqlmodel", "sqlalchemy", "anthropic", "aiohttp", "requests", "httpx", "storage", "adapters", "bot"}
SCORING = Path(__file__).resolve().parents[2] / "scoring"


def test_scoring_imports_no_platform_storage_or_network_library():
    offenders = []
    for path in SCORING.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders
