"""The inbound-event ledger: a platform retry or gateway replay becomes a no-op."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import InboundEvent


class EventLedger:
    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(self, key: str, now: datetime) -> bool:
        """True the first time a key is seen, False for every later delivery of it.

        The primary key makes this atomic across threads and processes."""
        try:
            with self.db.session() as s:
                s.add(InboundEvent(key=key[:200], created_at=now))
            return True
        except IntegrityError:
            return False

    def release(self, key: str) -> None:
        """Forget a claim whose processing failed, so the platform's retry is handled."""
        with self.db.session() as s:
            s.exec(delete(InboundEvent).where(InboundEvent.key == key[:200]))  # type: ignore[call-overload]

    def prune(self, before: datetime) -> int:
        with self.db.session() as s:
            result = s.exec(delete(InboundEvent).where(InboundEvent.created_at < before))  # type: ignore[call-overload]
            return int(result.rowcount or 0)
