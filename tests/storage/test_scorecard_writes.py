"""Closing a scored session: the rep's recent scores read in one query, the scores and the closed
session written in one transaction (issue #26), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from storage import Repositories
from storage.models import BehaviorScoreRecord, PracticeSession, TurnRecord

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _session(repos: Repositories, person_id: int, at: datetime) -> str:
    session_id = str(uuid.uuid4())
    repos.sessions.open(
        PracticeSession(id=session_id, person_id=person_id, scenario_id="discovery", scenario_version=1,
                        state="started", platform="slack", workspace="T1", channel="D1", thread=session_id,
                        offered_at=at, last_activity_at=at, expires_at=at + timedelta(days=1)),
        TurnRecord(session_id=session_id, seq=1, speaker="buyer", text="Hello.", engine="offline", created_at=at),
    )
    return session_id


def _score(session_id: str, person_id: int, behavior: str, score: int, at: datetime) -> BehaviorScoreRecord:
    return BehaviorScoreRecord(session_id=session_id, person_id=person_id, behavior=behavior, score=score,
                               detected=score >= 50, evidence=[f"quote {score}"],
                               feedback={"went_well": "", "try_next": "ask", "rewrite": ""}, created_at=at)


def test_recent_scores_come_back_per_behavior_newest_first_and_only_the_reps_own(repos: Repositories) -> None:
    dana, _ = repos.people.ensure_person("slack", "T1", "U0DANA", START, "Dana", "Europe/London")
    sam, _ = repos.people.ensure_person("slack", "T1", "U0SAM", START, "Sam", "Europe/London")
    for day in range(5):
        at = START + timedelta(days=day)
        mine, theirs = _session(repos, dana.id, at), _session(repos, sam.id, at)  # type: ignore[arg-type]
        repos.sessions.save_scores([_score(mine, dana.id, "empathy", 10 + day, at),  # type: ignore[arg-type]
                                    _score(mine, dana.id, "concise", 60 + day, at),  # type: ignore[arg-type]
                                    _score(theirs, sam.id, "empathy", 99, at)])  # type: ignore[arg-type]
    before = START + timedelta(days=4)  # the fifth day's session is the one being scored
    recent = repos.sessions.recent_scores_by_behavior(dana.id, ["empathy", "concise", "paraphrase"], 3,  # type: ignore[arg-type]
                                                      before=before)
    assert recent == {"empathy": [13, 12, 11], "concise": [63, 62, 61], "paraphrase": []}
    fewer = repos.sessions.recent_scores_by_behavior(dana.id, ["concise"], 2, before=START + timedelta(days=3))  # type: ignore[arg-type]
    assert fewer == {"concise": [62, 61]}


def test_a_scored_session_is_closed_with_its_scores_in_one_transaction(repos: Repositories) -> None:
    dana, _ = repos.people.ensure_person("slack", "T1", "U0DANA", START, "Dana", "Europe/London")
    session_id = _session(repos, dana.id, START)  # type: ignore[arg-type]
    finished = START + timedelta(minutes=9)
    repos.sessions.close_scored(session_id, [_score(session_id, dana.id, "empathy", 72, finished)],  # type: ignore[arg-type]
                                state="finished", finished_at=finished, judge_engine="offline")
    session = repos.sessions.get(session_id)
    assert session is not None
    assert (session.state, session.finished_at, session.judge_engine) == ("finished", finished, "offline")
    [stored] = repos.sessions.scores_for_session(session_id)
    assert (stored.behavior, stored.score, stored.detected, stored.evidence, stored.feedback["try_next"]) == (
        "empathy", 72, True, ["quote 72"], "ask")
