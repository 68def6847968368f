"""Slow clients: does /healthz (and a signed Slack event) still answer while many connections hang?

Starts the fake Slack Web API and `rehearse serve` as its own process, then for each
count in --slow opens that many connections that send half a request line and headers
and then trickle one byte every --trickle seconds (a slowloris), and meanwhile times
GET /healthz and a signed event POST to /slack/events, each with a 5 s timeout.

Prints per count: the requests answered within 5 s, and the median and slowest answer.
Target (issue 18): with 110 slow connections, /healthz and Slack's events still answer
in well under Slack's 3 s. A reverse proxy in front (docs) is still the real defence
against thousands of them.

Usage: python benchmarks/slowloris.py [--slow 0 110 500] [--probes 20] [--trickle 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.slack_turns import free_port, start_server  # noqa: E402
from tests.fakes.slack_api import FakeSlack  # noqa: E402
from tests.fakes.slack_events import SlackSender  # noqa: E402

PROBE_TIMEOUT_S = 5.0


class Slowloris:
    """`count` connections sending a request a byte at a time, never finishing it."""

    def __init__(self, host: str, port: int, count: int, trickle_s: float) -> None:
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        for _ in range(count):
            try:
                sock = socket.create_connection((host, port), timeout=5)
                sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n")
                self.sockets.append(sock)
            except OSError:
                break
        self.thread = threading.Thread(target=self._trickle, args=(trickle_s,), daemon=True)
        self.thread.start()

    def _trickle(self, every_s: float) -> None:
        while not self.stop.wait(every_s):
            for sock in list(self.sockets):
                try:
                    sock.sendall(b"X")
                except OSError:
                    self.sockets.remove(sock)

    @property
    def open(self) -> int:
        return len(self.sockets)

    def close(self) -> None:
        self.stop.set()
        for sock in self.sockets:
            sock.close()


def probe(fn) -> float | None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        fn()
    except (OSError, urllib.error.URLError):
        return None
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, nargs="+", default=[0, 110, 500])
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--trickle", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, FakeSlack() as fake:
        fake.add_user("U0CALM", "Cal Mer")
        port = free_port()
        process = start_server(fake, f"sqlite:///{tmp}/slowloris.db", Path(tmp), port)
        host, url = "127.0.0.1", f"http://127.0.0.1:{port}"
        sender = SlackSender(f"{url}/slack/events")
        try:
            for count in args.slow:
                attack = Slowloris(host, port, count, args.trickle)
                time.sleep(1.0)
                health = [probe(lambda: urllib.request.urlopen(f"{url}/healthz", timeout=PROBE_TIMEOUT_S).read())
                          for _ in range(args.probes)]
                events = [probe(lambda: _event(sender)) for _ in range(args.probes)]
                held = attack.open
                attack.close()
                print(f"{count:4d} slow connections ({held} still open at the end):")
                for name, times in (("GET /healthz", health), ("signed event", events)):
                    ok = [t for t in times if t is not None]
                    figures = (f"median {statistics.median(ok) * 1000:.0f} ms, slowest {max(ok) * 1000:.0f} ms"
                               if ok else "none answered")
                    print(f"    {name:13} answered {len(ok)}/{len(times)} within {PROBE_TIMEOUT_S:.0f} s; {figures}")
                time.sleep(1.0)
        finally:
            process.terminate()
            process.wait(30)


def _event(sender: SlackSender) -> None:
    body, headers = sender.build_event(sender.message_event("U0CALM", "C0GENERAL", "hello"))
    request = urllib.request.Request(sender.url, data=body, headers=headers, method="POST")
    urllib.request.urlopen(request, timeout=PROBE_TIMEOUT_S).read()


if __name__ == "__main__":
    main()
