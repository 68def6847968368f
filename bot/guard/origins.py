"""Which URLs may receive a platform credential or be fetched at all: exact origins, not host names.

The Slack file download once sent `Authorization: Bearer xoxb-…` through urllib's
redirect handling (a 302 from an allowed host delivered the token elsewhere), and a
`file://` URL on an allowed name read a local file. Discord attachments were fetched
from any URL. An origin here is scheme, host and port together; production origins
are https on the default port, and a test or a proxy adds its own explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Where Slack serves `url_private(_download)` files.
SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
#: Where Discord serves attachments (and resized media).
DISCORD_CDN_HOSTS = frozenset({"cdn.discordapp.com", "media.discordapp.net"})

_DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"


def origin_of(url: str) -> Origin | None:
    """The (scheme, host, port) of an http(s) URL; None for anything else or a malformed one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    return Origin(scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme])


@dataclass(frozen=True)
class OriginPolicy:
    """Trusted origins: https on 443 for the platform's own hosts, plus exact extra origins."""

    hosts: frozenset[str]
    extra: frozenset[Origin] = frozenset()

    @classmethod
    def of(cls, hosts: Iterable[str], extra_urls: Iterable[str | None] = ()) -> OriginPolicy:
        """`extra_urls` are explicit settings (a fake in tests, a proxy): each trusts its exact origin."""
        extra = {o for o in (origin_of(u) for u in extra_urls if u) if o is not None}
        return cls(frozenset(h.lower() for h in hosts), frozenset(extra))

    def allows(self, url: str) -> bool:
        origin = origin_of(url)
        if origin is None:
            return False
        if origin in self.extra:
            return True
        return origin.scheme == "https" and origin.port == 443 and origin.host in self.hosts

    def describe(self, url: str) -> str:
        """A short, log-safe name for a refused URL (its origin, never its path or query)."""
        origin = origin_of(url)
        return str(origin) if origin is not None else (urlsplit(url).scheme or "no scheme") + " URL"
