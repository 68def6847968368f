"""Privacy at the storage level: export a person's data, erase it, and purge by retention."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import col, select

from storage.audio_store import AudioStore
from storage.db import Database
from storage.models import (
    BehaviorScoreRecord,
    DigestRecord,
    InboundEvent,
    LlmUsage,
    Person,
    PracticeSession,
    PushLog,
    TurnRecord,
)
from storage.repos.sessions import lock_key


@dataclass(frozen=True)
class DigestScrub:
    """What erasing a person changed in stored digests, and the files written from them."""

    rewritten: int = 0  # digests that listed them as a rep: their row removed from the stored payload
    deleted: int = 0  # digests addressed to them as a manager
    digest_ids: tuple[int, ...] = ()  # every digest touched: its HTML report is stale
    manager_ids: tuple[int, ...] = ()  # whose charts and previews showed them
    chart_paths: tuple[str, ...] = field(default=())


def _row(obj: Any) -> dict[str, Any]:
    return obj.model_dump(mode="json")


class PrivacyRepo:
    def __init__(self, db: Database, audio: AudioStore) -> None:
        self.db = db
        self.audio = audio

    def export(self, person_id: int) -> dict[str, Any]:
        """Everything stored about one person, as JSON-ready data."""
        with self.db.session() as s:
            person = s.get(Person, person_id)
            if person is None:
                raise KeyError(person_id)
            sessions = s.exec(select(PracticeSession).where(PracticeSession.person_id == person_id)
                              .order_by(col(PracticeSession.offered_at))).all()
            ids = [x.id for x in sessions]
            turns = s.exec(select(TurnRecord).where(col(TurnRecord.session_id).in_(ids))
                           .order_by(col(TurnRecord.session_id), col(TurnRecord.seq))).all() if ids else []
            scores = s.exec(select(BehaviorScoreRecord).where(BehaviorScoreRecord.person_id == person_id)).all()
            pushes = s.exec(select(PushLog).where(PushLog.person_id == person_id)).all()
            usage = s.exec(select(LlmUsage).where(LlmUsage.person_id == person_id)).all()
            by_session: dict[str, list[dict[str, Any]]] = {}
            for t in turns:
                by_session.setdefault(t.session_id, []).append(_row(t))
            return {
                "person": _row(person),
                "sessions": [{**_row(x), "turns": by_session.get(x.id, [])} for x in sessions],
                "scores": [_row(x) for x in scores],
                "pushes": [_row(x) for x in pushes],
                "llm_usage": [_row(x) for x in usage],
            }

    def erase(self, person_id: int, now: datetime) -> dict[str, int]:
        """Remove a person's transcripts, audio, scores and sessions, and strip their profile.

        The person row stays as an anonymous tombstone so foreign keys and team
        counts hold; digests built afterwards no longer see any of their practice."""
        with self.db.session() as s:
            person = s.get(Person, person_id)
            if person is None:
                raise KeyError(person_id)
            ids = list(s.exec(select(PracticeSession.id).where(PracticeSession.person_id == person_id)).all())
            places = s.exec(select(PracticeSession.platform, PracticeSession.channel, PracticeSession.thread,
                                   PracticeSession.id).where(PracticeSession.person_id == person_id)).all()
            conversations = [lock_key(p, c or "", t, i) for p, c, t, i in places]
            refs = list(s.exec(select(TurnRecord.audio_ref).where(col(TurnRecord.session_id).in_(ids),
                                                                  col(TurnRecord.audio_ref).is_not(None))).all()) if ids else []
            counts = {
                "turns": _count(s.exec(delete(TurnRecord).where(col(TurnRecord.session_id).in_(ids)))) if ids else 0,  # type: ignore[call-overload]
                "scores": _count(s.exec(delete(BehaviorScoreRecord).where(BehaviorScoreRecord.person_id == person_id))),  # type: ignore[call-overload]
                "pushes": _count(s.exec(delete(PushLog).where(PushLog.person_id == person_id))),  # type: ignore[call-overload]
            }
            # Usage rows stay for cost accounting, but nothing in them may lead back to the person.
            mine = or_(col(LlmUsage.person_id) == person_id, col(LlmUsage.session_id).in_(ids or [""]))
            counts["usage_rows"] = _count(s.exec(update(LlmUsage).where(mine)  # type: ignore[call-overload]
                                                 .values(person_id=None, session_id=None)))
            # Messages received but not yet handled hold their text in the event ledger: drop it too.
            counts["received_messages"] = _count(s.exec(update(InboundEvent).where(  # type: ignore[call-overload]
                col(InboundEvent.conversation).in_(conversations or [""]), col(InboundEvent.payload).is_not(None))
                .values(payload=None)))
            counts["sessions"] = _count(s.exec(delete(PracticeSession).where(PracticeSession.person_id == person_id)))  # type: ignore[call-overload]
            person.display_name = "deleted person"
            person.email = None
            person.platform_user_id = f"deleted-{person.id}"
            person.dm_channel_id = None
            person.deleted_at = now
            s.add(person)
        for ref in refs:
            self.audio.delete(ref)  # after the commit: a failed delete leaves a file, never a dangling row
        counts["audio_files"] = len(refs)
        return counts

    def scrub_digests(self, person_id: int) -> DigestScrub:
        """Take a person out of every stored digest: their rep row (name, scores, coaching line) leaves
        the payload, and digests addressed to them as a manager are deleted.

        Payloads are JSON, filtered here rather than in SQL so SQLite and PostgreSQL agree;
        erasure is rare and a digest row is a few kilobytes."""
        rewritten = deleted = 0
        touched: list[int] = []
        managers: set[int] = set()
        charts: list[str] = []
        with self.db.session() as s:
            for record in s.exec(select(DigestRecord)).all():
                reps = record.payload.get("reps") or []
                listed = any(r.get("person_id") == person_id for r in reps)
                if record.manager_id != person_id and not listed:
                    continue
                assert record.id is not None
                touched.append(record.id)
                managers.add(record.manager_id)
                if record.chart_path:
                    charts.append(record.chart_path)
                if record.manager_id == person_id:
                    s.delete(record)
                    deleted += 1
                    continue
                record.payload = {**record.payload, "reps": [r for r in reps if r.get("person_id") != person_id]}
                record.chart_path = None  # the chart drew their row: it is drawn again from the payload
                s.add(record)
                rewritten += 1
        return DigestScrub(rewritten, deleted, tuple(touched), tuple(sorted(managers)), tuple(charts))

    def purge_audio(self, before: datetime) -> int:
        """Delete voice clips older than `before`; their transcripts and scores stay."""
        with self.db.session() as s:
            rows = list(s.exec(select(TurnRecord.id, TurnRecord.audio_ref).where(
                col(TurnRecord.audio_ref).is_not(None), col(TurnRecord.created_at) < before)).all())
            if rows:
                s.exec(update(TurnRecord).where(col(TurnRecord.id).in_([r[0] for r in rows]))  # type: ignore[call-overload]
                       .values(audio_ref=None))
        for _, ref in rows:
            self.audio.delete(ref)
        return len(rows)

    def purge_transcripts(self, before: datetime, now: datetime) -> int:
        """Blank the text of finished sessions' turns older than `before`; aggregate scores stay."""
        with self.db.session() as s:
            closed = select(PracticeSession.id).where(col(PracticeSession.state).not_in(("offered", "started")))
            result = s.exec(update(TurnRecord).where(  # type: ignore[call-overload]
                col(TurnRecord.created_at) < before, col(TurnRecord.text).is_not(None),
                col(TurnRecord.session_id).in_(closed)).values(text=None, purged_at=now))
            return _count(result)


def _count(result: Any) -> int:
    return int(result.rowcount or 0)
