"""When a person's report links were last withdrawn (bot/reports/links.py refuses older ones).

Kept in the inbound-event ledger, which is exactly a unique key and a moment: one row
per person, `report-links-revoked:<person id>`, rewritten on each revocation. No table
of its own, so no migration.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete

from storage.db import Database
from storage.models import InboundEvent

_PREFIX = "report-links-revoked:"


class LinkRevocations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def revoke(self, person_id: int, now: datetime) -> None:
        """Every link of this person issued before `now` stops opening."""
        key = f"{_PREFIX}{person_id}"
        with self.db.session() as s:
            s.exec(delete(InboundEvent).where(InboundEvent.key == key))  # type: ignore[call-overload]
            s.add(InboundEvent(key=key, created_at=now))

    def revoked_at(self, person_id: int) -> datetime | None:
        with self.db.session() as s:
            row = s.get(InboundEvent, f"{_PREFIX}{person_id}")
            if row is None:
                return None
            at = row.created_at
            return at if at.tzinfo else at.replace(tzinfo=UTC)
