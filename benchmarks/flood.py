"""Floods: one person sending 1,000 messages, and a replayed signed /practice, against `rehearse serve`.

Starts the fake Slack Web API in this process and `rehearse serve` as its own process
(offline buyer and scorer, SQLite in a temporary folder). One rep types /practice,
then sends --messages signed message events into the practice thread from --senders
threads at once, each with its own event_id, as a script or a stuck key would. Then
the same signed /practice body is posted again --replays times.

Prints: messages sent and acknowledged, the bot's posts in the thread (answers and
the polite note), every chat.postMessage the flood cost, and the sessions the replays
opened. Target (issue 18): replies stay at the per-minute limit plus one note, and a
replay opens nothing.

Usage: python benchmarks/flood.py [--messages 1000] [--senders 16] [--replays 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import free_port, start_server  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.slack_events import SlackSender  # noqa: E402

REP = "U0FLOOD"


def settle(fake: FakeSlack, quiet_s: float = 3.0, limit_s: float = 120) -> None:
    """Wait until the fake has seen no new call for `quiet_s`."""
    deadline, last, since = time.monotonic() + limit_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake.calls)
        if count != last:
            last, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--replays", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        fake.add_user(REP, "Flo Od")
        port = free_port()
        process = start_server(fake, f"sqlite:///{tmp}/flood.db", Path(tmp), port)
        url = f"http://127.0.0.1:{port}"
        try:
            sender = SlackSender(f"{url}/slack/events", response_url=fake.response_url("cmd"))
            dm = fake.dm_channel_of(REP)
            practice = sender.build_command("/practice", "discovery-procurement-stall", REP, channel=dm)
            assert sender.post(*practice).status == 200
            thread = fake.wait_for(lambda: fake.top_level(dm))[-1].ts
            settle(fake)
            posts_before = len(fake.calls_of("chat.postMessage"))
            in_thread_before = len(fake.in_thread(dm, thread))

            started = time.perf_counter()
            with ThreadPoolExecutor(args.senders) as pool:
                replies = list(pool.map(lambda i: sender.message(REP, dm, f"flood message {i}", thread_ts=thread),
                                        range(args.messages)))
            sent_s = time.perf_counter() - started
            settle(fake)
            answered = fake.in_thread(dm, thread)[in_thread_before:]
            notes = [m for m in answered if "faster than I can answer" in (m.text or "")]
            flood_posts = len(fake.calls_of("chat.postMessage")) - posts_before
            acked = sum(1 for r in replies if r.status == 200)
            slowest_ack = max(r.elapsed_s for r in replies)

            cards_before = len(fake.top_level(dm))
            replay_status = [sender.post(*practice).status for _ in range(args.replays)]
            settle(fake)
            opened = len(fake.top_level(dm)) - cards_before
        finally:
            process.terminate()
            process.wait(30)

    print(f"flood: {args.messages} messages from one rep, {args.senders} at a time, sent in {sent_s:.1f} s")
    print(f"  acknowledged (HTTP 200): {acked}/{args.messages}, slowest acknowledgement {slowest_ack * 1000:.0f} ms")
    print(f"  bot posts in the thread: {len(answered)} ({len(notes)} polite note)")
    print(f"  chat.postMessage calls the flood cost: {flood_posts}")
    print(f"replay: the same signed /practice posted {args.replays} more times -> HTTP {sorted(set(replay_status))}, "
          f"new sessions opened: {opened}")


if __name__ == "__main__":
    main()
