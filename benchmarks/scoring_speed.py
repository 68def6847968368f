"""Speed of the offline scorer: the turn path's p99 latency and `rehearse score` throughput.

Targets (issue 16): p99 <= 15 ms per reply on one core (a practice turn scores
every behavior of the scenario while the rep waits), and >= 500 replies/s
through `rehearse score` (the CLI, end to end: process start, JSON in and out).

Uses built-in sample replies (typical chat lengths, 5-80 words) so it runs
anywhere; with the dev data present it also times those rows. Measures the
full `score_reply` path (validation, signals, advice model, gates, score,
evidence, feedback).

Usage: python benchmarks/scoring_speed.py [--seconds 3] [--cli-rows 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import all_behaviors, score_reply  # noqa: E402

DATA = Path(os.environ.get("REHEARSE_DATA_DIR", ROOT.parent / "shared" / "data")) / "behaviors_dev.jsonl"

SAMPLES = [
    ("Look, can you just send me pricing?", "Happy to. Before I do, what's pushing this up the list for you right now?"),
    ("We missed our on-time target three months running.", "So late shipments have been hitting you for a whole quarter. What has that cost you with your biggest accounts?"),
    ("I've been on hold for an hour and nobody can tell me where my order is.", "I'm sorry, an hour on hold is maddening. I'll track the order myself right now and call you back by 3 pm today with where it is."),
    ("Your price is 20% higher than the other vendor.", "That's a fair concern. What would you need to see to justify the difference to your CFO?"),
    ("Can you waive the fee?", "I can't waive it, but what I can do is credit it against next month's invoice."),
    ("Honestly I'm not sure this is working for us anymore.", "When you signed, the goal was to cut late shipments before peak season. Is that still the priority, or has something changed since then?"),
    ("We already have a system.", "Our platform has a real-time dashboard, AI routing and integrations with every major carrier, and plans start at $40 per seat per month, which is cheaper than most competitors in the market today."),
    ("I don't know where to start.", "One option is to start with the two warehouses that ship to Halvorsen. Would a short pilot there work for you?"),
]


def rate(items: list[tuple[str, str, str]], seconds: float) -> tuple[float, float, int]:
    """Replies per second of this process's CPU time (one core) and of wall time, over about `seconds`.

    CPU time is the "one core" figure: on a shared machine wall time also counts
    time the process spent waiting for a core.
    """
    n = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for behavior, text, context in items:
            score_reply(behavior, text, context)
        n += len(items)
    return n / (time.process_time() - cpu_start), n / (time.perf_counter() - start), n


def latencies(items: list[tuple[str, str, str]]) -> list[float]:
    """Milliseconds of CPU time per reply, each timed on its own (the turn path)."""
    out = []
    for behavior, text, context in items:
        t0 = time.thread_time()
        score_reply(behavior, text, context)
        out.append((time.thread_time() - t0) * 1000)
    return sorted(out)


def pct(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def cli_rate(items: list[tuple[str, str, str]], rows: int) -> tuple[float, float]:
    """Replies per second through `rehearse score FILE`, wall clock and child CPU time, start-up included."""
    exe = shutil.which("rehearse") or str(Path(sys.executable).with_name("rehearse"))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i in range(rows):
            behavior, text, context = items[i % len(items)]
            f.write(json.dumps({"id": str(i), "behavior": behavior, "text": f"{text} ({i})", "context": context}) + "\n")
        path = f.name
    try:
        before = os.times()
        start = time.perf_counter()
        subprocess.run([exe, "score", path], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    finally:
        os.unlink(path)
    return rows / wall, rows / cpu if cpu else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--cli-rows", type=int, default=5000)
    args = parser.parse_args()
    behaviors = [b.id for b in all_behaviors()]
    # Each sample text is scored for a rotating behavior, and every text gets a
    # distinct suffix so per-context caches cannot make repeated inputs free.
    items = [(behaviors[i % len(behaviors)], f"{reply} ({i})", context) for i, (context, reply) in enumerate(SAMPLES * 25)]
    for b, t, c in items[:50]:  # warm-up: imports, first regex use
        score_reply(b, t, c)
    print(f"Offline scorer speed, one process on one core (python {sys.version.split()[0]}).")
    per_s, wall, n = rate(items, args.seconds)
    print(f"built-in samples: {per_s:,.0f} replies/s of CPU time ({1000 / per_s:.3f} ms each; wall clock {wall:,.0f}/s; {n:,} replies)")
    if DATA.exists():
        rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
        dev = [(r["behavior"], r["text"], r.get("context") or "") for r in rows]
        per_s, wall, n = rate(dev, args.seconds)
        print(f"dev-file replies: {per_s:,.0f} replies/s of CPU time ({1000 / per_s:.3f} ms each; wall clock {wall:,.0f}/s; {n:,} replies)")
    else:
        print(f"dev-file replies: skipped ({DATA} not found)")
        dev = []
    ms = latencies((items + dev) * 2)
    print(f"turn path, one reply at a time: p50 {pct(ms, 0.5):.2f} ms, p99 {pct(ms, 0.99):.2f} ms, max {ms[-1]:.2f} ms CPU ({len(ms):,} replies; target p99 <= 15 ms)")
    wall_rate, cpu_rate = cli_rate(items + dev, args.cli_rows)
    print(f"rehearse score, {args.cli_rows:,} replies end to end: {wall_rate:,.0f} replies/s wall clock, {cpu_rate:,.0f}/s of CPU time (target >= 500/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
