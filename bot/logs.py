"""Logging set-up with a redaction filter: no token, key or transcript text reaches a log.

Code logs ids and counts, never message text; the filter is the net under that
rule, masking anything shaped like a Slack, Discord or Anthropic secret and
every configured secret value verbatim.
"""

from __future__ import annotations

import logging
import re
from typing import Iterable

SECRET_PATTERNS = [
    re.compile(r"xox[abeposr]-[A-Za-z0-9-]{8,}"),  # Slack bot/user/app tokens
    re.compile(r"xapp-[A-Za-z0-9-]{8,}"),
    re.compile(r"sk-ant-[A-Za-z0-9_-]{8,}"),  # Anthropic keys
    re.compile(r"[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}"),  # Discord bot tokens
    re.compile(r"(?i)(authorization:\s*bearer\s+)\S+"),
]
MASK = "[redacted]"
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
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


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
