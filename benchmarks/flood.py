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
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.slack_api import BOT_TOKEN, FakeSlack  # noqa: E402
from tests.fakes.slack_events import SIGNING_SECRET, SlackSender  # noqa: E402

REP = "U0FLOOD"


def start_serve(fake: FakeSlack, folder: Path) -> tuple[subprocess.Popen[str], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "ANTHROPIC_"))}
    env.update({"DATABASE_URL": f"sqlite:///{folder / 'flood.db'}", "DATA_DIR": str(folder / "var"),
                "PYTHONPATH": str(ROOT), "LOG_LEVEL": "INFO", "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url, "PORT": "0"})
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"], env=env, cwd=folder,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert process.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        match = re.search(r"listening on (http://[\d.]+:\d+)", line)
        if match:
            # Keep draining stderr so the server never blocks on a full pipe.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, match.group(1)
        if not line and process.poll() is not None:
            break
    raise SystemExit("rehearse serve did not start")


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
        process, url = start_serve(fake, Path(tmp))
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
