"""Two web processes, one rep: every message answered once, in the order sent (issue #18, item 11).

Starts two `rehearse serve` processes on one PostgreSQL database (a fresh schema)
and one fake Slack Web API, as behind a load balancer. Each of --reps reps opens
a session, then sends --messages replies in its thread, 50 ms apart, alternately
to the two processes, with no waiting for answers in between. Then it reads the
fake's record of each thread and the stored turns and prints, per rep and in
total: messages sent, buyer lines posted, messages answered twice or never, and
whether the stored rep turns are in the order sent.

Exit code 1 if anything was lost, doubled or out of order.

Usage: python benchmarks/two_process_order.py [--reps 20] [--messages 4] [--gap 0.05] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import LINES, Replies, free_port, start_server  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.slack_events import SlackSender  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


async def run(reps: int, messages: int, gap: float, senders: list[SlackSender], fake: FakeSlack) -> dict[str, list[str]]:
    """Returns, per rep thread, the texts sent in order."""
    replies = Replies(asyncio.get_running_loop())
    fake.on_message.append(replies.posted)
    sent: dict[str, list[str]] = {}
    posts: list[asyncio.Future[None]] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:

        async def post(sender: SlackSender, body: bytes, headers: dict[str, str]) -> None:
            async with http.post(sender.url, data=body, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status

        async def rep(i: int) -> None:
            user = f"U0ORDER{i:03d}"
            dm = fake.dm_channel_of(user)
            card = replies.expect(dm, None)
            await post(senders[i % 2], *senders[i % 2].build_command("/practice", "discovery-procurement-stall", user))
            thread = (await asyncio.wait_for(card, 60)).ts
            texts = [f"{LINES[k % len(LINES)]} (#{k + 1})" for k in range(messages)]
            sent[thread] = texts
            for k, text in enumerate(texts):  # alternately to each process, `gap` apart, not waiting for answers
                sender = senders[k % 2]
                posts.append(asyncio.ensure_future(post(sender, *sender.build_event(
                    sender.message_event(user, dm, text, thread_ts=thread)))))
                await asyncio.sleep(gap)

        try:
            await asyncio.gather(*(rep(i) for i in range(reps)))
            await asyncio.gather(*posts)
        finally:
            fake.on_message.remove(replies.posted)  # its loop ends here; later posts must not call into it
    return sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--messages", type=int, default=4, help="at most 5: the buyer ends the conversation after 6 replies")
    parser.add_argument("--gap", type=float, default=0.05)
    parser.add_argument("--pg-url", default=os.environ.get("REHEARSE_TEST_PG_URL", PG_URL))
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    from benchmarks.turn_floor import reachable
    from storage import Repositories

    if not reachable(args.pg_url):
        print(f"two_process_order: needs PostgreSQL (not reachable at {args.pg_url}); nothing measured")
        return 0

    schema = f"twoproc_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
    Repositories.open(url).db.dispose()  # migrate once, before both processes start
    failures = 0
    try:
        with tempfile.TemporaryDirectory(prefix="two-proc-") as tmp, FakeSlack() as fake:
            for i in range(args.reps):
                fake.add_user(f"U0ORDER{i:03d}", f"Order Rep {i}", tz="Europe/London")
            servers, senders = [], []
            for n in range(2):
                workdir = Path(tmp) / f"p{n}"
                workdir.mkdir()
                port = free_port()
                servers.append(start_server(fake, url, workdir, port))
                senders.append(SlackSender(f"http://127.0.0.1:{port}/slack/events"))
            try:
                started = time.perf_counter()
                sent = asyncio.run(run(args.reps, args.messages, args.gap, senders, fake))
                expected = args.reps * args.messages
                fake.wait_for(lambda: sum(len(fake.in_thread(m.channel, m.ts)) for m in fake.messages
                                          if m.thread_ts is None and m.user is None) >= expected, timeout=120)
                time.sleep(1.0)  # anything doubled would be posted by now
                wall = time.perf_counter() - started
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait(30)
                if os.environ.get("TWO_PROC_DEBUG"):
                    for n in range(2):
                        print((Path(tmp) / f"p{n}" / "serve.log").read_text()[-3000:])
            repos = Repositories.open(url, migrate=False)
            lost = doubled = disordered = 0
            for root in [m for m in fake.messages if m.thread_ts is None and m.user is None and m.ts in sent]:
                answers = len(fake.in_thread(root.channel, root.ts))
                texts = sent[root.ts]
                session = repos.sessions.find_by_thread("slack", root.channel, root.ts)
                turns = repos.sessions.turns(session.id) if session else []
                stored = [t.text for t in turns if t.speaker == "rep"]
                lost += max(0, len(texts) - answers)
                doubled += max(0, answers - len(texts))
                if os.environ.get("TWO_PROC_DEBUG") and (answers != len(texts) or stored != texts):
                    print(root.ts, [m.text[:60] for m in fake.in_thread(root.channel, root.ts)], stored)
                disordered += int(stored != texts or [t.speaker for t in turns] != ["buyer"] + ["rep", "buyer"] * len(texts))
            repos.db.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    failures = lost + doubled + disordered
    print(f"two_process_order: 2 x rehearse serve on one PostgreSQL, {args.reps} reps x {args.messages} messages, "
          f"{args.gap * 1000:.0f} ms apart, alternating processes")
    print(f"  messages sent: {expected}   answered: {expected - lost + doubled}   lost: {lost}   doubled: {doubled}")
    print(f"  threads whose stored turns are out of the order sent: {disordered} of {args.reps}")
    print(f"  wall: {wall:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
