"""Logging set-up with a redaction filter: no token, key, request body or transcript text reaches a log.

Code logs ids and counts, never message text; the filter is the net under that
rule, masking anything shaped like a Slack, Discord or Anthropic secret and
every configured secret value verbatim, cutting request bodies out of the
libraries' lines (slack-bolt logs a refused request's whole body at INFO),
escaping control characters (a newline in a header must not forge a log line)
and capping each line's length (a stranger must not write megabytes of log).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

SECRET_PATTERNS = [
    re.compile(r"xox[abeposr]-[A-Za-z0-9-]{8,}"),  # Slack bot/user/app tokens
    re.compile(r"xapp-[A-Za-z0-9-]{8,}"),
    re.compile(r"sk-ant-[A-Za-z0-9_-]{8,}"),  # Anthropic keys
    re.compile(r"[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}"),  # Discord bot tokens
    re.compile(r"(?i)(authorization:\s*bearer\s+)\S+"),
]
MASK = "[redacted]"
OMITTED = "[omitted]"
#: Long enough for any line our code writes (ids, counts, an exception's message).
MAX_MESSAGE_CHARS = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
# slack-bolt: "Invalid request signature detected (signature: …, timestamp: …, body: …)" and
# "…without providing a response for the request ({body})": everything from the body on goes.
_BODIES = (re.compile(r"(?s)(\bbody:\s*).*"), re.compile(r"(?s)(for the request \().*"))
# These libraries log request and response bodies (rep messages) at DEBUG; never let them.
CHATTY_LIBRARIES = ("slack_sdk", "slack_bolt", "discord", "anthropic", "httpx", "httpcore", "urllib3", "aiohttp")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for pattern in SECRET_PATTERNS:
            text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = one_line(self.redact(strip_bodies(message) if record.name.startswith("slack_") else message))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def strip_bodies(message: str) -> str:
    """Cut a request body (and whatever follows it) out of a library's log line."""
    for pattern in _BODIES:
        match = pattern.search(message)
        if match is not None:
            kept = message[:match.end(1)]
            message = kept + OMITTED + (")" if "(" in kept else "")
    return message


def one_line(message: str) -> str:
    """Escape control characters (a line break becomes `\\n`) and cap the length, so every record
    is one honest line whatever a request carried."""
    escaped = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), message)
    if len(escaped) > MAX_MESSAGE_CHARS:
        escaped = escaped[:MAX_MESSAGE_CHARS] + f"… [{len(escaped) - MAX_MESSAGE_CHARS} more characters]"
    return escaped


def configure_logging(level: str, secrets: Iterable[str | None] = (), fmt: str = "plain") -> RedactSecrets:
    """Install the redaction filter on every root handler (and on the handlers added later by libraries).

    `fmt` is LOG_FORMAT: "plain" for a terminal, "json" for one JSON object per line (bot/observability/jsonlog.py)."""
    redact = RedactSecrets(secrets)
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger()
    for handler in root.handlers:
        handler.addFilter(redact)
        if fmt == "json":
            from bot.observability.jsonlog import JsonFormatter

            handler.setFormatter(JsonFormatter())
    root.addFilter(redact)
    for name in CHATTY_LIBRARIES:
        library = logging.getLogger(name)
        library.setLevel(max(library.getEffectiveLevel(), logging.INFO))
    return redact
