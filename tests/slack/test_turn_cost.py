"""What a rep's turn costs the database (issue #26): at most four SQL statements, on SQLite and PostgreSQL.

A turn must store the acknowledged event, read the session, and store the
exchange; anything more was overhead (13 statements per turn before). Counted
with SQLAlchemy's `before_cursor_execute` over the whole engine, so the Bolt
listener's acknowledgement and the work pool's turn are both in the count.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import event

from tests.slack.conftest import SlackWorld

MAX_STATEMENTS_PER_TURN = 4
# A scorecard: the event, the session, the rep's recent scores, the scores and the closed session in
# one transaction, the event's "handled" mark, and on PostgreSQL the session's lock (10 and 11 before:
# a second read of the turns, one query per behavior, two ORM units of work).
MAX_STATEMENTS_PER_SCORECARD = 6
# Three replies: the offline buyer brings the conversation to its end (and the scorecard) a little later.
LINES = ["What's driving the review?", "How does that affect the team each month?",
         "Who else is involved in the decision?"]


class StatementCount:
    def __init__(self, world: SlackWorld) -> None:
        self.statements: list[str] = []
        self._lock = threading.Lock()
        event.listen(world.core.repos.db.engine, "before_cursor_execute", self._count)

    def _count(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        with self._lock:
            self.statements.append(" ".join(statement.split())[:80])

    def take(self) -> list[str]:
        with self._lock:
            taken, self.statements = self.statements, []
        return taken


def test_a_reps_reply_costs_at_most_four_sql_statements(slack_any_db: SlackWorld) -> None:
    world, rep = slack_any_db, "U0DANA"
    thread = world.start(rep)
    world.say(rep, thread, "Hi Dana, thanks for making time.")  # the first contact stores the rep's profile
    world.settle()
    counter = StatementCount(world)
    batched_marks = 0
    started = time.monotonic()
    for line in LINES:
        replies = world.say(rep, thread, line)
        assert replies[-1].username == "Dana Whitfield"
        world.settle()
        statements = counter.take()
        # The ledger writes "handled" marks for many turns in one UPDATE, at most once a second.
        marks = [s for s in statements if s.startswith("UPDATE inbound_event")]
        batched_marks += len(marks)
        turn = [s for s in statements if s not in marks]
        assert len(turn) <= MAX_STATEMENTS_PER_TURN, "\n".join(turn)
    assert batched_marks <= 1 + (time.monotonic() - started)
    speakers = [t.speaker for t in world.core.repos.sessions.turns(
        world.core.repos.sessions.find_by_thread("slack", world.dm(rep), thread).id)]  # type: ignore[union-attr]
    assert speakers == ["buyer"] + ["rep", "buyer"] * (len(LINES) + 1)


def test_a_scorecard_costs_at_most_six_sql_statements_and_the_lock(slack_any_db: SlackWorld) -> None:
    world, rep = slack_any_db, "U0DANA"
    thread = world.start(rep)
    world.say(rep, thread, "What's driving the review?")
    world.settle()
    counter = StatementCount(world)
    replies = world.say(rep, thread, "done")
    world.settle()
    statements = counter.take()
    assert replies[-1].text.startswith("Scorecard:"), replies[-1].text
    lock = 1 if world.core.repos.db.is_postgres else 0
    assert len(statements) <= MAX_STATEMENTS_PER_SCORECARD + lock, "\n".join(statements)
    session = world.core.repos.sessions.find_by_thread("slack", world.dm(rep), thread)
    assert session is not None and session.state == "finished"
    assert {s.behavior for s in world.core.repos.sessions.scores_for_session(session.id)} == set(
        world.core.library.get("discovery-procurement-stall").behaviors)
