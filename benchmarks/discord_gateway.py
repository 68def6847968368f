"""Discord adapter benchmark: reply latency, concurrent sessions, and memory per guild, printed as they are.

Runs the real discord.py client against the fake Discord (tests/fakes/discord_server.py)
on 127.0.0.1, with the real core (offline buyer and judge) on a temporary SQLite file.
The fake shares the process and the event loop, so every figure includes its cost.

1. Reply latency: one rep, 30 messages one after another; from the MESSAGE_CREATE
   dispatch to the buyer's reply reaching Discord's REST API (p50 / p95 / max).
2. Concurrency: 40 reps each run /practice, three turns and `done` at the same time;
   wall time, sessions per minute, p95 reply latency.
3. Scale: time from login to ready (every GUILD_CREATE in) and process RSS for a client in 1
   guild and in 2,000 guilds (each in its own subprocess): what a guild costs with no member
   or message cache.

Run: .venv/bin/python benchmarks/discord_gateway.py
"""

from __future__ import annotations

import asyncio
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.discord.harness import open_practice, running_bot  # noqa: E402
from tests.fakes.discord_server import FakeDiscord  # noqa: E402

LINES = [
    "Before we get to pricing, what's driving this for you right now?",
    "How is that affecting the business, and what does a late shipment cost you?",
    "What happens if this isn't fixed by the end of the quarter?",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def timed_reply(fake: FakeDiscord, rep, thread_id: str, text: str) -> float:  # type: ignore[no-untyped-def]
    before = len(fake.posted_in(thread_id))
    start = time.perf_counter()
    await fake.say(rep, thread_id, text)
    await fake.wait_for_posts(thread_id, before + 1, timeout=120)
    return time.perf_counter() - start


async def latency(tmp: Path) -> None:
    async with running_bot(f"sqlite:///{tmp / 'latency.db'}", tmp) as bot:
        fake = bot.fake
        rep = fake.add_user("ana")
        samples: list[float] = []
        thread, _ = await open_practice(bot, rep, scenario="renewal-gone-cold")
        for i in range(30):
            if i and i % 5 == 0:  # a fresh session now and then: the buyer runs out of turns
                await timed_reply(fake, rep, thread["id"], "done")
                for t in fake.threads():
                    t.pop("_members", None)
                thread, _ = await open_practice(bot, rep, scenario="renewal-gone-cold")
            samples.append(await timed_reply(fake, rep, thread["id"], LINES[i % len(LINES)]))
        ms = [s * 1000 for s in samples]
        print(f"reply latency, 1 rep, {len(ms)} messages: p50 {statistics.median(ms):.0f} ms, "
              f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms")


async def concurrency(tmp: Path, reps: int = 40) -> None:
    async with running_bot(f"sqlite:///{tmp / 'concurrency.db'}", tmp) as bot:
        fake = bot.fake
        people = [fake.add_user(f"rep{i}") for i in range(reps)]
        latencies: list[float] = []

        async def session(rep) -> None:  # type: ignore[no-untyped-def]
            interaction = await fake.slash(rep, "practice", {"scenario": "discovery-procurement-stall"})
            await fake.wait_for_replies(interaction, 2, timeout=120)
            thread = next(t for t in fake.threads() if rep.id in t.get("_members", []))
            await fake.wait_for_posts(thread["id"], 1, timeout=120)
            for line in LINES:
                latencies.append(await timed_reply(fake, rep, thread["id"], line))
            await timed_reply(fake, rep, thread["id"], "done")

        start = time.perf_counter()
        await asyncio.gather(*(session(rep) for rep in people))
        wall = time.perf_counter() - start
        ms = [s * 1000 for s in latencies]
        print(f"{reps} reps at once, 4 turns each: {wall:.1f} s wall, {reps / wall * 60:.0f} sessions/min, "
              f"reply p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms")


def scale_child(guilds: int) -> None:
    """In a subprocess: connect a client that is in `guilds` guilds; print RSS and time to READY."""
    from adapters.discord import build_discord
    from bot.app import build_core
    from bot.settings import Settings
    from tests.discord.harness import token_for

    async def run() -> dict[str, float]:
        with tempfile.TemporaryDirectory() as folder:
            fake = await FakeDiscord(extra_guilds=guilds - 1).start()
            settings = Settings(_env_file=None, database_url=f"sqlite:///{folder}/scale.db",  # type: ignore[call-arg]
                                discord_token=token_for(fake.app_id), discord_api_url=fake.api_url, data_dir=folder)
            adapter = build_discord(build_core(settings), settings, guild_ready_timeout=0.1)
            start = time.perf_counter()
            await adapter.start()
            ready = time.perf_counter() - start
            assert len(adapter.client.guilds) == guilds
            rss_kb = int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0])
            await adapter.close()
            await fake.close()
            return {"guilds": guilds, "ready_s": ready, "rss_mb": rss_kb / 1024}

    print(json.dumps(asyncio.run(run())))


def scale() -> None:
    results = []
    for guilds in (1, 2000):
        out = subprocess.run([sys.executable, __file__, "--scale-child", str(guilds)], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
        results.append(json.loads(out))
    small, large = results
    per_guild_kb = (large["rss_mb"] - small["rss_mb"]) * 1024 / (large["guilds"] - small["guilds"])
    for r in results:
        print(f"{r['guilds']:>5} guild(s): login + command sync + READY + all GUILD_CREATEs in {r['ready_s']:.2f} s, "
              f"RSS {r['rss_mb']:.0f} MB")
    print(f"memory per extra guild: {per_guild_kb:.1f} KB (no member or message cache)")


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(latency(Path(folder)))
        asyncio.run(concurrency(Path(folder)))
    scale()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--scale-child":
        logging.disable(logging.WARNING)
        scale_child(int(sys.argv[2]))
    else:
        main()
