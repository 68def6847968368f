"""Digest benchmark: build the biweekly digests of a large organisation, charts included.

Seeds N managers with 10 reps each and 6 finished sessions per rep per period
over the chart's 6 periods (two behaviors scored per session), then builds
every manager's digest exactly as delivery does: the aggregate queries, the
composition, the PNG chart rendered and written to disk. Prints the wall time
(target: under 60 s for 1,000 managers), per-digest times, the number of SQL
statements per digest (target: constant, whatever the team size) and peak
memory. A second, smaller pass checks the query count does not grow with the
team. Then `deliver_due` runs over everyone (DigestRecord claim, card and
image to an in-memory chat) for the full delivery cost.

Run: .venv/bin/python benchmarks/digests.py [--managers 1000] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.digests.periods import latest_digest_moment  # noqa: E402
from bot.digests.seed import SeedSpec, seed_teams  # noqa: E402
from bot.digests.service import DigestService  # noqa: E402
from bot.messages import Image  # noqa: E402
from bot.scheduling.build import build_outbox  # noqa: E402
from scenarios.loader import ScenarioLibrary  # noqa: E402
from scheduler.ratelimit import RateLimiter  # noqa: E402
from storage import Repositories  # noqa: E402
from storage.repos.digests import QueryCounter  # noqa: E402
from tests.core.testbot import ManualClock, RecordingChat  # noqa: E402

NOW = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)  # the Monday morning digests are due (London)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=6, help="finished sessions per rep per period")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        repos = Repositories.open(url)
        print(f"database: {repos.db.engine.dialect.name}")

        t0 = time.perf_counter()
        spec = SeedSpec(managers=args.managers, reps_per_manager=args.reps, sessions_per_period=args.sessions,
                        profile="uniform", seed=11)
        seeded = seed_teams(repos.db, spec, NOW)
        print(f"seeded {args.managers} managers, {args.managers * args.reps} reps, {seeded.sessions:,} sessions, "
              f"{seeded.scores:,} scores in {time.perf_counter() - t0:.1f} s")

        clock = ManualClock(NOW)
        chat = RecordingChat(platform="console")
        service = DigestService(repos, ScenarioLibrary.load(), {"console": chat}, clock, Path(tmp) / "var",
                                outbox=build_outbox(repos, clock, RateLimiter({"console": 1e9}), "bench"))

        # 1. Build every digest, chart rendered and saved, as delivery does.
        per_digest: list[float] = []
        queries: list[int] = []
        start = time.perf_counter()
        with QueryCounter(repos.db) as counter:
            schedules = service.store.managers()  # everyone's digest day and hour: two queries in all
        print(f"loaded {len(schedules)} managers' schedules with {counter.count} SQL statements")
        for schedule in schedules:
            t = time.perf_counter()
            with QueryCounter(repos.db) as counter:
                built = service.build_for(schedule, seeded.period, NOW)
            service.save_chart(built)
            queries.append(counter.count)
            per_digest.append(time.perf_counter() - t)
            assert len(built.data.reps) == args.reps
        total = time.perf_counter() - start
        print(f"built {len(per_digest)} digests (charts included) in {total:.1f} s "
              f"[target < 60 s]: {'PASS' if total < 60 else 'FAIL'}")
        ordered = sorted(per_digest)
        print(f"  per digest: median {statistics.median(ordered) * 1000:.1f} ms, "
              f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms")
        print(f"  SQL statements per digest: min {min(queries)}, max {max(queries)} "
              f"(constant: {'PASS' if min(queries) == max(queries) else 'FAIL'})")
        print(f"  peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

        # 2. The same build for one team of 3x the size: the query count must not move.
        big = seed_teams(repos.db, SeedSpec(managers=1, reps_per_manager=args.reps * 3, profile="uniform"), NOW)
        big_schedule = service.store.managers(big.manager_ids[0])[0]
        with QueryCounter(repos.db) as counter:
            service.build_for(big_schedule, big.period, NOW)
        print(f"  a team of {args.reps * 3} reps: {counter.count} SQL statements "
              f"({'same' if counter.count == queries[0] else 'DIFFERENT'})")

        # 3. Delivery: claim, save, card and chart to every manager whose morning it is.
        moment, _ = latest_digest_moment(NOW + timedelta(hours=1), "Europe/London", 0, 8)
        clock.current = moment
        start = time.perf_counter()
        run = service.deliver_due()
        took = time.perf_counter() - start
        images = sum(1 for _, m in chat.posted if isinstance(m, Image))
        print(f"deliver_due: {run.delivered} digests delivered ({images} charts) in {took:.1f} s; "
              f"a second run delivered {service.deliver_due().delivered}")
        repos.db.dispose()


if __name__ == "__main__":
    main()
