"""Slack turn latency: N reps practising at once through the real HTTP endpoint.

Starts the fake Slack Web API (tests/fakes) in this process and `rehearse serve`
as its own process (offline buyer and scorer, SQLite unless --database-url),
then runs N reps concurrently. Each rep types /practice, waits for the scenario
card, and answers the buyer --turns times with a think time between replies,
then writes `done`. Every request is signed like Slack signs it.

The default think time, 3-10 s between reading the buyer's line and sending a
reply, is a fast typist (real replies take longer). `--think 0.5 1.5` is a
stress run: it offers more turns a second than one process on two cores
serves, and shows how latency grows past capacity.

Prints, per buyer reply, the time from sending the rep's message to the buyer's
chat.postMessage reaching Slack (p50/p95/p99/max), the HTTP acknowledgement
times (Slack retries anything not answered within 3 s), the time to the
scorecard, and the server process's peak memory (VmHWM).

Target with the offline engine: p99 under 100 ms at 50 concurrent reps, and no
request over 3 s.

Usage: python benchmarks/slack_turns.py [--reps 50] [--turns 4] [--think 3 10] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import BOT_TOKEN, FakeSlack, Message  # noqa: E402
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender  # noqa: E402

SCENARIOS = ["discovery-procurement-stall", "pricing-objection", "renewal-gone-cold", "contact-centre-empathy",
             "enterprise-outage-escalation"]
LINES = [
    "Before we get to pricing, what's driving this for you right now?",
    "How is that affecting the business — what does it cost you each month, and who feels it?",
    "What happens if this isn't fixed by the end of the quarter?",
    "So if I heard you right, the real issue is the delays, not the price. Is that fair?",
    "What would a good outcome look like for you and your team?",
    "Who else would need to be comfortable with a change like this?",
]
SLACK_DEADLINE_S = 3.0


@dataclass
class Figures:
    turns: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    cards: list[float] = field(default_factory=list)
    scorecards: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Replies:
    """Futures resolved by the fake's on_message hook: who waits for the next post where."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: dict[tuple[str, str | None], list[asyncio.Future[Message]]] = defaultdict(list)

    def expect(self, channel: str, thread: str | None) -> asyncio.Future[Message]:
        future: asyncio.Future[Message] = self.loop.create_future()
        self.waiting[(channel, thread)].append(future)
        return future

    def posted(self, message: Message) -> None:  # on the fake's thread
        if message.user is None:
            self.loop.call_soon_threadsafe(self._resolve, message)

    def _resolve(self, message: Message) -> None:
        futures = self.waiting.get((message.channel, message.thread_ts))
        while futures:
            future = futures.pop(0)
            if not future.done():
                future.set_result(message)
                return


async def rep_session(index: int, http: aiohttp.ClientSession, sender: SlackSender, fake: FakeSlack,
                      replies: Replies, figures: Figures, turns: int, think: tuple[float, float],
                      rng: random.Random) -> None:
    user = f"U0BENCH{index:04d}"
    dm = fake.dm_channel_of(user)

    async def post(body: bytes, headers: dict[str, str]) -> float:
        started = time.perf_counter()
        async with http.post(sender.url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
        elapsed = time.perf_counter() - started
        figures.acks.append(elapsed)
        return started

    card = replies.expect(dm, None)
    sent = await post(*sender.build_command("/practice", SCENARIOS[index % len(SCENARIOS)], user))
    thread = (await asyncio.wait_for(card, 30)).ts
    figures.cards.append(time.perf_counter() - sent)
    for turn in range(turns):
        await asyncio.sleep(rng.uniform(*think))
        reply = replies.expect(dm, thread)
        event = sender.message_event(user, dm, LINES[(index + turn) % len(LINES)], thread_ts=thread)
        sent = await post(*sender.build_event(event))
        message = await asyncio.wait_for(reply, 30)
        figures.turns.append(message.at - sent)
    await asyncio.sleep(rng.uniform(*think))
    scorecard = replies.expect(dm, thread)
    sent = await post(*sender.build_event(sender.message_event(user, dm, "done", thread_ts=thread)))
    message = await asyncio.wait_for(scorecard, 30)
    figures.scorecards.append(message.at - sent)


async def run_reps(reps: int, turns: int, think: tuple[float, float], sender: SlackSender, fake: FakeSlack,
                   figures: Figures, ramp_s: float) -> float:
    replies = Replies(asyncio.get_running_loop())
    fake.on_message.append(replies.posted)
    rng = random.Random(7)
    connector = aiohttp.TCPConnector(limit=reps * 2)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as http:

        async def one(i: int) -> None:
            await asyncio.sleep(ramp_s * i / reps)  # reps arrive over the ramp, not in one instant
            try:
                await rep_session(i, http, sender, fake, replies, figures, turns, think, random.Random(rng.random()))
            except Exception as exc:  # counted and printed; the run goes on
                figures.errors.append(f"rep {i}: {type(exc).__name__}: {exc}")

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(reps))), 600)
        return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(fake: FakeSlack, database_url: str, workdir: Path, port: int,
                 keep: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    """`rehearse serve` against the fake; platform and LLM settings come only from here (or `keep` prefixes)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_")) or k.startswith(keep or ("\0",))}
    env.update({"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": fake.api_url, "PORT": str(port), "LOG_LEVEL": "WARNING",
                "DATA_DIR": str(workdir / "var"), "PYTHONPATH": str(ROOT)})
    log = open(workdir / "serve.log", "wb")  # noqa: SIM115 - the server process writes to it until the end
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"], env=env, cwd=workdir,
                               stdout=log, stderr=subprocess.STDOUT)
    return wait_healthy(process, port, workdir / "serve.log", "rehearse serve", 120)


def wait_healthy(process: subprocess.Popen[bytes], port: int, log: Path, name: str,
                 timeout_s: float) -> subprocess.Popen[bytes]:
    """`process` once it answers /healthz on `port`; its log in the error if it exits or never answers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited:\n" + log.read_text())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{name} did not answer /healthz within {timeout_s:g} s")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))] * 1000 if ordered else float("nan")


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"  {name:<28} (none)"
    return (f"  {name:<28} n={len(values):<5} p50={pct(values, 50):7.1f} ms  p95={pct(values, 95):7.1f} ms  "
            f"p99={pct(values, 99):7.1f} ms  max={max(values) * 1000:7.1f} ms")


def turn_buckets(exposition: str) -> list[tuple[float, float]]:
    """(upper bound, cumulative count) of the server's turn-latency histogram for Slack, engines summed."""
    from prometheus_client.parser import text_string_to_metric_families

    counts: dict[float, float] = defaultdict(float)
    for family in text_string_to_metric_families(exposition):
        if family.name == "rehearse_turn_seconds":
            for sample in family.samples:
                if sample.name.endswith("_bucket") and sample.labels.get("platform") == "slack":
                    counts[float(sample.labels["le"])] += sample.value
    return sorted(counts.items())


def histogram_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus's histogram_quantile: linear interpolation inside the bucket the rank falls in."""
    if not buckets or buckets[-1][1] == 0:
        return float("nan")
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / max(count - lower_count, 1e-9)
        lower_bound, lower_count = bound, count
    return lower_bound


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--turns", type=int, default=4, help="rep replies per session before `done`")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0), metavar=("MIN", "MAX"),
                        help="seconds a rep takes before each reply (uniform)")
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds over which the reps start")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as tmp, FakeSlack() as fake:
        workdir = Path(tmp)
        for i in range(args.reps):
            fake.add_user(f"U0BENCH{i:04d}", f"Bench Rep {i}", tz="Europe/London")
        database_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
        port = free_port()
        server = start_server(fake, database_url, workdir, port)
        figures = Figures()
        try:
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events")
            wall = asyncio.run(run_reps(args.reps, args.turns, tuple(args.think), sender, fake, figures, args.ramp))
            peak = peak_rss_mb(server.pid)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                scraped = response.read().decode()
        finally:
            server.terminate()
            server.wait(20)

    database = "sqlite" if database_url.startswith("sqlite") else database_url.split(":", 1)[0]
    print(f"slack_turns: {args.reps} reps at once, {args.turns} replies each + done, think "
          f"{args.think[0]:g}-{args.think[1]:g} s, offline buyer, {database}, rehearse serve (waitress, 8 threads)")
    print(line("rep reply -> buyer reply", figures.turns))
    print(line("/practice -> scenario card", figures.cards))
    print(line("done -> scorecard", figures.scorecards))
    print(line("HTTP acknowledgement", figures.acks))
    buckets = turn_buckets(scraped)
    p50, p99 = histogram_quantile(0.5, buckets), histogram_quantile(0.99, buckets)
    print(f"  from /metrics (rehearse_turn_seconds, slack): n={int(buckets[-1][1]) if buckets else 0} "
          f"p50={p50 * 1000:.1f} ms  p99={p99 * 1000:.1f} ms  (vs measured here {pct(figures.turns, 50):.1f} / "
          f"{pct(figures.turns, 99):.1f} ms)")
    over = sum(1 for v in figures.acks + figures.turns + figures.cards + figures.scorecards if v > SLACK_DEADLINE_S)
    print(f"  requests or replies over {SLACK_DEADLINE_S:.0f} s: {over}")
    print(f"  buyer replies/s: {len(figures.turns) / wall:.1f} over {wall:.1f} s")
    print(f"  server peak memory (VmHWM): {peak:.0f} MB")
    print(f"  errors: {len(figures.errors)}")
    for error in figures.errors[:5]:
        print(f"    {error}")
    target_ok = not figures.errors and over == 0 and (args.reps != 50 or pct(figures.turns, 99) < 100)
    print(f"  target (p99 < 100 ms at 50 reps, nothing over 3 s): {'met' if target_ok else 'NOT met'}")
    return 0 if not figures.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
