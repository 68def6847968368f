"""What a turn costs a process that was idle just before it: this machine's cold-cache penalty (issue #26).

A turn's CPU in `rehearse serve` depends on how busy the server was: at about 30
turns a second (turn_floor.py's CPU run) a turn cost 5.7-6.0 ms, at 150-190 a
second 4.6-4.7 ms, /practice included (SQLite, one slow day). This measures why, in one process with no network: the
same rep turn (tests.core.testbot: receive, lock, load, offline buyer, store,
SQLite) timed in thread CPU after the process slept 0, 2, 20 or 200 ms.

Beside it, two calibrations with no product code at all: a loop over a few
integers (almost no memory) and lookups in a 40,000-entry dict (a few MB, like a
turn's code and data). If only the second slows down after a sleep, the penalty
is memory (caches refilled after another guest ran on the core), not clock speed,
and any Python server on this machine pays it, the floor included.

Usage: python benchmarks/cold_turn.py [--turns 60] [--rounds 4]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import LINES  # noqa: E402
from tests.core.testbot import TestBot  # noqa: E402

GAPS_S = (0.0, 0.002, 0.02, 0.2)
TURNS_PER_SESSION = 3  # the offline buyer may close a longer conversation, and scoring it is not a turn


def thread_cpu_us(work: Callable[[], object], gap_s: float) -> float:
    if gap_s:
        time.sleep(gap_s)
    start = time.thread_time()
    work()
    return (time.thread_time() - start) * 1e6


def sessions(db_url: str) -> Iterator[TestBot]:
    """Reps with an open session and one reply behind them, each handed out for TURNS_PER_SESSION turns."""
    for n in range(1_000_000):
        bot = TestBot(db_url, user=f"U{n:05d}")
        bot.start()
        bot.say(LINES[0])
        for _ in range(TURNS_PER_SESSION):
            yield bot


def small_loop() -> int:
    total = 0
    for i in range(20_000):
        total += i * i
    return total


def dict_walk(table: dict[int, str], keys: list[int]) -> Callable[[], int]:
    def walk() -> int:
        return sum(len(table[k]) for k in keys)
    return walk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=60, help="turns per sleep length and round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds; the sleep lengths alternate within each")
    args = parser.parse_args()

    db = f"sqlite:///{Path(tempfile.mkdtemp(prefix='cold-turn-')) / 'cold.db'}"
    bots = sessions(db)
    line = iter(range(1_000_000))
    table = {i: str(i) * 3 for i in range(40_000)}
    keys = random.Random(1).sample(list(table), 20_000)
    walk = dict_walk(table, keys)
    for _ in range(20):  # warm-up: imports, first statements, the scenario's first read
        next(bots).say(LINES[next(line) % len(LINES)])
    gc.collect()
    gc.freeze()  # as `rehearse serve` does once started (bot.runtime.settle_heap)

    figures: dict[tuple[str, float], list[float]] = {}
    for _ in range(args.rounds):
        for gap in GAPS_S:
            for _ in range(args.turns):
                bot, text = next(bots), LINES[next(line) % len(LINES)]  # a new session opens here, untimed
                figures.setdefault(("a rep turn", gap), []).append(thread_cpu_us(partial(bot.say, text), gap))
            figures.setdefault(("small loop", gap), []).extend(thread_cpu_us(small_loop, gap) for _ in range(10))
            figures.setdefault(("dict walk, 40k entries", gap), []).extend(thread_cpu_us(walk, gap) for _ in range(10))

    print("Thread CPU per call (median), after the process slept:")
    print("| work | " + " | ".join(f"{gap * 1000:g} ms" for gap in GAPS_S) + " | slept 20 ms / none |")
    print("|---|" + "---|" * (len(GAPS_S) + 1))
    for name in ("a rep turn", "small loop", "dict walk, 40k entries"):
        medians = [statistics.median(figures[(name, gap)]) for gap in GAPS_S]
        print(f"| {name} | " + " | ".join(f"{m / 1000:.2f} ms" for m in medians)
              + f" | {medians[2] / medians[0]:.1f}× |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
