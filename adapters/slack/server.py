"""The HTTP side of `rehearse serve`: POST /slack/events, GET /healthz, /readyz and /metrics under waitress,
and GET /slack/install and /slack/oauth_redirect when workspaces install through "Add to Slack".

Bolt's WSGI adapter verifies each request's signature and timestamp and
dispatches events, slash commands and interactivity, all on the one path Slack
is configured with. waitress is a production WSGI server with no compiled
parts; its worker threads only parse and enqueue, so a few of them carry a
whole workspace.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import waitress
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.observability.metrics import ACK_SECONDS

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 8
MAX_BODY_BYTES = 1024 * 1024  # Slack payloads are a few kilobytes

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(adapter: SlackAdapter) -> WSGIApp:
    events = SlackRequestHandler(adapter.bolt_app, path=EVENTS_PATH) if adapter.http_enabled else None
    # "Add to Slack" (many workspaces): Bolt's own handler serves the install page and the redirect.
    flow = adapter.bolt_app.oauth_flow
    installs = SlackRequestHandler(adapter.bolt_app, path=EVENTS_PATH) if flow is not None else None
    install_paths = (flow.install_path, flow.redirect_uri_path) if flow is not None else ()
    modes = (("http", events is not None), ("socket", bool(adapter.settings.slack_app_token)))
    mode = "+".join(name for name, on in modes if on)

    operations = adapter.core.ops.routes()  # /metrics and /readyz

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path in operations and method in ("GET", "HEAD"):
            return operations[path](environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _json(start_response, "200 OK", {"ok": True, "slack": mode, "queued": adapter.work.pending})
        if path == EVENTS_PATH and events is not None:
            started = time.monotonic()
            answer = events(environ, start_response)  # Bolt has acknowledged by the time it returns
            ACK_SECONDS.labels("slack").observe(time.monotonic() - started)
            return answer
        if installs is not None and path in install_paths and method == "GET":
            return installs(environ, start_response)
        if path == EVENTS_PATH:
            return _json(start_response, "404 Not Found",
                         {"ok": False, "error": "HTTP events are off: SLACK_SIGNING_SECRET is not set"})
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return app


def make_server(app: WSGIApp, host: str, port: int, threads: int = HTTP_THREADS) -> Any:
    """A waitress server bound now (port 0 picks a free one: `.effective_port`); `.run()` serves."""
    return waitress.create_server(app, host=host, port=port, threads=threads,
                                  max_request_body_size=MAX_BODY_BYTES, ident="rehearse")


def shutdown(server: Any) -> None:
    """Stop a server that is `.run()`ning on another thread.

    Closing waitress's sockets from outside races its poll loop, so the closing is
    handed to the loop itself through its trigger; the loop ends once nothing is left."""
    from waitress import wasyncore

    try:
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    except OSError:
        pass  # the loop already ended and closed its trigger: nothing is left to close
    server.task_dispatcher.shutdown()


def serve(app: WSGIApp, host: str, port: int) -> None:
    """Serve until SIGTERM or Ctrl-C; returns once in-flight requests are answered."""
    server = make_server(app, host, port)
    if threading.current_thread() is threading.main_thread():
        # waitress ends its loop cleanly on SystemExit (as on Ctrl-C); platforms stop dynos with SIGTERM.
        signal.signal(signal.SIGTERM, _exit)
    log.info("Rehearse listening on http://%s:%s%s", host, server.effective_port, EVENTS_PATH)
    server.run()


def _exit(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _json(start_response: Callable[..., Any], status: str, payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
