"""Plan one week of practice pushes for 100,000 reps across 30 time zones.

Target: under 5 s and under 300 MB peak memory (resident set of the whole process).
Prints the figures and exits non-zero when a target is missed.

    .venv/bin/python benchmarks/plan_week.py [--reps 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scheduler.cadence import CadenceSpec  # noqa: E402
from scheduler.planner import IsoWeek, RepPlanInput, plan_week  # noqa: E402

ZONES = [
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Sao_Paulo",
    "America/Mexico_City", "America/Toronto", "America/Bogota", "Europe/London", "Europe/Dublin",
    "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw", "Europe/Athens",
    "Europe/Istanbul", "Africa/Johannesburg", "Africa/Lagos", "Asia/Dubai", "Asia/Kolkata", "Asia/Kathmandu",
    "Asia/Singapore", "Asia/Shanghai", "Asia/Tokyo", "Asia/Jerusalem", "Australia/Sydney", "Australia/Perth",
    "Pacific/Auckland", "Pacific/Honolulu",
]
COUNTRIES = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", None]


def make_reps(n: int, week: IsoWeek) -> tuple[list[RepPlanInput], dict[int, CadenceSpec]]:
    rng = random.Random(42)
    cadences = {
        1: CadenceSpec(),
        2: CadenceSpec(sessions_per_week=2, weekdays="tue,thu", window="10:00-16:00", holidays_country="US"),
        3: CadenceSpec(sessions_per_week=5, window="08:00-18:00", min_spacing_hours=20, holidays_country="GB"),
        4: CadenceSpec(sessions_per_week=3, weekdays="mon,tue,wed,thu,fri,sat", window="07:30-15:30",
                       min_spacing_hours=36),
    }
    monday = datetime.combine(week.monday(), datetime.min.time(), UTC)
    reps = []
    for person in range(1, n + 1):
        snoozed = week.monday() + timedelta(days=rng.randrange(7)) if rng.random() < 0.03 else None
        last = monday - timedelta(hours=rng.randrange(30, 100)) if rng.random() < 0.8 else None
        reps.append(RepPlanInput(person, ZONES[person % len(ZONES)], 1 + person % len(cadences), snoozed,
                                 rng.choice(COUNTRIES), last))
    return reps, cadences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100_000)
    args = parser.parse_args()
    week = IsoWeek(2026, 13)  # the week Europe moves its clocks (Sun 29 Mar 2026)
    reps, cadences = make_reps(args.reps, week)

    started = time.perf_counter()
    planned = plan_week(reps, cadences, week)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

    again = plan_week(reps, cadences, week)
    deterministic = again == planned
    keys_unique = len({p.idempotency_key for p in planned}) == len(planned)
    busiest_second = max(Counter(p.due_at_utc for p in planned).values())

    print(f"reps planned:        {len(reps):,} across {len(ZONES)} time zones, {len(cadences)} cadences, week {week}")
    print(f"pushes planned:      {len(planned):,}")
    print(f"time:                {elapsed:.2f} s (target < 5 s)")
    print(f"throughput:          {len(reps) / elapsed:,.0f} reps/s")
    print(f"peak memory (RSS):   {peak_mb:.0f} MB (target < 300 MB)")
    print(f"deterministic:       {deterministic} (second run identical)")
    print(f"unique keys:         {keys_unique}")
    print(f"busiest second:      {busiest_second} pushes")
    ok = elapsed < 5 and peak_mb < 300 and deterministic and keys_unique
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
