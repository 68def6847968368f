"""The HTTP side of `rehearse serve`: POST /slack/events, GET /healthz, /readyz and /metrics under waitress,
and GET /slack/install and /slack/oauth_redirect when workspaces install through "Add to Slack".

The screen in front of Bolt (adapters/slack/screen.py) verifies each request's
signature and timestamp; Bolt's WSGI adapter dispatches events, slash commands
and interactivity, all on the one path Slack is configured with. waitress is a
production WSGI server with no compiled parts; its worker threads only parse and
enqueue, so a few of them carry a whole workspace.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import waitress
from slack_bolt.adapter.wsgi import SlackRequestHandler

from adapters.slack.parse import PLATFORM
from adapters.slack.screen import screened
from adapters.web.app import mount, report_pages
from bot.messages import PersonRef
from bot.observability.metrics import ACK_SECONDS

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
HTTP_THREADS = 8
MAX_BODY_BYTES = 1024 * 1024  # Slack payloads are a few kilobytes
# Slow clients (issue 18): waitress's defaults (100 connections, 120 s idle timeout, select()) let 110
# half-open connections stop /healthz and /slack/events answering at all. Connections cost a socket and
# a small buffer each until a request is complete (only then does a worker thread see it), so allow many,
# poll() them (select() stops at 1,024 descriptors), and close idle ones quickly: Slack sends a whole
# request in one go. benchmarks/slowloris.py prints /healthz and event latency under 0/110/500 of them.
# A reverse proxy in front (nginx, the platform's router) remains the defence against thousands.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 10
CLEANUP_INTERVAL_S = 2
MAX_HEADER_BYTES = 32 * 1024  # Slack's headers are well under 2 KB

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(adapter: SlackAdapter) -> WSGIApp:
    events = None
    if adapter.http_enabled:
        assert adapter.settings.slack_signing_secret is not None
        events = screened(SlackRequestHandler(adapter.bolt_app, path=EVENTS_PATH),
                          adapter.settings.slack_signing_secret, MAX_BODY_BYTES, _command_check(adapter))
    # "Add to Slack" (many workspaces): Bolt's own handler serves the install page and the redirect
    # (browser GETs, not Slack's signed POSTs, so they are not screened for a signature).
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

    # The report pages share the port (/reports/...); without SECRET_KEY they answer 503 and the
    # digest services behind them are never built.
    pages = report_pages(adapter.core.reports) if adapter.settings.secret_key else None
    return mount(pages, app)


def _command_check(adapter: SlackAdapter) -> Callable[[dict[str, str]], str | None]:
    """The core's command gate for a signed slash command: once per trigger_id, within the person's limit."""
    def check(form: dict[str, str]) -> str | None:
        who = PersonRef(PLATFORM, form.get("team_id", ""), form.get("user_id", ""))
        # trigger_id is unique per invocation; a form without one is keyed by its whole (signed) content.
        request_id = form.get("trigger_id") or hashlib.sha256(json.dumps(form, sort_keys=True).encode()).hexdigest()
        return adapter.core.practice().commands.check(who, request_id)

    return check


def make_server(app: WSGIApp, host: str, port: int, threads: int = HTTP_THREADS) -> Any:
    """A waitress server bound now (port 0 picks a free one: `.effective_port`); `.run()` serves."""
    return waitress.create_server(app, host=host, port=port, threads=threads,
                                  max_request_body_size=MAX_BODY_BYTES, max_request_header_size=MAX_HEADER_BYTES,
                                  connection_limit=CONNECTION_LIMIT, channel_timeout=CHANNEL_TIMEOUT_S,
                                  cleanup_interval=CLEANUP_INTERVAL_S, asyncore_use_poll=True, ident="rehearse")


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
