"""Load with faults: many reps practising at once through `rehearse serve` while everything around it fails.

Starts the fake Slack Web API with a share of calls (default 10 %) answering 429
or 500, the fake Anthropic Messages API answering 529 half the time, and
`rehearse serve` as its own process with ANTHROPIC_API_KEY set (so the Claude
buyer is in front and the offline buyer is the net under it). Every rep types
/practice, answers the buyer several times and writes `done`; a share of the
rep messages are delivered twice, as Slack retries them (X-Slack-Retry-Num).

Then, from the fake's own record of every thread, it counts rep turns, buyer
replies, duplicates (a turn answered twice), lost turns (never answered) and
lost sessions (no scorecard), and prints the p99 from a rep's message to the
buyer's reply. Exit code 1 if anything was lost or doubled.

Usage: python benchmarks/load_faults.py [--reps 200] [--turns 3] [--slack-fail 0.1] [--llm-fail 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import LINES, SCENARIOS, Figures, Replies, free_port, line, pct, start_server  # noqa: E402
from tests.fakes.anthropic_api import FakeAnthropic  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.slack_events import SlackSender  # noqa: E402


async def rep(index: int, http: aiohttp.ClientSession, sender: SlackSender, fake: FakeSlack, replies: Replies,
              figures: Figures, turns: int, retry_share: float, rng: random.Random,
              threads: dict[str, tuple[str, str]]) -> None:
    user = f"U0LOAD{index:04d}"
    dm = fake.dm_channel_of(user)

    async def post(body: bytes, headers: dict[str, str]) -> None:
        async with http.post(sender.url, data=body, headers=headers) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")

    card = replies.expect(dm, None)
    await post(*sender.build_command("/practice", SCENARIOS[index % len(SCENARIOS)], user))
    thread = (await asyncio.wait_for(card, 120)).ts
    threads[user] = (dm, thread)
    for turn in range(turns + 1):
        await asyncio.sleep(rng.uniform(0.5, 3.0))
        text = "done" if turn == turns else LINES[(index + turn) % len(LINES)]
        event = sender.message_event(user, dm, text, thread_ts=thread)
        event_id = f"Ev{index:04d}{turn:02d}"
        reply = replies.expect(dm, thread)
        sent = time.perf_counter()
        await post(*sender.build_event(event, event_id))
        if rng.random() < retry_share:  # Slack did not see our 200 in time and delivers it again
            await post(*sender.build_event(event, event_id, retry_num=1))
        message = await asyncio.wait_for(reply, 120)
        (figures.scorecards if turn == turns else figures.turns).append(message.at - sent)


async def run(reps: int, turns: int, retry_share: float, sender: SlackSender, fake: FakeSlack,
              figures: Figures, threads: dict[str, tuple[str, str]]) -> float:
    replies = Replies(asyncio.get_running_loop())
    fake.on_message.append(replies.posted)
    rng = random.Random(11)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=reps * 2),
                                     timeout=aiohttp.ClientTimeout(total=180)) as http:

        async def one(i: int) -> None:
            await asyncio.sleep(5.0 * i / reps)
            try:
                await rep(i, http, sender, fake, replies, figures, turns, retry_share, random.Random(rng.random()),
                          threads)
            except Exception as exc:  # counted and printed; the run goes on
                figures.errors.append(f"rep {i}: {type(exc).__name__}: {exc}")

        started = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(reps))), 900)
        return time.perf_counter() - started


def count(fake: FakeSlack, threads: dict[str, tuple[str, str]], turns: int) -> dict[str, int]:
    """From the fake's record: buyer replies per thread against the rep turns sent into it."""
    totals = {"sessions": len(threads), "rep_turns": 0, "buyer_replies": 0, "duplicates": 0, "lost_turns": 0,
              "lost_sessions": 0}
    for dm, thread in threads.values():
        posted = fake.in_thread(dm, thread)
        buyer = [m for m in posted if m.username and not m.blocks]
        scorecards = [m for m in posted if m.blocks and "Scorecard" in (m.text or "")]
        totals["rep_turns"] += turns
        totals["buyer_replies"] += len(buyer)
        totals["duplicates"] += max(0, len(buyer) - turns) + max(0, len(scorecards) - 1)
        totals["lost_turns"] += max(0, turns - len(buyer))
        totals["lost_sessions"] += 0 if scorecards else 1
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--turns", type=int, default=3)
    parser.add_argument("--slack-fail", type=float, default=0.10, help="share of Web API calls answering 429/500")
    parser.add_argument("--llm-fail", type=float, default=0.5, help="share of Messages API calls answering 529")
    parser.add_argument("--retries", type=float, default=0.10, help="share of rep messages Slack delivers twice")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rehearse-load-") as tmp, FakeSlack() as fake, \
            FakeAnthropic(fault_rate=args.llm_fail, fault_status=529, seed=5) as llm:
        workdir = Path(tmp)
        for i in range(args.reps):
            fake.add_user(f"U0LOAD{i:04d}", f"Load Rep {i}", tz="Europe/London")
        fake.fail_rate(args.slack_fail, statuses=(429, 500), retry_after=0, seed=3)
        os.environ.update({"ANTHROPIC_API_KEY": "sk-ant-load-test", "ANTHROPIC_BASE_URL": llm.url,
                           "ANTHROPIC_TIMEOUT_S": "4", "ANTHROPIC_MAX_RETRIES": "1"})
        port = free_port()
        server = start_server(fake, f"sqlite:///{workdir / 'load.db'}", workdir, port, keep=("ANTHROPIC_",))
        figures = Figures()
        threads: dict[str, tuple[str, str]] = {}
        try:
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events")
            wall = asyncio.run(run(args.reps, args.turns, args.retries, sender, fake, figures, threads))
            time.sleep(2)  # let any late (duplicate) post land before counting
        finally:
            server.terminate()
            server.wait(30)
        totals = count(fake, threads, args.turns)
        injected = sum(1 for c in fake.calls if c.status in (429, 500))
        llm_faults = sum(1 for r in llm.requests if r.status == 529)

    print(f"load_faults: {args.reps} reps, {args.turns} turns + done each, {args.slack_fail:.0%} of Slack calls "
          f"failing ({injected} injected), LLM 529 {args.llm_fail:.0%} of calls ({llm_faults} injected), "
          f"{args.retries:.0%} of rep messages retried by Slack")
    print(f"  sessions {totals['sessions']}  rep turns {totals['rep_turns']}  buyer replies "
          f"{totals['buyer_replies']}  duplicates {totals['duplicates']}  lost turns {totals['lost_turns']}  "
          f"lost sessions {totals['lost_sessions'] + args.reps - totals['sessions']}")
    print(line("rep reply -> buyer reply", figures.turns))
    print(line("done -> scorecard", figures.scorecards))
    print(f"  p99 buyer reply: {pct(figures.turns, 99):.0f} ms over {wall:.1f} s; errors: {len(figures.errors)}")
    for error in figures.errors[:5]:
        print(f"    {error}")
    bad = totals["duplicates"] or totals["lost_turns"] or totals["lost_sessions"] or figures.errors \
        or totals["sessions"] != args.reps
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
