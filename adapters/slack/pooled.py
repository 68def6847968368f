"""slack_sdk's WebClient over kept-alive HTTP connections.

slack_sdk sends every Web API call through `urllib.request.urlopen`, which opens
a new connection (against real Slack, a TCP and TLS handshake) for each post
(issue #26). This client keeps a small pool of `http.client` connections per
host, shared by every thread of the process, and hands slack_sdk the same
response shape urlopen would: a dict for 2xx, `HTTPError` otherwise, so its
retry handlers (429 Retry-After, 5xx, connection errors) work unchanged.
"""

from __future__ import annotations

import http.client
import io
import ssl
import threading
from collections import deque
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

MAX_IDLE_PER_HOST = 16  # the work pool has 8 threads; Bolt's own calls and the App Home add a few
# A kept-alive connection the server has closed fails on first use; that one is retried on a fresh one.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, http.client.CannotSendRequest,
          http.client.BadStatusLine)


class _OneWrite:
    """An http.client connection that sends a request's head and its body in one write.

    http.client writes the head, then the body: two send() calls per post (two system calls, and two
    TLS records against Slack). One write saved 9-12 µs of the posting thread's CPU per post against
    the fake Slack on loopback (3 runs of 3,000 posts, interleaved with plain connections; ~410 µs a
    post then; issue #26). Bodies that are not bytes keep http.client's way."""

    _buffer: list[bytes]

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        if not isinstance(message_body, bytes) or encode_chunked:
            super()._send_output(message_body, encode_chunked)  # type: ignore[misc]
            return
        self._buffer.extend((b"", message_body))  # joined: the head, the blank line, the body
        message = b"\r\n".join(self._buffer)
        del self._buffer[:]
        self.send(message)  # type: ignore[attr-defined]


class _HTTPConnection(_OneWrite, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_OneWrite, http.client.HTTPSConnection):
    pass


Connection = http.client.HTTPConnection


class ConnectionPool:
    def __init__(self, timeout: float, ssl_context: ssl.SSLContext | None = None) -> None:
        self.timeout = timeout
        self.ssl_context = ssl_context
        self._idle: dict[tuple[str, str, int], deque[Connection]] = {}
        self._guard = threading.Lock()
        self.opened = 0  # connections opened so far (the benchmark and tests read it)

    def request(self, req: Request) -> tuple[int, str, http.client.HTTPMessage, bytes]:
        """(status, reason, headers, body) for one request, over a kept-alive connection if one is idle."""
        parts = urlsplit(req.full_url)
        key = (parts.scheme, parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k: str(v) for k, v in req.header_items()}
        for attempt in range(2):
            conn, reused = self._take(key)
            try:
                conn.request(req.get_method(), path, body=req.data, headers=headers)  # type: ignore[arg-type]
                response = conn.getresponse()
                body = response.read()
            except _STALE:
                conn.close()
                if reused and attempt == 0:
                    continue
                raise
            except BaseException:
                conn.close()
                raise
            if response.will_close:
                conn.close()
            else:
                self._give(key, conn)
            return response.status, response.reason, response.headers, body
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._guard:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()

    def _take(self, key: tuple[str, str, int]) -> tuple[Connection, bool]:
        with self._guard:
            conns = self._idle.get(key)
            if conns:
                return conns.pop(), True
            self.opened += 1
        scheme, host, port = key
        if scheme == "https":
            return _HTTPSConnection(host, port, timeout=self.timeout,
                                    context=self.ssl_context or ssl.create_default_context()), False
        return _HTTPConnection(host, port, timeout=self.timeout), False

    def _give(self, key: tuple[str, str, int], conn: Connection) -> None:
        with self._guard:
            conns = self._idle.setdefault(key, deque())
            if len(conns) < MAX_IDLE_PER_HOST:
                conns.append(conn)
                return
        conn.close()


class PooledWebClient(WebClient):
    """A WebClient whose calls reuse connections; everything else is slack_sdk's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = ConnectionPool(float(self.timeout), self.ssl)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith("http"):
            return super()._perform_urllib_http_request_internal(url, req)
        status, reason, headers, body = self.pool.request(req)
        if status >= 400:
            raise HTTPError(url, status, reason, headers, io.BytesIO(body))
        if headers.get_content_type() == "application/gzip":
            return {"status": status, "headers": headers, "body": body}
        return {"status": status, "headers": headers, "body": body.decode(headers.get_content_charset() or "utf-8")}
