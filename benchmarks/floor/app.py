"""The floor for benchmarks/turn_floor.py: a bare slack-bolt app served the way `rehearse serve` is.

waitress with 8 threads, `process_before_response=True`, listeners that only
acknowledge and hand the work to an 8-thread pool. `/practice` opens the DM and
posts a card; every DM message posts one `chat.postMessage` into its thread.
No database, no buyer, no scoring: what any Slack app on this stack costs.

Usage: python benchmarks/floor/app.py --port P --api-url URL (token and secret from SLACK_BOT_TOKEN,
SLACK_SIGNING_SECRET)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import waitress
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

WORKERS = 8
HTTP_THREADS = 8


def build(token: str, secret: str, api_url: str) -> Any:
    client = WebClient(token=token, base_url=api_url if api_url.endswith("/") else api_url + "/")
    app = App(client=client, signing_secret=secret, process_before_response=True)
    pool = ThreadPoolExecutor(max_workers=WORKERS)

    @app.command("/practice")
    def practice(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = body["user_id"]

        def card() -> None:
            channel = client.conversations_open(users=user)["channel"]["id"]
            client.chat_postMessage(channel=channel, text="Your scenario: reply in this thread.")

        pool.submit(card)

    @app.event("message")
    def message(event: dict[str, Any]) -> None:
        if event.get("bot_id") or event.get("subtype"):
            return
        channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
        pool.submit(client.chat_postMessage, channel=channel, thread_ts=thread, text="The buyer's line.")

    events = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            body = json.dumps({"ok": True}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return events(environ, start_response)

    return wsgi


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--api-url", required=True)
    args = parser.parse_args()
    wsgi = build(os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_SIGNING_SECRET"], args.api_url)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(SystemExit(0)))
    waitress.serve(wsgi, host="127.0.0.1", port=args.port, threads=HTTP_THREADS, ident="floor")


if __name__ == "__main__":
    main()
