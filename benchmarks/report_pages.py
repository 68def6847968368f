"""Report pages benchmark: a 30-rep team's pages rendered through the real WSGI app.

Seeds one manager with 30 reps (6 finished sessions per rep per period over the
chart's 6 periods, two behaviors scored per session: 1,080 sessions), then opens
the manager's link the way a browser does, through `ReportPages` (link
verification, access checks, the digest's aggregate queries and composition, the
Jinja2 render): the team page, its chart, one rep's drill-down, a session's
scorecard, and a rep's own history. Prints the median and p95 of each over
--runs requests after one warm-up (the first request also compiles the templates
and lays out the chart template; it is printed apart). Target: the team page
under 300 ms.

Run: .venv/bin/python benchmarks/report_pages.py [--reps 30] [--runs 50] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.web.app import ReportPages  # noqa: E402
from bot.digests.seed import SeedSpec, seed_teams  # noqa: E402
from bot.digests.service import DigestService  # noqa: E402
from bot.reports.links import LinkSigner  # noqa: E402
from bot.reports.service import ReportService  # noqa: E402
from bot.scheduling.build import build_outbox  # noqa: E402
from scenarios.loader import ScenarioLibrary  # noqa: E402
from scheduler.ratelimit import RateLimiter  # noqa: E402
from storage import Repositories  # noqa: E402
from tests.core.testbot import ManualClock  # noqa: E402

NOW = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)  # a Monday morning digests are due (London)


def get(app: ReportPages, url: str) -> tuple[int, bytes]:
    path = url.split("://", 1)[-1]
    path = path[path.index("/"):]
    environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
                               "SERVER_NAME": "bench", "SERVER_PORT": "80", "wsgi.input": io.BytesIO(b""),
                               "wsgi.url_scheme": "http"}
    status: list[int] = []
    body = b"".join(app(environ, lambda s, h, e=None: status.append(int(s.split()[0]))))
    return status[0], body


def measure(app: ReportPages, url: str, runs: int) -> tuple[float, list[float], int]:
    t0 = time.perf_counter()
    status, body = get(app, url)
    first = (time.perf_counter() - t0) * 1000
    assert status == 200, (status, body[:300])
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        get(app, url)
        times.append((time.perf_counter() - t0) * 1000)
    return first, times, len(body)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--sessions", type=int, default=6, help="finished sessions per rep per period")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        repos = Repositories.open(url)
        clock = ManualClock(NOW)
        seeded = seed_teams(repos.db, SeedSpec(reps_per_manager=args.reps, sessions_per_period=args.sessions,
                                               profile="uniform", seed=11), NOW)
        print(f"database: {repos.db.engine.dialect.name}; one manager, {args.reps} reps, {seeded.sessions:,} "
              f"sessions, {seeded.scores:,} scores")
        library = ScenarioLibrary.load()
        digests = DigestService(repos, library, {}, clock, Path(tmp) / "var",
                                outbox=build_outbox(repos, clock, RateLimiter()))
        reports = ReportService(repos, library, clock, LinkSigner("bench-secret", "http://bench", clock), digests)
        app = ReportPages(reports)
        manager, rep = seeded.manager_ids[0], seeded.rep_ids[0][0]
        team = reports.link(manager, "manager")
        _, drill = get(app, f"{team}/reps/{rep}")
        session = re.findall(rb"/sessions/([0-9a-f-]{36})", drill)[0].decode()
        pages = [("team page (HTML)", team), ("team chart (PNG)", f"{team}/chart.png"),
                 ("one rep's drill-down", f"{team}/reps/{rep}"), ("a session's scorecard", f"{team}/sessions/{session}"),
                 ("a rep's own history", reports.link(rep, "rep"))]
        print(f"{'page':<24} {'first':>9} {'median':>9} {'p95':>9} {'bytes':>9}   ({args.runs} runs)")
        results = {}
        for name, link in pages:
            first, times, size = measure(app, link, args.runs)
            results[name] = times
            print(f"{name:<24} {first:>7.1f}ms {statistics.median(times):>7.1f}ms {p95(times):>7.1f}ms {size:>9,}")
        team_times = results["team page (HTML)"]
        verdict = "meets" if p95(team_times) < 300 else "MISSES"
        print(f"team page for {args.reps} reps: median {statistics.median(team_times):.1f} ms, p95 "
              f"{p95(team_times):.1f} ms — {verdict} the 300 ms target")
        repos.db.dispose()


if __name__ == "__main__":
    main()
