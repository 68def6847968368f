"""What a turn costs next to a bare slack-bolt app: the ratio, not an absolute time (issue #26).

A/B on the same load: `rehearse serve` (offline buyer and scorer, no LLM) and the
floor (benchmarks/floor/app.py: bolt + waitress + process_before_response + an
8-thread work pool, one chat.postMessage per DM message, no database). Each run
gets its own process, fake Slack Web API (tests/fakes) on 127.0.0.1 and database;
the load generator signs requests like Slack. Runs alternate product/floor so
the machine's drift hits both sides alike.

1. Latency: --pairs product/floor pairs of --reps reps (think 3-10 s, 4 replies and
   `done` each). Prints p50/p99 from a rep's message to the buyer's line reaching
   Slack, per side, and their ratio.
2. CPU per turn: the server process's user+system CPU (/proc/<pid>/stat) while
   --cpu-reps reps, their sessions already open, send 4 replies each (think
   0.5-1.5 s), divided by the replies answered. Also over each latency run, per
   request (/practice and `done` included).
3. Saturation: for each of --levels reps (think 1-3 s, sessions back to back) for
   --hold seconds: turns answered per second, p99, and the server's CPU over the
   hold per turn answered (each /practice's cost shared by its session's turns).
   The saturation point is the highest throughput with p99 under 1 s.

   The CPU per turn of run 2 is what a turn costs a server that is mostly idle
   (about 30 turns a second): on this shared virtual machine a process that sat
   idle for a few milliseconds finds its caches cold, and the same turn then costs
   about twice the CPU it costs a busy process (benchmarks/cold_turn.py measures
   that penalty). Under load, the figure of run 3 is what sets a process's capacity.
4. Idle RSS of each server after start.

All of it on SQLite (a fresh file) and PostgreSQL (a fresh schema; --pg-url).
Everything (load, fakes, both servers) shares this machine's cores, as in the
issue's measurement.

Usage: python benchmarks/turn_floor.py [--pairs 3] [--reps 50] [--levels 50 100 200 300 400] [--hold 20]
                                       [--databases sqlite postgres] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import (  # noqa: E402
    LINES,
    SCENARIOS,
    Figures,
    Replies,
    free_port,
    pct,
    run_reps,
    start_server,
    wait_healthy,
)
from tests.fakes.slack_api import BOT_TOKEN, FakeSlack  # noqa: E402
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TICKS = os.sysconf("SC_CLK_TCK")
SATURATED_P99_S = 1.0


@dataclass
class Side:
    turns: list[float] = field(default_factory=list)
    cpu_per_request_ms: list[float] = field(default_factory=list)
    cpu_per_turn_ms: list[float] = field(default_factory=list)
    idle_rss_mb: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # reps, turns/s, p50, p99, errors, CPU per turn answered in the hold (ms, /practice included)
    saturation: list[tuple[int, float, float, float, int, float]] = field(default_factory=list)


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reachable(pg_url: str) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means: not here
        return False
    finally:
        engine.dispose()


def start_floor(fake: FakeSlack, workdir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "PYTHONPATH": str(ROOT)}
    with open(workdir / "floor.log", "wb") as log:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "floor" / "app.py"), "--port",
                                    str(port), "--api-url", fake.api_url], env=env, cwd=workdir, stdout=log,
                                   stderr=subprocess.STDOUT)
    return wait_healthy(process, port, workdir / "floor.log", "floor", 60)


@contextmanager
def database(kind: str, workdir: Path, pg_url: str) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    from sqlalchemy import create_engine, text

    schema = f"turnfloor_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def served(side: str, db: str, reps: int, pg_url: str) -> Iterator[tuple[FakeSlack, SlackSender, int]]:
    """A fresh fake Slack with `reps` users and a fresh server for one run; yields (fake, sender, pid)."""
    with tempfile.TemporaryDirectory(prefix="turn-floor-") as tmp, FakeSlack() as fake:
        workdir = Path(tmp)
        for i in range(reps):
            fake.add_user(f"U0BENCH{i:04d}", f"Bench Rep {i}", tz="Europe/London")
        port = free_port()
        with database(db, workdir, pg_url) as url:
            server = start_server(fake, url, workdir, port) if side == "product" else start_floor(fake, workdir, port)
            try:
                time.sleep(1.0)  # let start-up work (resume, first imports) settle before measuring
                yield fake, SlackSender(f"http://127.0.0.1:{port}/slack/events"), server.pid
            finally:
                server.terminate()
                try:
                    server.wait(30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait(10)


def latency_run(side: str, db: str, args: argparse.Namespace, into: Side) -> None:
    with served(side, db, args.reps, args.pg_url) as (fake, sender, pid):
        into.idle_rss_mb.append(rss_mb(pid))
        figures = Figures()
        before = cpu_s(pid)
        asyncio.run(run_reps(args.reps, args.turns, (3.0, 10.0), sender, fake, figures, 2.0))
        time.sleep(0.5)  # the last posts' bookkeeping
        used = cpu_s(pid) - before
        into.turns += figures.turns
        into.errors += figures.errors
        into.cpu_per_request_ms.append(used / max(1, len(figures.acks)) * 1000)


async def turns_only(reps: int, sender: SlackSender, fake: FakeSlack, pid: int) -> tuple[float, int]:
    """Open every rep's session, then measure the server's CPU over 4 replies each: (CPU s, replies)."""
    replies = Replies(asyncio.get_running_loop())
    fake.on_message.append(replies.posted)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=reps * 2),
                                     timeout=aiohttp.ClientTimeout(total=120)) as http:

        async def post(body: bytes, headers: dict[str, str]) -> None:
            async with http.post(sender.url, data=body, headers=headers) as response:
                await response.read()

        async def open_session(i: int) -> str:
            user = f"U0BENCH{i:04d}"
            card = replies.expect(fake.dm_channel_of(user), None)
            await post(*sender.build_command("/practice", SCENARIOS[i % len(SCENARIOS)], user))
            return (await asyncio.wait_for(card, 60)).ts

        threads = await asyncio.gather(*(open_session(i) for i in range(reps)))
        await asyncio.sleep(1.0)
        before = cpu_s(pid)

        async def talk(i: int, thread: str) -> int:
            rng, user = random.Random(i), f"U0BENCH{i:04d}"
            dm = fake.dm_channel_of(user)
            for turn in range(4):
                await asyncio.sleep(rng.uniform(0.5, 1.5))
                reply = replies.expect(dm, thread)
                await post(*sender.build_event(sender.message_event(user, dm, LINES[(i + turn) % len(LINES)],
                                                                    thread_ts=thread)))
                await asyncio.wait_for(reply, 60)
            return 4

        answered = sum(await asyncio.gather(*(talk(i, t) for i, t in enumerate(threads))))
        await asyncio.sleep(0.5)
        fake.on_message.remove(replies.posted)  # its loop ends here; later posts must not call into it
        return cpu_s(pid) - before, answered


def cpu_run(side: str, db: str, args: argparse.Namespace, into: Side) -> None:
    with served(side, db, args.cpu_reps, args.pg_url) as (fake, sender, pid):
        used, answered = asyncio.run(turns_only(args.cpu_reps, sender, fake, pid))
    into.cpu_per_turn_ms.append(used / max(1, answered) * 1000)


async def sustained(reps: int, hold_s: float, sender: SlackSender, fake: FakeSlack,
                    pid: int) -> tuple[list[float], int, float]:
    """Reps practising back to back (think 1-3 s) for hold_s after a ramp: the latencies of the turns answered
    in the hold, the errors, and the server's CPU seconds over the hold."""
    replies = Replies(asyncio.get_running_loop())
    fake.on_message.append(replies.posted)
    ramp = min(5.0, reps / 40)
    start = time.perf_counter()
    window = (start + ramp, start + ramp + hold_s)
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=reps * 2)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as http:

        async def post(body: bytes, headers: dict[str, str]) -> float:
            sent = time.perf_counter()
            async with http.post(sender.url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")
            return sent

        async def rep(i: int) -> None:
            nonlocal errors
            rng = random.Random(i)
            user = f"U0BENCH{i:04d}"
            dm = fake.dm_channel_of(user)
            await asyncio.sleep(ramp * i / reps)
            while time.perf_counter() < window[1]:
                try:
                    card = replies.expect(dm, None)
                    await post(*sender.build_command("/practice", SCENARIOS[i % len(SCENARIOS)], user))
                    thread = (await asyncio.wait_for(card, 60)).ts
                    for turn in range(4):
                        await asyncio.sleep(rng.uniform(1.0, 3.0))
                        if time.perf_counter() >= window[1]:
                            return
                        reply = replies.expect(dm, thread)
                        event = sender.message_event(user, dm, LINES[(i + turn) % len(LINES)], thread_ts=thread)
                        sent = await post(*sender.build_event(event))
                        message = await asyncio.wait_for(reply, 60)
                        if window[0] <= message.at <= window[1]:
                            latencies.append(message.at - sent)
                except Exception:
                    errors += 1
                    await asyncio.sleep(1.0)

        async def server_cpu() -> float:
            await asyncio.sleep(window[0] - time.perf_counter())
            before = cpu_s(pid)
            await asyncio.sleep(window[1] - time.perf_counter())
            return cpu_s(pid) - before

        used, *_ = await asyncio.gather(server_cpu(), *(rep(i) for i in range(reps)))
    fake.on_message.remove(replies.posted)  # its loop ends here; later posts must not call into it
    return latencies, errors, used


def saturation_run(side: str, db: str, reps: int, args: argparse.Namespace, into: Side) -> None:
    with served(side, db, reps, args.pg_url) as (fake, sender, pid):
        latencies, errors, used = asyncio.run(sustained(reps, args.hold, sender, fake, pid))
    rate = len(latencies) / args.hold
    cpu_ms = used / max(1, len(latencies)) * 1000
    into.saturation.append((reps, rate, pct(latencies, 50), pct(latencies, 99), errors, cpu_ms))
    print(f"    {side:<7} {reps:>4} reps: {rate:6.1f} turns/s  p50 {pct(latencies, 50):7.1f} ms  "
          f"p99 {pct(latencies, 99):8.1f} ms  CPU/turn {cpu_ms:4.1f} ms  errors {errors}", flush=True)


def unsaturated(side: Side) -> list[tuple[int, float, float, float, int, float]]:
    """The saturation levels the side answered with p99 under SATURATED_P99_S."""
    return [level for level in side.saturation if level[3] < SATURATED_P99_S * 1000]


def saturation_point(side: Side) -> str:
    ok = [(rate, reps, p99) for reps, rate, _p50, p99, _errors, _cpu in unsaturated(side)]
    worst = max(side.saturation, key=lambda s: s[0]) if side.saturation else None
    best = f"{max(ok)[0]:.0f} turns/s at p99 < 1 s ({max(ok)[1]} reps)" if ok else "none with p99 < 1 s"
    return best + (f"; p99 {worst[3] / 1000:.1f} s at {worst[0]} reps" if worst else "")


def busiest_cpu_ms(side: Side) -> float:
    """CPU per answered turn at the highest throughput with p99 under 1 s (the saturation point's load)."""
    ok = [(rate, cpu) for _reps, rate, _p50, _p99, _errors, cpu in unsaturated(side)]
    return max(ok)[1] if ok else float("nan")


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--cpu-reps", type=int, default=30, help="reps in the CPU-per-turn run")
    parser.add_argument("--levels", type=int, nargs="*", default=[50, 100, 200, 300, 400])
    parser.add_argument("--hold", type=float, default=20.0, help="seconds of measured load per saturation level")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=os.environ.get("REHEARSE_TEST_PG_URL", PG_URL))
    args = parser.parse_args()

    if "postgres" in args.databases and not reachable(args.pg_url):
        print(f"PostgreSQL is not reachable at {args.pg_url}: measuring SQLite only")
        args.databases = [db for db in args.databases if db != "postgres"]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    results: dict[tuple[str, str], Side] = {}
    for db in args.databases:
        product, floor = results[("product", db)], results[("floor", db)] = Side(), Side()
        print(f"{db}: {args.pairs} product/floor pairs, {args.reps} reps, think 3-10 s, {args.turns} replies + done",
              flush=True)
        for pair in range(args.pairs):
            order = [("product", product), ("floor", floor)]
            for side, into in order if pair % 2 == 0 else order[::-1]:
                latency_run(side, db, args, into)
                cpu_run(side, db, args, into)
                print(f"  pair {pair + 1} {side:<7} p50 {pct(into.turns, 50):6.1f} ms  p99 {pct(into.turns, 99):6.1f} ms"
                      f"  CPU/turn {into.cpu_per_turn_ms[-1]:5.1f} ms  CPU/request {into.cpu_per_request_ms[-1]:5.1f} ms  idle RSS {into.idle_rss_mb[-1]:5.0f} MB"
                      f"  (cumulative percentiles)", flush=True)
        if args.levels:
            print(f"  saturation (think 1-3 s, {args.hold:g} s held per level):", flush=True)
            for reps in args.levels:
                for side, into in (("product", product), ("floor", floor)):
                    saturation_run(side, db, reps, args, into)

    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| measure | Rehearse | floor | ratio |")
    print("|---|---|---|---|")
    for db in args.databases:
        p, f = results[("product", db)], results[("floor", db)]
        name = "SQLite" if db == "sqlite" else "PostgreSQL"
        for q in (50, 99):
            a, b = pct(p.turns, q), pct(f.turns, q)
            print(f"| turn latency p{q}, {name} | {a:.1f} ms | {b:.1f} ms | {a / b:.1f}× |")
        a, b = mean(p.cpu_per_turn_ms), mean(f.cpu_per_turn_ms)
        print(f"| server CPU per turn, {name} | {a:.1f} ms | {b:.1f} ms | {a / b:.1f}× |")
        a, b = mean(p.cpu_per_request_ms), mean(f.cpu_per_request_ms)
        print(f"| server CPU per request over a session (/practice, replies, done), {name} | {a:.1f} ms | "
              f"{b:.1f} ms | {a / b:.1f}× |")
        if p.saturation and f.saturation:
            best = lambda s: max((rate for _r, rate, *_rest in unsaturated(s)), default=0.0)  # noqa: E731
            ratio = best(p) / best(f) if best(f) else float("nan")
            print(f"| saturation of one process, {name} | {saturation_point(p)} | {saturation_point(f)} | "
                  f"{ratio:.2f} |")
            a, b = busiest_cpu_ms(p), busiest_cpu_ms(f)
            print(f"| server CPU per turn under load (busiest level with p99 < 1 s; /practice included), {name} | "
                  f"{a:.1f} ms | {b:.1f} ms | {a / b:.1f}× |")
        a, b = mean(p.idle_rss_mb), mean(f.idle_rss_mb)
        print(f"| idle RSS ({name} runs) | {a:.0f} MB | {b:.0f} MB | {a / b:.1f}× |")
        errors = len(p.errors) + len(f.errors) + sum(e for *_x, e, _c in p.saturation + f.saturation)
        if errors:
            print(f"| errors ({name}) | {len(p.errors)} + saturation | {len(f.errors)} + saturation | {errors} total |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
