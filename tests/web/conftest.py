"""A world for the report pages: the digests' seeded world, the real ReportService and the real WSGI app.

`Browser.get(url)` drives the WSGI app the way a server would (a PEP 3333 environ in,
status, headers and body out), so route tests go through every line a request does.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from adapters.web.app import ReportPages
from bot.digests.enablement import EnablementDigests
from bot.digests.service import DigestService
from bot.impact.reporting import Reporting
from bot.reports.links import LinkSigner
from bot.reports.service import ReportService
from bot.scheduling.outbox import Outbox
from scheduler.ratelimit import RateLimiter
from storage.repos.programmes import ProgrammeRepo
from storage.repos.pushes import PushLogRepo
from tests.digests.conftest import LIBRARY, World

SECRET = "test-secret-key-for-report-links"
PUBLIC_URL = "http://reports.example.test"


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Browser:
    """Requests straight into a WSGI app (no socket), as a server would make them."""

    app: Any
    seen: list[Response] = field(default_factory=list)

    def request(self, method: str, url: str, form: str = "") -> Response:
        parts = urlsplit(url)
        body = form.encode()
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": parts.path, "QUERY_STRING": parts.query, "SCRIPT_NAME": "",
            "SERVER_NAME": "reports.example.test", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO(), "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0), "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
        }
        got: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
            got["status"], got["headers"] = int(status.split()[0]), dict(headers)

        chunks = self.app(environ, start_response)
        response = Response(got["status"], got["headers"], b"".join(chunks))
        self.seen.append(response)
        return response

    def get(self, url: str) -> Response:
        return self.request("GET", url)

    def post(self, url: str, form: str) -> Response:
        return self.request("POST", url, form)


class ReportWorld(World):
    def __init__(self, db_url: str, data_dir: Path, secret: str | None = SECRET) -> None:
        super().__init__(db_url, data_dir)
        self.signer = LinkSigner(secret, PUBLIC_URL, self.clock) if secret else None
        enablement = EnablementDigests(self.repos, Reporting(self.clock, ProgrammeRepo(self.repos.db)), self.chats,
                                       self.clock, self.service.outbox)
        self.reports = ReportService(self.repos, LIBRARY, self.clock, self.signer, self.service, enablement)
        self.browser = Browser(ReportPages(self.reports))

    def new_service(self, worker: str) -> DigestService:
        """The digest service as the composition root builds it: its report button hands out links."""
        return DigestService(self.repos, LIBRARY, self.chats, self.clock, self.data_dir, lambda: self.practice,
                             outbox=Outbox(PushLogRepo(self.repos.db), self.clock, RateLimiter({"console": 1e6}), worker),
                             report_link=lambda manager, start: self.reports.link(manager, "manager", start))

    def link(self, person_id: int, view: str = "manager") -> str:
        return self.reports.link(person_id, view)

    def person(self, user: str, roles: str, team_id: int | None = None, manager_id: int | None = None) -> int:
        person, _ = self.repos.people.ensure_person("console", "local", user, self.clock.now(), user)
        assert person.id is not None
        self.repos.people.update(person.id, roles=roles, team_id=team_id, manager_id=manager_id)
        return person.id


@pytest.fixture
def rworld(db_url: str, tmp_path: Path) -> Iterator[ReportWorld]:
    w = ReportWorld(db_url, tmp_path / "var")
    yield w
    w.repos.db.dispose()


@pytest.fixture
def sqlite_rworld(sqlite_url: str, tmp_path: Path) -> Iterator[ReportWorld]:
    w = ReportWorld(sqlite_url, tmp_path / "var")
    yield w
    w.repos.db.dispose()
