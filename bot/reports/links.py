"""Signed report links: bound to one person and one view, expiring, revocable.

A link is `PUBLIC_URL/reports/<token>`. The token is an itsdangerous timed signature
(HMAC-SHA1 over the payload and the moment it was issued, keyed by SECRET_KEY and a
salt of its own) of `{"p": person id, "v": view, "d": period start or null}`. Nothing
in it is secret, and nothing in it can be changed without the key. Verification tells
apart what the person opening it must hear: a token that was altered (403), one older
than its lifetime (410), one issued before its owner's links were revoked (410).

The timestamp comes from the core's Clock (not `time.time()`), so expiry is testable
and the simulated clock of `rehearse demo` issues links that open on its own database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from bot.ports import Clock

MANAGER, ENABLEMENT, REP = "manager", "enablement", "rep"
VIEWS = (MANAGER, ENABLEMENT, REP)
DEFAULT_LIFETIME = timedelta(days=7)
SALT = "rehearse.report-link.v1"  # a key derived for this use only: a token signed elsewhere never passes


class LinkError(Exception):
    """A link that opens nothing; `status` and `message` are what the page says."""

    status = 403
    title = "This link can't be opened"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LinkTampered(LinkError):
    status = 403
    title = "This link isn't valid"


class LinkForbidden(LinkError):
    status = 403
    title = "This page isn't yours to see"


class LinkExpired(LinkError):
    status = 410
    title = "This link has expired"


class LinkRevoked(LinkError):
    status = 410
    title = "This link was withdrawn"


class ReportsOff(LinkError):
    status = 503
    title = "Reports are switched off"


@dataclass(frozen=True)
class Grant:
    """What a verified link lets its holder see: one person's view, as it was issued."""

    person_id: int
    view: str
    period: date | None
    issued_at: datetime


class LinkSigner:
    """Issues and verifies report links for one SECRET_KEY and PUBLIC_URL."""

    def __init__(self, secret_key: str, public_url: str, clock: Clock,
                 lifetime: timedelta = DEFAULT_LIFETIME) -> None:
        if not secret_key:
            raise ReportsOff("Report links need a SECRET_KEY setting.")
        self.public_url = public_url.rstrip("/")
        self.lifetime = lifetime
        self.clock = clock

        class _ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock.now().timestamp())

        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT, signer=_ClockSigner)

    def token(self, person_id: int, view: str, period: date | None = None) -> str:
        if view not in VIEWS:
            raise ValueError(f"unknown report view {view!r}; use one of {', '.join(VIEWS)}")
        payload = {"p": person_id, "v": view, "d": period.isoformat() if period else None}
        return str(self._serializer.dumps(payload))

    def url(self, person_id: int, view: str, period: date | None = None) -> str:
        return f"{self.public_url}/reports/{self.token(person_id, view, period)}"

    def verify(self, token: str) -> Grant:
        """The grant a token carries; LinkTampered or LinkExpired when it carries none."""
        try:
            payload, issued = self._serializer.loads(token, max_age=int(self.lifetime.total_seconds()),
                                                     return_timestamp=True)
        except SignatureExpired:
            raise LinkExpired(f"Report links last {self.lifetime.days} days. Ask for a fresh one: press "
                              "“Open the full report” again, or use /progress.") from None
        except BadSignature:
            raise LinkTampered("The link was changed or cut short on its way here. Open it again from the "
                               "message it came in.") from None
        return _grant(payload, issued)


def _grant(payload: Any, issued: datetime) -> Grant:
    try:
        view = str(payload["v"])
        period = date.fromisoformat(payload["d"]) if payload.get("d") else None
        person_id = int(payload["p"])
    except (KeyError, TypeError, ValueError):
        # Signed by our key but not a shape we issue (an older format): treat as not valid, never guess.
        raise LinkTampered("This link is not one Rehearse hands out.") from None
    if view not in VIEWS:
        raise LinkTampered("This link is not one Rehearse hands out.")
    return Grant(person_id, view, period, issued.astimezone(UTC) if issued.tzinfo else
                 issued.replace(tzinfo=UTC))
