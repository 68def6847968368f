"""The figures on the App Home, computed from storage on SQLite and PostgreSQL: a rep's weekly
streak and sessions this week (in their own time zone), per-behavior trends, a manager's team."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from storage import Repositories
from storage.models import BehaviorScoreRecord, Person, PracticeSession
from storage.repos.progress import ProgressRepo

# Monday 23 November 2026, 09:00 UTC.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _rep(repos: Repositories, user: str, tz: str = "Europe/London") -> Person:
    person, _ = repos.people.ensure_person("slack", "T1", user, NOW - timedelta(days=90), user, tz)
    return person


def _finished(repos: Repositories, person: Person, at: datetime, scores: dict[str, int] | None = None) -> None:
    session_id = str(uuid.uuid4())
    repos.sessions.create(PracticeSession(
        id=session_id, person_id=person.id, scenario_id="pricing-objection", state="finished",  # type: ignore[arg-type]
        platform="slack", workspace="T1", offered_at=at, last_activity_at=at, finished_at=at))
    repos.sessions.save_scores([
        BehaviorScoreRecord(session_id=session_id, person_id=person.id, behavior=b, score=s, detected=s >= 50,  # type: ignore[arg-type]
                            created_at=at) for b, s in (scores or {}).items()])


def test_a_weekly_streak_counts_back_from_this_week_or_last(repos: Repositories) -> None:
    progress = ProgressRepo(repos.db)
    rep = _rep(repos, "U1")
    for weeks_ago in (1, 2, 3, 5):  # a gap four weeks ago ends the streak
        _finished(repos, rep, NOW - timedelta(weeks=weeks_ago))
    figures = progress.of(rep, NOW)
    assert figures.week_streak == 3 and figures.sessions_this_week == 0  # alive until Sunday
    _finished(repos, rep, NOW - timedelta(hours=1))
    figures = progress.of(rep, NOW)
    assert figures.week_streak == 4 and figures.sessions_this_week == 1
    assert figures.last_practised == NOW - timedelta(hours=1)


def test_this_week_is_the_reps_own_week(repos: Repositories) -> None:
    progress = ProgressRepo(repos.db)
    sydney, london = _rep(repos, "U-syd", "Australia/Sydney"), _rep(repos, "U-lon", "Europe/London")
    sunday_evening_utc = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # already Monday 02:00 in Sydney
    _finished(repos, sydney, sunday_evening_utc)
    _finished(repos, london, sunday_evening_utc)
    assert progress.of(sydney, NOW).sessions_this_week == 1
    assert progress.of(london, NOW).sessions_this_week == 0


def test_trends_list_each_behavior_oldest_score_first_most_recent_behavior_first(repos: Repositories) -> None:
    progress = ProgressRepo(repos.db)
    rep = _rep(repos, "U1")
    for days, score in ((9, 40), (6, 55), (2, 70)):
        _finished(repos, rep, NOW - timedelta(days=days), {"open_question": score})
    _finished(repos, rep, NOW - timedelta(days=1), {"empathy": 62})
    trends = progress.trends(rep.id, limit=2)  # type: ignore[arg-type]
    assert [(t.behavior, t.scores) for t in trends] == [("empathy", (62,)), ("open_question", (55, 70))]


def test_a_managers_glance_has_a_line_per_report(repos: Repositories) -> None:
    progress = ProgressRepo(repos.db)
    keen, quiet = _rep(repos, "U-keen"), _rep(repos, "U-quiet")
    _finished(repos, keen, NOW - timedelta(hours=2), {"open_question": 80, "paraphrase": 60})
    _finished(repos, keen, NOW - timedelta(weeks=1), {"open_question": 70})
    lines = {g.name: g for g in progress.team_glance([keen, quiet], NOW)}
    assert lines["U-keen"].sessions_this_week == 1 and lines["U-keen"].week_streak == 2
    assert lines["U-keen"].average_recent == 70
    assert lines["U-quiet"].sessions_this_week == 0 and lines["U-quiet"].last_practised is None
