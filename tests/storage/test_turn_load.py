"""A turn's unit of work reads back exactly what was stored (issue #26).

On PostgreSQL the session, its owner and its turns come back in one row, the
turns as one JSON array; these tests hold that read equal, field by field, to
what the ORM reads from the same rows, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from storage import Repositories
from storage.models import PracticeSession, TurnRecord
from storage.repos.sessions import NewTurn, lock_key

TURN_FIELDS = ("seq", "speaker", "text", "engine", "audio_ref", "audio_duration_s", "delivery", "latency_s",
               "event_id", "created_at", "sent_at")
START = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


def _session(repos: Repositories, thread: str) -> str:
    person, _ = repos.people.ensure_person("slack", "T1", "U0DANA", START, "Dana", "Europe/London")
    session_id = str(uuid.uuid4())
    repos.sessions.open(
        PracticeSession(id=session_id, person_id=person.id, scenario_id="discovery", scenario_version=2,  # type: ignore[arg-type]
                        state="offered", platform="slack", workspace="T1", channel="D1", thread=thread,
                        buyer_state={"revealed": ["budget"], "mood": 0.5, "voice": False}, offered_at=START,
                        last_activity_at=START, expires_at=START + timedelta(days=1)),
        TurnRecord(session_id=session_id, seq=1, speaker="buyer", text="Hi — where shall we start?",
                   engine="offline", created_at=START, sent_at=START),
    )
    return session_id


def test_a_turn_reads_back_its_session_and_turns_as_stored(repos: Repositories) -> None:
    session_id = _session(repos, "1700000000.000100")
    key = lock_key("slack", "D1", "1700000000.000100", "")
    said = START + timedelta(seconds=42, microseconds=7)
    with repos.sessions.work(key) as work:
        loaded = work.load_thread("slack", "D1", "1700000000.000100")
        assert loaded is not None
        work.record(loaded.session, [
            NewTurn(session_id=session_id, seq=2, speaker="rep", text='Naïve "quotes", a tab\tand 😀 emoji?',
                    engine="pocketsphinx", audio_ref="clips/2.webm", audio_duration_s=3.25,
                    delivery={"pace_wpm": 151.5, "fillers": ["um"], "pauses": 2}, latency_s=12.0,
                    event_id="Ev0REP2", created_at=said),
            NewTurn(session_id=session_id, seq=3, speaker="buyer", text=None, engine="offline",
                    created_at=said + timedelta(milliseconds=3)),  # unsent, and its text purged
        ], state="started", started_at=said, last_activity_at=said, buyer_state={"revealed": [], "voice": True})

    with repos.sessions.work(key) as work:
        by_thread = work.load_thread("slack", "D1", "1700000000.000100")
        by_id = work.load(session_id)
    stored = repos.sessions.turns(session_id)
    row = repos.sessions.get(session_id)
    assert row is not None
    for loaded in (by_thread, by_id):
        assert loaded is not None
        assert (loaded.owner_platform, loaded.owner_user_id) == ("slack", "U0DANA")
        assert loaded.session.model_dump() == row.model_dump()
        assert [tuple(getattr(t, f) for f in TURN_FIELDS) for t in loaded.turns] == \
            [tuple(getattr(t, f) for f in TURN_FIELDS) for t in stored]
    assert by_thread is not None
    rep = by_thread.turns[1]
    assert rep.created_at == said and rep.created_at.tzinfo is not None
    assert rep.delivery == {"pace_wpm": 151.5, "fillers": ["um"], "pauses": 2}
    assert by_thread.turns[2].sent_at is None and by_thread.turns[2].text is None


def test_a_session_without_turns_loads_with_none(repos: Repositories) -> None:
    session_id = _session(repos, "1700000000.000200")
    with repos.db.engine.begin() as connection:
        connection.execute(TurnRecord.__table__.delete())  # type: ignore[attr-defined]
    with repos.sessions.work(lock_key("slack", "D1", "1700000000.000200", "")) as work:
        loaded = work.load(session_id)
        missing = work.load_thread("slack", "D1", "no-such-thread")
    assert loaded is not None and loaded.turns == [] and loaded.session.state == "offered"
    assert missing is None
