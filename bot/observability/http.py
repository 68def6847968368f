"""The operator's HTTP routes of one process: `/metrics` and `/readyz`, as WSGI apps keyed by path.

The composition root builds one `Operations` per process (bot/app.py) with the
database check; each running part adds its own check or reading (the Slack
adapter its connection, the worker its scheduler leadership and Discord
gateway). `rehearse serve` mounts `routes()` beside /slack/events; the worker
serves them on WORKER_METRICS_PORT.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.observability.health import Check, Readiness, readiness_wsgi
from bot.observability.metrics import metrics_wsgi

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
METRICS_PATH, READY_PATH = "/metrics", "/readyz"


@dataclass
class Operations:
    """Readiness checks and scrape-time readings of one process."""

    metrics_token: str | None = None
    readiness: Readiness = field(default_factory=Readiness)
    # Gauges read rather than counted (leadership, backlog) are refreshed when Prometheus scrapes.
    _refresh: list[Callable[[], None]] = field(default_factory=list)

    def add_check(self, name: str, check: Check) -> None:
        self.readiness.add(name, check)

    def add_info(self, name: str, value: Callable[[], object]) -> None:
        self.readiness.add_info(name, value)

    def on_scrape(self, refresh: Callable[[], None]) -> None:
        self._refresh.append(refresh)

    def _before_scrape(self) -> None:
        for refresh in list(self._refresh):
            try:
                refresh()
            except Exception:  # noqa: BLE001,S110 - a reading that fails must not cost the whole scrape
                pass

    def routes(self) -> dict[str, WSGIApp]:
        return {METRICS_PATH: metrics_wsgi(self.metrics_token, before=self._before_scrape),
                READY_PATH: readiness_wsgi(self.readiness)}


def serve_operations(ops: Operations, host: str, port: int) -> Any:
    """The worker's own small HTTP server for /metrics, /readyz and /healthz, on a daemon thread."""
    import waitress

    from bot.observability.health import liveness_wsgi

    routes = {**ops.routes(), "/healthz": liveness_wsgi()}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        route = routes.get(environ.get("PATH_INFO", ""))
        if route is None:
            body = b"not found\n"
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]
        return route(environ, start_response)

    server = waitress.create_server(app, host=host, port=port, threads=2, ident="rehearse-worker")
    threading.Thread(target=server.run, name="worker-metrics", daemon=True).start()
    return server


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
