"""The report pages as a WSGI app, mounted by `rehearse serve` beside /slack/events and /healthz.

Routes (the token is the whole credential, so it is the first path segment of every page):
  GET  /reports/<token>                      the link's view: team report, enablement report or own history
  GET  /reports/<token>/chart.png            that view's chart
  GET  /reports/<token>/reps/<person id>     one report's drill-down (manager links)
  GET  /reports/<token>/sessions/<id>        a session's scorecard and transcript
  POST /reports/<token>/sessions/<id>/share  the rep shares a session with their manager (or stops)
  GET  /reports/static/report.css            the one stylesheet

Rendering only: the core (bot/reports) decides who sees what and computes every figure.
Every answer is `Cache-Control: private, no-store` and sends no Referer onward (the
token is in the URL), and a link that opens nothing gets an HTML page saying why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.reports import pages
from bot.reports.links import LinkError
from bot.reports.service import ReportService

log = logging.getLogger(__name__)

PREFIX = "/reports"
HERE = Path(__file__).parent
CSS = (HERE / "static" / "report.css").read_bytes()
MAX_FORM_BYTES = 1024

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SECURITY_HEADERS = [
    ("Cache-Control", "private, no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Robots-Tag", "noindex, nofollow"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                "frame-ancestors 'none'; base-uri 'none'"),
]

_ROUTES = [
    ("home", re.compile(r"^/(?P<token>[A-Za-z0-9_.\-]+)/?$")),
    ("chart", re.compile(r"^/(?P<token>[A-Za-z0-9_.\-]+)/chart\.png$")),
    ("rep", re.compile(r"^/(?P<token>[A-Za-z0-9_.\-]+)/reps/(?P<person>[0-9]{1,12})$")),
    ("session", re.compile(r"^/(?P<token>[A-Za-z0-9_.\-]+)/sessions/(?P<session>[A-Za-z0-9\-]{1,36})$")),
    ("share", re.compile(r"^/(?P<token>[A-Za-z0-9_.\-]+)/sessions/(?P<session>[A-Za-z0-9\-]{1,36})/share$")),
]

STATUS = {200: "200 OK", 303: "303 See Other", 400: "400 Bad Request", 403: "403 Forbidden", 404: "404 Not Found",
          405: "405 Method Not Allowed", 410: "410 Gone", 500: "500 Internal Server Error",
          503: "503 Service Unavailable"}


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["score"] = _score
    env.filters["day"] = lambda d: f"{d.day} {d:%b %Y}"
    env.filters["moment"] = lambda t: f"{t.day} {t:%b %Y, %H:%M} UTC"
    return env


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


class ReportPages:
    """The WSGI app for /reports/..., over the core's ReportService."""

    def __init__(self, reports: ReportService) -> None:
        self.reports = reports
        self.env = environment()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path.startswith(PREFIX):
            path = path[len(PREFIX):] or "/"
        base = environ.get("SCRIPT_NAME", "").rstrip("/") + PREFIX
        if path == "/static/report.css":
            return self._send(start_response, 200, CSS, "text/css; charset=utf-8")
        for name, pattern in _ROUTES:
            match = pattern.match(path)
            if match is None:
                continue
            if (name == "share") != (method == "POST") or method not in ("GET", "HEAD", "POST"):
                return self._error(start_response, base, 405, "Not here", "This page can only be read.")
            try:
                return self._route(name, match.groupdict(), base, environ, start_response)
            except LinkError as exc:
                return self._error(start_response, base, exc.status, exc.title, exc.message)
            except Exception:
                log.exception("report page %s failed", name)
                return self._error(start_response, base, 500, "Something went wrong",
                                   "The report could not be drawn just now. Try again in a minute.")
        return self._error(start_response, base, 404, "Nothing here",
                           "This address is not a report. Open the link from your digest or from /progress.")

    def _route(self, name: str, args: dict[str, str], base: str, environ: dict[str, Any],
               start_response: Callable[..., Any]) -> Iterable[bytes]:
        token = args["token"]
        opened = self.reports.open(token)
        root = f"{base}/{token}"
        if name == "chart":
            return self._send(start_response, 200, self.reports.chart(opened), "image/png")
        if name == "rep":
            page = self.reports.rep_page(opened, int(args["person"]))
            return self._page(start_response, "rep.html", root=root, base=base, page=page, data=page.data)
        if name == "session":
            session_page = self.reports.session_page(opened, args["session"])
            return self._page(start_response, "session.html", root=root, base=base, page=session_page,
                              view=opened.grant.view)
        if name == "share":
            form = _form(environ)
            self.reports.share(opened, args["session"], shared=form.get("shared", "1") == "1")
            start_response(STATUS[303], [("Location", f"{root}/sessions/{args['session']}"),
                                         ("Content-Length", "0"), *SECURITY_HEADERS])
            return [b""]
        view = opened.grant.view
        if view == "manager":
            manager = self.reports.manager_page(opened)
            return self._page(start_response, "manager.html", root=root, base=base, page=manager, data=manager.data)
        if view == "enablement":
            enablement = self.reports.enablement_page(opened)
            return self._page(start_response, "enablement.html", root=root, base=base, page=enablement)
        history = self.reports.history_page(opened)
        return self._page(start_response, "history.html", root=root, base=base, page=history, data=history.data)

    # ---- responses

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def _page(self, start_response: Callable[..., Any], template: str, status: int = 200,
              **context: Any) -> list[bytes]:
        body = self.render(template, **context).encode("utf-8")
        return self._send(start_response, status, body, "text/html; charset=utf-8")

    def _error(self, start_response: Callable[..., Any], base: str, status: int, title: str,
               message: str) -> list[bytes]:
        return self._page(start_response, "error.html", status=status, base=base, status_code=status,
                          title=title, message=message)

    @staticmethod
    def _send(start_response: Callable[..., Any], status: int, body: bytes, content_type: str) -> list[bytes]:
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *SECURITY_HEADERS]
        start_response(STATUS[status], headers)
        return [body]


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        size = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_FORM_BYTES)
    except ValueError:
        size = 0
    raw = environ["wsgi.input"].read(size).decode("utf-8", "replace") if size else ""
    return {k: v[0] for k, v in parse_qs(raw).items()}


def mount(reports: WSGIApp | None, other: WSGIApp) -> WSGIApp:
    """`other` with /reports/... answered by the report pages (or, without them, a page saying they are off)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            if reports is None:
                body = environment().get_template("error.html").render(
                    base=PREFIX, status_code=503, title="Reports are switched off",
                    message="Set SECRET_KEY to serve report pages; without it no link can be trusted, so none "
                            "is served.").encode("utf-8")
                return ReportPages._send(start_response, 503, body, "text/html; charset=utf-8")
            return reports(environ, start_response)
        return other(environ, start_response)

    return app


def report_pages(reports: ReportService) -> WSGIApp | None:
    """The pages over the core's report service; None without SECRET_KEY (then `mount` answers 503)."""
    return ReportPages(reports) if reports.enabled else None


def pages_only(reports: ReportService, operations: Mapping[str, WSGIApp] | None = None) -> WSGIApp:
    """What `rehearse serve` answers without Slack: the report pages, /healthz, and the operations
    routes it is given (/metrics, /readyz)."""
    routes = dict(operations or {})

    def health(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in routes and environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD"):
            return routes[path](environ, start_response)
        if path == "/healthz":
            body = b'{"ok": true, "slack": "off", "reports": "on"}'
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        body = b'{"ok": false, "error": "not found"}'
        start_response("404 Not Found", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return mount(report_pages(reports), health)


__all__ = ["ReportPages", "mount", "pages", "pages_only", "report_pages"]
