"""Impact benchmark: the effect report on simulated programmes whose true effect is known.

1. Two simulated programmes (100 reps, 20 % holdout, behaviors open_question
   and empathy; true effect 0 and +10 points) are written into a database
   through the repositories and reported by the real service: the two reports
   are printed in full (the issue's closing note), with the seeding and report
   times.
2. Calibration: over many simulated programmes, how often the 95 % interval
   of the difference covers the true effect (target: about 95 %), with the
   expanded percentile bootstrap the report uses and with the plain one; and
   how often a +10 effect is detected (power) at that size, and how often a
   zero effect is falsely called (target: about 2.5 % each side).
3. Scale: `effect.measure` for large programmes (reps × 3 behaviors, 2,000
   resamples): time and peak memory.

Run: .venv/bin/python benchmarks/impact_sim.py [--trials 400] [--database-url postgresql://...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bot.impact.effect as effect  # noqa: E402
from bot.impact.demo import seed_simulation  # noqa: E402
from bot.impact.report import render_text  # noqa: E402
from bot.impact.reporting import Reporting  # noqa: E402
from bot.impact.simulate import simulate  # noqa: E402
from storage import Repositories  # noqa: E402
from storage.repos.programmes import ProgrammeRepo  # noqa: E402
from tests.core.testbot import ManualClock  # noqa: E402

AFTER_HOLDOUT = datetime(2026, 3, 20, 9, tzinfo=UTC)


def reports(url: str) -> None:
    repos = Repositories.open(url)
    service = Reporting(ManualClock(AFTER_HOLDOUT), ProgrammeRepo(repos.db))
    for name, true_effect in (("Zero effect", 0.0), ("Ten points", 10.0)):
        sim = simulate({"open_question": true_effect, "empathy": true_effect}, reps=100, seed=7)
        t0 = time.perf_counter()
        programme_id = seed_simulation(repos, sim, name)
        t1 = time.perf_counter()
        report = service.report(programme_id)
        t2 = time.perf_counter()
        print(f"== Simulated programme '{name}': true effect {true_effect:+.0f} points on both behaviors; "
              f"true per-session slope {sim.true_slope['open_question']:+.2f}")
        print(f"   seeded {len(sim.assessments)} assessments and {len(sim.practice)} practice sessions in "
              f"{t1 - t0:.2f} s; report in {t2 - t1:.2f} s")
        print(render_text(report))
        print()
    repos.db.dispose()


def calibration(trials: int) -> None:
    def run(widen: bool) -> tuple[float, float, float, float]:
        saved = effect.expansion
        if not widen:
            effect.expansion = lambda n, level=0.95: 1.0  # type: ignore[assignment]
        try:
            cover = detect = false_pos = false_neg = 0
            for seed in range(trials):
                for true_effect in (0.0, 10.0):
                    sim = simulate({"open_question": true_effect}, reps=50, seed=seed, sessions_per_week=1)
                    e = effect.measure(sim.behaviors, sim.members, sim.assessments, last_round=sim.last_round,
                                       first_practice=sim.first_practice, resamples=1000).behaviors[0]
                    ci = e.difference_ci
                    assert ci is not None
                    cover += ci.covers(true_effect)
                    if true_effect:
                        detect += e.verdict_code == effect.IMPROVING
                    else:
                        false_pos += e.verdict_code == effect.IMPROVING
                        false_neg += e.verdict_code == effect.DECLINING
            return cover / (2 * trials), detect / trials, false_pos / trials, false_neg / trials
        finally:
            effect.expansion = saved

    print(f"== Calibration over {trials} simulated programmes per effect (40 practising, 10 held out, noise 8 points)")
    for label, widen in (("expanded percentile (used)", True), ("plain percentile", False)):
        t0 = time.perf_counter()
        cover, power, up, down = run(widen)
        print(f"   {label:<27} coverage {cover:.1%} (target 95 %) · power at +10: {power:.1%} · "
              f"zero effect called improving {up:.1%}, declining {down:.1%} (target 2.5 % each) "
              f"[{time.perf_counter() - t0:.1f} s]")
    sim = simulate({"open_question": 10.0}, reps=100, seed=1)
    print(f"   (a 100-rep programme is what the report above used; its ±half-width at 20 % holdout is about "
          f"{_half_width(sim):.1f} points)")
    print()


def _half_width(sim) -> float:  # type: ignore[no-untyped-def]
    e = effect.measure(sim.behaviors, sim.members, sim.assessments, last_round=sim.last_round,
                       first_practice=sim.first_practice).behaviors[0]
    assert e.difference_ci is not None
    return (e.difference_ci.high - e.difference_ci.low) / 2


def scale() -> None:
    print("== Scale: effect.measure (3 behaviors, 3 assessment rounds, 2 practice sessions a week, 2,000 resamples)")
    for reps in (1_000, 5_000, 20_000):
        sim = simulate({"open_question": 5.0, "empathy": 5.0, "next_steps": 5.0}, reps=reps, seed=3)
        tracemalloc.start()
        t0 = time.perf_counter()
        effect.measure(sim.behaviors, sim.members, sim.assessments, sim.practice, last_round=sim.last_round,
                       first_practice=sim.first_practice, outcomes=sim.outcomes)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"   {reps:>6,} reps: {len(sim.assessments):>7,} assessments, {len(sim.practice):>8,} practice scores "
              f"-> {elapsed:5.2f} s, peak {peak / 2**20:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports(args.database_url or f"sqlite:///{Path(tmp) / 'impact.db'}")
    calibration(args.trials)
    scale()


if __name__ == "__main__":
    main()
