"""The inbound-event ledger: a platform retry or gateway replay becomes a no-op, and an acknowledged
event is kept until it has been handled.

`receive` stores an event with its content in the same insert that deduplicates it, so an event
acknowledged to the platform survives `kill -9` (issue #18, item 8); `unfinished` hands such events
back on start. A handled event's content is dropped by `finish`. Turns are marked finished
write-behind, in one UPDATE per FLUSH_S of traffic rather than one per turn (issue #26): a mark lost
in a crash only makes the next start look at that event again, and a turn is recognised by the event
id it stores, so it is never answered twice.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database
from storage.models import InboundEvent

FLUSH_S = 1.0
FLUSH_CHUNK = 500  # keys per UPDATE: well under every driver's bound-parameter limit
# Core, not the ORM: an acknowledgement should not pay for a unit of work (~1 ms of CPU each, issue #26).
_EVENTS = InboundEvent.__table__  # type: ignore[attr-defined]
_RECEIVE = insert(_EVENTS)
# The ORM's UPDATE first looks for matching objects in its session to keep them in step ("synchronize
# session"): ~0.5 ms of CPU per flush for objects that never exist here; every `done` flushes (issue #26).
_CLEAR = update(_EVENTS).where(_EVENTS.c.key.in_(bindparam("keys", expanding=True))).values(payload=None)


class EventLedger:
    def __init__(self, db: Database, flush_s: float = FLUSH_S) -> None:
        self.db = db
        self.flush_s = flush_s
        self._guard = threading.Lock()
        self._finished: list[str] = []
        self._flushed_at = time.monotonic()

    def claim(self, key: str, now: datetime) -> bool:
        """True the first time a key is seen, False for every later delivery of it.

        The primary key makes this atomic across threads and processes."""
        return self.receive(key, None, now)

    def receive(self, key: str, payload: dict[str, Any] | None, now: datetime, *, conversation: str | None = None,
                sent_at: datetime | None = None) -> bool:
        """Like `claim`, keeping the event's content until `finish`; one INSERT either way."""
        row = {"key": key[:200], "created_at": now, "payload": payload, "conversation": conversation,
               "sent_at": sent_at}
        try:
            self._execute_one(_RECEIVE, row)
            return True
        except IntegrityError:
            return False

    def _execute_one(self, statement: Any, params: dict[str, Any]) -> None:
        """One statement, committed (durable) when this returns."""
        if self.db.is_postgres:
            # One statement is atomic on its own: autocommit spares PostgreSQL's BEGIN and COMMIT
            # round trips (three became one, on the acknowledgement's path).
            with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(statement, params)
        else:
            # In-process SQLite has no round trips to spare, and switching a pooled connection to
            # autocommit and back cost more (~45 µs of CPU) than its BEGIN and COMMIT.
            with self.db.engine.connect() as connection:
                connection.execute(statement, params)
                connection.commit()

    def release(self, key: str) -> None:
        """Forget a claim whose processing failed, so the platform's retry is handled."""
        with self.db.session() as s:
            s.exec(delete(InboundEvent).where(InboundEvent.key == key[:200]))  # type: ignore[call-overload]

    def finish(self, key: str, *, later: bool = False) -> None:
        """The event was handled: drop its content. `later` batches the mark (see the module docstring);
        use it only where handling the event again would find its own trace and do nothing."""
        with self._guard:
            self._finished.append(key[:200])
            due = not later or time.monotonic() - self._flushed_at >= self.flush_s
        if due:
            self.flush()

    def flush(self) -> int:
        """Write every pending finished mark now (also on shutdown); returns how many."""
        with self._guard:
            keys, self._finished = self._finished, []
            self._flushed_at = time.monotonic()
        for start in range(0, len(keys), FLUSH_CHUNK):
            self._execute_one(_CLEAR, {"keys": keys[start:start + FLUSH_CHUNK]})
        return len(keys)

    def unfinished(self, since: datetime, limit: int = 10_000) -> list[InboundEvent]:
        """Events received since `since` that still hold their content, oldest first."""
        with self.db.session() as s:
            return list(s.exec(
                select(InboundEvent)
                .where(col(InboundEvent.payload).is_not(None), col(InboundEvent.created_at) >= since)
                .order_by(col(InboundEvent.created_at))
                .limit(limit)
            ).all())

    def backlog(self) -> int:
        """How many received events still hold their content (acknowledged, not yet handled or marked)."""
        with self.db.session() as s:
            return int(s.exec(select(func.count()).select_from(InboundEvent)  # type: ignore[call-overload]
                              .where(col(InboundEvent.payload).is_not(None))).one())

    def prune(self, before: datetime) -> int:
        """Delete ledger rows older than `before` (a retry or replay never comes that late)."""
        with self.db.session() as s:
            result = s.exec(delete(InboundEvent).where(InboundEvent.created_at < before))  # type: ignore[call-overload]
            return int(result.rowcount or 0)
