"""Storage on both databases: migrations, people, the event ledger, sessions."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect

from storage import Repositories
from storage.migrate import HEAD_REVISION, alembic_config, current_revision
from storage.models import PracticeSession, TurnRecord

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_migrations_create_every_table(repos: Repositories) -> None:
    tables = set(inspect(repos.db.engine).get_table_names())
    assert {"workspace", "team", "person", "scenario", "cadence", "practice_session", "turn", "behavior_score",
            "push_log", "digest", "inbound_event", "llm_usage"} <= tables
    assert current_revision(repos.db) is not None


def test_migrating_twice_is_harmless(db_url: str) -> None:
    Repositories.open(db_url).db.dispose()
    again = Repositories.open(db_url)
    assert current_revision(again.db) is not None
    again.db.dispose()


def test_migrations_bring_a_database_to_the_head_revision_the_code_names(repos: Repositories) -> None:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head == HEAD_REVISION, f"a migration was added: set storage.migrate.HEAD_REVISION to {head!r}"
    assert current_revision(repos.db) == HEAD_REVISION


def test_opening_a_database_at_head_does_not_load_alembic(tmp_path: Path) -> None:
    # Alembic is 10 MB and 0.1 s of every start: a database already migrated is recognised by one query.
    url = f"sqlite:///{tmp_path / 'at-head.db'}"
    Repositories.open(url).db.dispose()
    code = ("import sys; from storage import Repositories; "
            f"Repositories.open({url!r}).db.dispose(); print('alembic' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False"]


def test_a_person_is_created_once_on_first_contact(repos: Repositories) -> None:
    a, created = repos.people.ensure_person("slack", "T1", "U1", NOW, "Ana", "Europe/Berlin")
    b, created_again = repos.people.ensure_person("slack", "T1", "U1", NOW, "Ana B.")
    assert created and not created_again and a.id == b.id and b.tz == "Europe/Berlin"
    other, _ = repos.people.ensure_person("slack", "T2", "U1", NOW)
    assert other.id != a.id  # same user id in another workspace is another person


def test_the_event_ledger_accepts_a_key_once(repos: Repositories) -> None:
    assert repos.events.claim("slack:Ev1", NOW)
    assert not repos.events.claim("slack:Ev1", NOW)
    repos.events.release("slack:Ev1")
    assert repos.events.claim("slack:Ev1", NOW)


def test_the_event_ledger_keeps_a_received_event_until_it_is_handled_and_forgets_old_ones(
        repos: Repositories) -> None:
    from datetime import timedelta

    payload = {"text": "What's driving this?"}
    repos.events.flush_s = 3600  # no time-based flush during the test, however slow the machine
    assert repos.events.receive("slack:Ev1", payload, NOW, conversation="thread:slack:D1:171.1", sent_at=NOW)
    assert not repos.events.receive("slack:Ev1", payload, NOW)  # Slack's retry of a stored event
    assert repos.events.receive("slack:Ev2", payload, NOW + timedelta(seconds=5))
    assert [e.key for e in repos.events.unfinished(NOW - timedelta(days=1))] == ["slack:Ev1", "slack:Ev2"]
    repos.events.finish("slack:Ev1")  # written at once
    repos.events.finish("slack:Ev2", later=True)  # batched: still pending until the next flush
    assert [e.key for e in repos.events.unfinished(NOW - timedelta(days=1))] == ["slack:Ev2"]
    assert repos.events.flush() == 1
    assert repos.events.unfinished(NOW - timedelta(days=1)) == []
    assert not repos.events.claim("slack:Ev1", NOW)  # handled events still deduplicate
    assert repos.events.prune(NOW + timedelta(seconds=1)) == 1  # only the older one goes
    assert repos.events.claim("slack:Ev1", NOW) and not repos.events.claim("slack:Ev2", NOW)


def test_sessions_are_found_by_their_thread_and_keep_their_turns(repos: Repositories) -> None:
    person, _ = repos.people.ensure_person("slack", "T1", "U1", NOW)
    repos.sessions.create(PracticeSession(id="s1", person_id=person.id, scenario_id="x", platform="slack",  # type: ignore[arg-type]
                                          workspace="T1", channel="D1", thread="171.1", offered_at=NOW,
                                          last_activity_at=NOW, buyer_state={"trust": 1}))
    repos.sessions.add_turn(TurnRecord(session_id="s1", seq=1, speaker="buyer", text="Hi", created_at=NOW))
    repos.sessions.add_turn(TurnRecord(session_id="s1", seq=2, speaker="rep", text="Hello 🙂", created_at=NOW,
                                       delivery={"words_per_minute": 150.0}))
    found = repos.sessions.find_by_thread("slack", "D1", "171.1")
    assert found is not None and found.buyer_state == {"trust": 1}
    turns = repos.sessions.turns("s1")
    assert [t.text for t in turns] == ["Hi", "Hello 🙂"] and turns[1].delivery == {"words_per_minute": 150.0}
    assert turns[0].created_at.tzinfo is not None
    assert [s.id for s in repos.sessions.open_sessions()] == ["s1"]


def test_scenario_versions_change_only_when_the_content_does(repos: Repositories) -> None:
    v1 = repos.scenarios.record("x", "X", "practice", ["empathy"], "aaa", {"a": 1}, NOW)
    assert repos.scenarios.record("x", "X", "practice", ["empathy"], "aaa", {"a": 1}, NOW) == v1
    assert repos.scenarios.record("x", "X", "practice", ["empathy"], "bbb", {"a": 2}, NOW) == v1 + 1


def test_deleting_a_person_drops_the_text_of_their_messages_still_waiting_in_the_event_ledger(
        repos: Repositories, tmp_path: Path) -> None:
    from storage.audio_store import AudioStore
    from storage.repos.privacy import PrivacyRepo
    from storage.repos.sessions import lock_key

    person, _ = repos.people.ensure_person("slack", "T1", "U1", NOW)
    repos.sessions.create(PracticeSession(id="s1", person_id=person.id, scenario_id="x", platform="slack",  # type: ignore[arg-type]
                                          workspace="T1", channel="D1", thread="171.1", offered_at=NOW,
                                          last_activity_at=NOW))
    repos.events.receive("slack:Ev-mine", {"text": "my private words"}, NOW,
                         conversation=lock_key("slack", "D1", "171.1", ""))
    repos.events.receive("slack:Ev-other", {"text": "someone else"}, NOW,
                         conversation=lock_key("slack", "D2", "999.1", ""))
    counts = PrivacyRepo(repos.db, AudioStore(tmp_path)).erase(person.id, NOW)  # type: ignore[arg-type]
    assert counts["received_messages"] == 1
    assert [e.key for e in repos.events.unfinished(NOW)] == ["slack:Ev-other"]


def test_a_pooled_postgres_connection_that_died_while_idle_is_replaced_not_used(
        pg_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No ping per checkout (issue #26: a round trip before every unit of work), but a connection that sat
    idle is pinged first, so a database restart or a proxy's idle timeout costs no request."""
    from sqlalchemy import create_engine, text

    import storage.db

    monkeypatch.setattr(storage.db, "IDLE_PING_S", 0.0)
    db = storage.db.Database(pg_url)
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with db.engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:  # the server drops the pooled connection while it is idle
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with db.engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        assert second != first
    finally:
        admin.dispose()
        db.dispose()


def test_a_pooled_connection_in_steady_use_is_not_pinged(db_url: str) -> None:
    from sqlalchemy import text

    from storage.db import Database

    db = Database(db_url)
    pings: list[object] = []
    original = db.engine.dialect.do_ping
    db.engine.dialect.do_ping = lambda conn: pings.append(conn) or original(conn)  # type: ignore[method-assign]
    try:
        for _ in range(5):
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        assert pings == []
    finally:
        db.dispose()


def test_a_new_turn_carries_every_column_a_stored_turn_has() -> None:
    """SessionWork.record stores NewTurn's fields by TurnRecord's column names: a column added to one
    must be added to the other."""
    from dataclasses import fields

    from storage.repos.sessions import NewTurn

    assert {f.name for f in fields(NewTurn)} == {c.name for c in TurnRecord.__table__.columns} - {"id"}  # type: ignore[attr-defined]
