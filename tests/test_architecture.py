"""The dependency rule of DESIGN.md, checked on every import statement in the tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_LIBS = {"slack_bolt", "slack_sdk", "discord"}
STORAGE_LIBS = {"sqlmodel", "sqlalchemy", "alembic", "psycopg"}
NETWORK_LIBS = {"anthropic", "aiohttp", "requests", "httpx", "urllib3", "waitress"}
COMPOSITION_ROOTS = {"bot/app.py", "bot/runtime.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {n.split(".")[0] for n in names}


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("package", ["scoring", "scenarios"])
def test_scoring_and_scenarios_are_pure(package: str) -> None:
    forbidden = PLATFORM_LIBS | STORAGE_LIBS | NETWORK_LIBS | {"adapters", "bot", "storage", "scheduler"}
    offenders = {_rel(f): sorted(_imports(f) & forbidden) for f in _files(package) if _imports(f) & forbidden}
    assert offenders == {}


def test_only_adapters_import_slack_or_discord() -> None:
    offenders = {
        _rel(f): sorted(_imports(f) & PLATFORM_LIBS)
        for pkg in ["bot", "scheduler", "scoring", "scenarios", "storage"]
        for f in _files(pkg)
        if _imports(f) & PLATFORM_LIBS
    }
    assert offenders == {}


def test_only_storage_imports_the_database_libraries() -> None:
    offenders = {
        _rel(f): sorted(_imports(f) & STORAGE_LIBS)
        for pkg in ["adapters", "bot", "scheduler", "scoring", "scenarios"]
        for f in _files(pkg)
        if _imports(f) & STORAGE_LIBS
    }
    assert offenders == {}


def test_the_core_never_imports_an_adapter_except_the_composition_root() -> None:
    offenders = [
        _rel(f) for pkg in ["bot", "scheduler", "storage", "scoring", "scenarios"] for f in _files(pkg)
        if "adapters" in _imports(f) and _rel(f) not in COMPOSITION_ROOTS and not _rel(f).startswith("bot/cli/")
    ]
    assert offenders == []


def test_storage_depends_on_nothing_above_it() -> None:
    offenders = {_rel(f): sorted(_imports(f) & {"adapters", "bot", "scheduler"}) for f in _files("storage")
                 if _imports(f) & {"adapters", "bot", "scheduler"}}
    assert offenders == {}


def test_only_the_llm_client_talks_to_anthropic() -> None:
    offenders = [_rel(f) for pkg in ["adapters", "bot", "scheduler", "storage"] for f in _files(pkg)
                 if "anthropic" in _imports(f) and not _rel(f).startswith("bot/llm/")]
    assert offenders == []
