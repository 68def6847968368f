"""Practice sessions, their turns and their behavior scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database
from storage.models import BehaviorScoreRecord, PracticeSession, ScenarioRecord, TurnRecord

OPEN_STATES = ("offered", "started")


class SessionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ---- sessions ---------------------------------------------------------

    def create(self, session: PracticeSession) -> PracticeSession:
        with self.db.session() as s:
            s.add(session)
            return session

    def get(self, session_id: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.get(PracticeSession, session_id)

    def find_by_thread(self, platform: str, channel: str, thread: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.exec(
                select(PracticeSession)
                .where(
                    PracticeSession.platform == platform,
                    PracticeSession.channel == channel,
                    PracticeSession.thread == thread,
                )
                .order_by(col(PracticeSession.offered_at).desc())
            ).first()

    def find_by_push_key(self, push_key: str) -> PracticeSession | None:
        with self.db.session() as s:
            return s.exec(select(PracticeSession).where(PracticeSession.push_key == push_key)).first()

    def update(self, session_id: str, **changes: Any) -> PracticeSession:
        return self.db.update(PracticeSession, session_id, **changes)

    def open_sessions(self, person_id: int | None = None) -> list[PracticeSession]:
        with self.db.session() as s:
            q = select(PracticeSession).where(col(PracticeSession.state).in_(OPEN_STATES))
            if person_id is not None:
                q = q.where(PracticeSession.person_id == person_id)
            return list(s.exec(q.order_by(col(PracticeSession.offered_at))).all())

    def sessions_of(self, person_id: int, limit: int = 50) -> list[PracticeSession]:
        with self.db.session() as s:
            return list(
                s.exec(
                    select(PracticeSession)
                    .where(PracticeSession.person_id == person_id)
                    .order_by(col(PracticeSession.offered_at).desc())
                    .limit(limit)
                ).all()
            )

    def finished_count_since(self, person_id: int, since: datetime) -> int:
        with self.db.session() as s:
            return int(
                s.exec(
                    select(func.count())
                    .select_from(PracticeSession)
                    .where(
                        PracticeSession.person_id == person_id,
                        PracticeSession.state == "finished",
                        col(PracticeSession.finished_at) >= since,
                    )
                ).one()
            )

    def state_counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.exec(select(PracticeSession.state, func.count()).group_by(PracticeSession.state)).all()
            return {state: int(n) for state, n in rows}

    # ---- turns ------------------------------------------------------------

    def add_turn(self, turn: TurnRecord) -> TurnRecord:
        with self.db.session() as s:
            s.add(turn)
            return turn

    def mark_turn_sent(self, session_id: str, seq: int, when: datetime) -> None:
        with self.db.session() as s:
            s.execute(update(TurnRecord).where(TurnRecord.session_id == session_id, TurnRecord.seq == seq)
                      .values(sent_at=when))

    def add_turns(self, turns: Iterable[TurnRecord]) -> None:
        with self.db.session() as s:
            s.add_all(list(turns))

    def turns(self, session_id: str) -> list[TurnRecord]:
        with self.db.session() as s:
            return list(
                s.exec(select(TurnRecord).where(TurnRecord.session_id == session_id).order_by(col(TurnRecord.seq))).all()
            )

    def next_seq(self, session_id: str) -> int:
        with self.db.session() as s:
            current = s.exec(select(func.max(TurnRecord.seq)).where(TurnRecord.session_id == session_id)).one()
            return int(current or 0) + 1

    # ---- scores -----------------------------------------------------------

    def save_scores(self, rows: Sequence[BehaviorScoreRecord]) -> None:
        with self.db.session() as s:
            s.add_all(list(rows))

    def scores_for_session(self, session_id: str) -> list[BehaviorScoreRecord]:
        with self.db.session() as s:
            return list(s.exec(select(BehaviorScoreRecord).where(BehaviorScoreRecord.session_id == session_id)).all())

    def recent_scores(self, person_id: int, behavior: str, limit: int = 5, before: datetime | None = None) -> list[int]:
        """The rep's latest scores on a behavior, newest first (for 'progress versus last sessions')."""
        with self.db.session() as s:
            q = select(BehaviorScoreRecord.score).where(
                BehaviorScoreRecord.person_id == person_id, BehaviorScoreRecord.behavior == behavior
            )
            if before is not None:
                q = q.where(col(BehaviorScoreRecord.created_at) < before)
            return list(s.exec(q.order_by(col(BehaviorScoreRecord.created_at).desc()).limit(limit)).all())

    def scores_of_person(self, person_id: int) -> list[BehaviorScoreRecord]:
        with self.db.session() as s:
            return list(
                s.exec(
                    select(BehaviorScoreRecord)
                    .where(BehaviorScoreRecord.person_id == person_id)
                    .order_by(col(BehaviorScoreRecord.created_at))
                ).all()
            )


class ScenarioRepo:
    """Scenario versions as sessions saw them; a changed YAML gets a new version row."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._versions: dict[tuple[str, str], int] = {}  # (id, checksum) -> version: a stored version never changes

    def record(self, scenario_id: str, title: str, kind: str, behaviors: list[str], checksum: str,
               body: dict[str, Any], now: datetime) -> int:
        known = self._versions.get((scenario_id, checksum))
        if known is None:
            known = self._versions[(scenario_id, checksum)] = self._record(
                scenario_id, title, kind, behaviors, checksum, body, now)
        return known

    def _record(self, scenario_id: str, title: str, kind: str, behaviors: list[str], checksum: str,
                body: dict[str, Any], now: datetime) -> int:
        for _ in range(3):
            try:
                with self.db.session() as s:
                    rows = list(s.exec(select(ScenarioRecord).where(ScenarioRecord.id == scenario_id)).all())
                    for row in rows:
                        if row.checksum == checksum:
                            return row.version
                    version = max((r.version for r in rows), default=0) + 1
                    s.add(ScenarioRecord(id=scenario_id, version=version, title=title, kind=kind,
                                         behaviors=behaviors, checksum=checksum, body=body, loaded_at=now))
                    return version
            except IntegrityError:  # two sessions of a new version started at once; the re-read finds theirs
                continue
        raise RuntimeError(f"could not record a version of scenario {scenario_id}")

    def get(self, scenario_id: str, version: int) -> ScenarioRecord | None:
        with self.db.session() as s:
            return s.get(ScenarioRecord, (scenario_id, version))
