"""What the workspace library (issue #23) adds to each push and each /practice: one lookup per rep.

Publishes N scenarios into one workspace on a fresh SQLite file, then times
`WorkspaceLibraries.for_workspace` (a cached library: one indexed query), the
first call after a publish (the query plus parsing every own scenario), and
the base library with no own scenarios. Target: under 2 ms per cached call, so
a wave of 1,000 pushes spends under 2 s on it.

    .venv/bin/python benchmarks/workspace_library.py [--scenarios 20] [--calls 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.authoring.library import WorkspaceLibraries  # noqa: E402
from scenarios.loader import ScenarioLibrary  # noqa: E402
from storage import Repositories  # noqa: E402
from storage.repos.scenarios import WorkspaceScenarioRepo  # noqa: E402

TARGET_MS = 2.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    base = ScenarioLibrary.load()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        repos = Repositories.open(f"sqlite:///{Path(tmp) / 'bench.db'}")
        ws = repos.people.ensure_workspace("slack", "T1", now)
        empty = repos.people.ensure_workspace("slack", "T2", now)
        assert ws.id is not None and empty.id is not None
        rows = WorkspaceScenarioRepo(repos.db)
        template = base.get("pricing-objection").model_dump(mode="json")
        for i in range(args.scenarios):
            row = rows.add(ws.id, f"own-{i:03d}", {**template, "id": f"own-{i:03d}"}, now)
            rows.publish(row.id, now)  # type: ignore[arg-type]
        libraries = WorkspaceLibraries(base, rows)

        started = time.perf_counter()
        first = libraries.for_workspace(ws.id)
        cold_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        for _ in range(args.calls):
            libraries.for_workspace(ws.id)
        warm_ms = (time.perf_counter() - started) * 1000 / args.calls
        started = time.perf_counter()
        for _ in range(args.calls):
            libraries.for_workspace(empty.id)
        base_ms = (time.perf_counter() - started) * 1000 / args.calls
        repos.db.dispose()
    print(f"workspace library: {len(first.ids())} scenarios ({args.scenarios} own + {len(base.ids())} shipped)")
    print(f"first call after a publish: {cold_ms:.1f} ms")
    print(f"cached, per call: {warm_ms:.2f} ms  (target < {TARGET_MS} ms)")
    print(f"a workspace with no own scenarios, per call: {base_ms:.2f} ms")
    return 0 if warm_ms < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
