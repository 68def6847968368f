"""The door in front of Bolt: what reaches /slack/events is signed, well-formed, and new.

Bolt parses a request's body before it checks the signature, so an unsigned request
with a non-numeric timestamp, bad JSON, non-UTF-8 bytes or a bad `payload=` raised
inside Bolt: a 500 with a logged traceback. Here each of those is refused with a 4xx
and a one-word reason, before Bolt or the core sees it and without logging the body.

A signed slash command is also checked against the core: a replay of the same signed
body (same `trigger_id`) does nothing, and a person over their per-minute limit gets
the one polite note instead of a new practice.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class Refusal:
    status: str
    error: str


@dataclass(frozen=True)
class Admitted:
    """A signed, well-formed request: its raw body, and its form fields when it is a form post."""

    body: bytes
    form: dict[str, str]


#: What the core says about a signed slash command: None to run it, else the reply to give instead
#: ("" acknowledges with nothing, a text answers only the person who typed it).
CommandCheck = Callable[[dict[str, str]], str | None]


def screen(environ: dict[str, Any], verifier: SignatureVerifier, max_body: int) -> Admitted | Refusal:
    """Read and check one request; never raises on anything a client can send."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return Refusal("400 Bad Request", "bad_content_length")
    if length < 0 or length > max_body:
        return Refusal("413 Payload Too Large", "too_large")
    body = environ["wsgi.input"].read(length) if length else b""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
        return Refusal("401 Unauthorized", "invalid_request")
    try:
        text = body.decode("utf-8")  # Slack sends UTF-8; the SDK's verifier decodes it too, and would raise
    except UnicodeDecodeError:
        return Refusal("400 Bad Request", "not_utf8")
    if not verifier.is_valid(text, timestamp, signature):
        return Refusal("401 Unauthorized", "invalid_request")
    # Signed by Slack from here on; still never trust the shape enough to crash on it.
    if "json" in environ.get("CONTENT_TYPE", "").lower():
        return Admitted(body, {}) if _json_object(text) else Refusal("400 Bad Request", "bad_json")
    form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items()}
    if "payload" in form and not _json_object(form["payload"]):
        return Refusal("400 Bad Request", "bad_payload")
    return Admitted(body, form)


def screened(events: WSGIApp, signing_secret: str, max_body: int,
             check_command: CommandCheck | None = None) -> WSGIApp:
    """Wrap Bolt's WSGI handler: refusals answered here, admitted requests passed on with their body."""
    verifier = SignatureVerifier(signing_secret)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        verdict = screen(environ, verifier, max_body)
        if isinstance(verdict, Refusal):
            log.info("refused a request to /slack/events: %s", verdict.error)  # never the body
            return _reply(start_response, verdict.status, {"ok": False, "error": verdict.error})
        if check_command is not None and "command" in verdict.form:
            instead = check_command(verdict.form)
            if instead is not None:
                return _reply(start_response, "200 OK", {"response_type": "ephemeral", "text": instead}
                              if instead else None)
        environ["wsgi.input"] = io.BytesIO(verdict.body)  # Bolt reads the body again
        environ["CONTENT_LENGTH"] = str(len(verdict.body))
        return events(environ, start_response)

    return app


def _json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except (ValueError, RecursionError):  # bad JSON, or nesting deep enough to exhaust the parser
        return False


def _reply(start_response: Callable[..., Any], status: str, payload: dict[str, Any] | None) -> list[bytes]:
    body = json.dumps(payload).encode() if payload is not None else b""
    headers = [("Content-Length", str(len(body)))]
    if payload is not None:
        headers.append(("Content-Type", "application/json"))
    start_response(status, headers)
    return [body]
