"""What the fake model APIs share: a JSON-over-HTTP server on 127.0.0.1, port 0, on its own thread.

A fake names its route, its error body and how it answers (`answer(body, headers)`);
this module starts and stops the server, reads the JSON request and writes the
JSON response (with keep-alive, as the SDKs' connection pools expect).
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

Answered = tuple[int, dict[str, str], dict[str, Any]]


class LoopbackFake:
    """Lifecycle of one fake: `with Fake() as api:` or start()/stop(); `url` is the SDK's base URL."""

    route = "/"  # the one POST path the fake answers
    url_suffix = ""  # what the SDK's base URL carries after host:port ("/v1" for OpenAI-compatible servers)
    thread_name = "fake-api"

    def __init__(self) -> None:
        self._stopping = threading.Event()  # set on stop(): wakes any slow answer still waiting
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> Answered:
        raise NotImplementedError

    def error(self, status: int, message: str) -> dict[str, Any]:
        return {"error": {"message": message}}

    def get(self, path: str) -> Answered | None:
        """A GET route's answer, or None for 404."""
        return None

    def start(self) -> Self:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.url_suffix}"


def _handler_for(fake: LoopbackFake) -> type[BaseHTTPRequestHandler]:
    class Handler(_JsonHandler):
        owner = fake

    return Handler


class _JsonHandler(BaseHTTPRequestHandler):
    owner: LoopbackFake
    protocol_version = "HTTP/1.1"  # keep-alive, like the SDKs' connection pools expect

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        answered = self.owner.get(self.path.split("?")[0])
        self._send(*(answered or (404, {}, self.owner.error(404, f"no route {self.path}"))))

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.split("?")[0] != self.owner.route:
            self._send(404, {}, self.owner.error(404, f"no route {self.path}"))
            return
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            self._send(400, {}, self.owner.error(400, "body is not JSON"))
            return
        self._send(*self.owner.answer(body, {k.lower(): v for k, v in self.headers.items()}))

    def _send(self, status: int, extra: dict[str, str], payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.send_header("request-id", f"req_{uuid.uuid4().hex[:20]}")
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a slow answer past its timeout)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request stderr lines
        return


