"""Read-only progress figures for the App Home: streaks, this week's sessions, behavior trends, teams.

Weeks are the person's own local weeks (Monday to Sunday in their time zone), so
a rep in Sydney and one in London each see their own week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import col, select

from storage.db import Database
from storage.models import BehaviorScoreRecord, Person, PracticeSession

STREAK_LOOKBACK_WEEKS = 104


@dataclass(frozen=True)
class BehaviorTrend:
    behavior: str
    scores: tuple[int, ...]  # oldest first, at most `limit` of them

    @property
    def latest(self) -> int:
        return self.scores[-1]


@dataclass(frozen=True)
class RepProgress:
    person_id: int
    week_streak: int  # consecutive local weeks with a finished session, this one or last one included
    sessions_this_week: int
    last_practised: datetime | None
    trends: tuple[BehaviorTrend, ...]


@dataclass(frozen=True)
class MemberGlance:
    person_id: int
    name: str
    team_id: int | None
    sessions_this_week: int
    week_streak: int
    last_practised: datetime | None
    average_recent: float | None  # mean of the last few scores over every behavior
    snoozed_until: date | None = None


class ProgressRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def of(self, person: Person, now: datetime, trend_limit: int = 5) -> RepProgress:
        finished = self._finished_at(person.id, now - timedelta(weeks=STREAK_LOOKBACK_WEEKS))  # type: ignore[arg-type]
        tz = _zone(person.tz)
        return RepProgress(
            person_id=person.id,  # type: ignore[arg-type]
            week_streak=week_streak(finished, now, tz),
            sessions_this_week=sum(1 for t in finished if t >= week_start(now, tz)),
            last_practised=max(finished) if finished else None,
            trends=self.trends(person.id, trend_limit),  # type: ignore[arg-type]
        )

    def trends(self, person_id: int, limit: int = 5) -> tuple[BehaviorTrend, ...]:
        """Each behavior the rep has been scored on, most recently practised first."""
        with self.db.session() as s:
            rows = s.exec(
                select(BehaviorScoreRecord.behavior, BehaviorScoreRecord.score, BehaviorScoreRecord.created_at)
                .where(BehaviorScoreRecord.person_id == person_id)
                .order_by(col(BehaviorScoreRecord.created_at), col(BehaviorScoreRecord.id))
            ).all()
        by_behavior: dict[str, list[int]] = defaultdict(list)
        last_seen: dict[str, datetime] = {}
        for behavior, score, created in rows:
            by_behavior[behavior].append(score)
            last_seen[behavior] = created
        order = sorted(by_behavior, key=lambda b: last_seen[b], reverse=True)
        return tuple(BehaviorTrend(b, tuple(by_behavior[b][-limit:])) for b in order)

    def team_glance(self, members: list[Person], now: datetime, recent: int = 5) -> list[MemberGlance]:
        """A line per person for a manager: this week, streak, last practice, recent average."""
        if not members:
            return []
        ids = [m.id for m in members]
        since = now - timedelta(weeks=STREAK_LOOKBACK_WEEKS)
        with self.db.session() as s:
            finished_rows = s.exec(
                select(PracticeSession.person_id, PracticeSession.finished_at)
                .where(col(PracticeSession.person_id).in_(ids), PracticeSession.state == "finished",
                       col(PracticeSession.finished_at) >= since)
            ).all()
            score_rows = s.exec(
                select(BehaviorScoreRecord.person_id, BehaviorScoreRecord.score)
                .where(col(BehaviorScoreRecord.person_id).in_(ids))
                .order_by(col(BehaviorScoreRecord.created_at).desc())
            ).all()
        finished: dict[int, list[datetime]] = defaultdict(list)
        for person_id, at in finished_rows:
            if at is not None:
                finished[person_id].append(_aware(at))
        scores: dict[int, list[int]] = defaultdict(list)
        for person_id, score in score_rows:
            if len(scores[person_id]) < recent:
                scores[person_id].append(score)
        out = []
        for m in members:
            tz = _zone(m.tz)
            times = finished.get(m.id, [])  # type: ignore[arg-type]
            recent_scores = scores.get(m.id, [])  # type: ignore[arg-type]
            out.append(MemberGlance(
                person_id=m.id,  # type: ignore[arg-type]
                name=m.display_name,
                team_id=m.team_id,
                sessions_this_week=sum(1 for t in times if t >= week_start(now, tz)),
                week_streak=week_streak(times, now, tz),
                last_practised=max(times) if times else None,
                average_recent=sum(recent_scores) / len(recent_scores) if recent_scores else None,
                snoozed_until=m.snoozed_until,
            ))
        return out

    def _finished_at(self, person_id: int, since: datetime) -> list[datetime]:
        with self.db.session() as s:
            rows = s.exec(
                select(PracticeSession.finished_at)
                .where(PracticeSession.person_id == person_id, PracticeSession.state == "finished",
                       col(PracticeSession.finished_at) >= since)
            ).all()
        return [_aware(t) for t in rows if t is not None]


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 of `now`'s week in the person's time zone, as an aware datetime."""
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=tz)


def week_streak(finished: list[datetime], now: datetime, tz: ZoneInfo) -> int:
    """Consecutive local weeks with at least one finished session.

    This week counts if it has one; if it has none yet the streak is still alive
    from last week (the rep has until Sunday)."""
    weeks = {_week_index(t, tz) for t in finished}
    current = _week_index(now, tz)
    start = current if current in weeks else current - 1
    streak = 0
    while start - streak in weeks:
        streak += 1
    return streak


def _week_index(t: datetime, tz: ZoneInfo) -> int:
    local = t.astimezone(tz).date()
    return (local.toordinal() - local.weekday()) // 7


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)
