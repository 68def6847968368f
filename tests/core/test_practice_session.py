"""The practice session as a rep lives it, through the real engine, storage and offline buyer."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta

import pytest
from sqlalchemy import update

from bot.messages import Card, Inbound, Text
from bot.practice import cards
from bot.practice.session_inbox import to_payload
from bot.practice.states import IllegalTransition, State, transition
from scenarios.loader import UnknownScenario
from storage.models import InboundEvent
from tests.core.testbot import RecordingChat, TestBot

PITCH = "Our platform has real-time dashboards and AI routing, and pricing starts at $40 per seat."
CURIOUS = [
    "Before we get to pricing, what's driving this for you right now? What business problem are you trying to solve?",
    "How is that affecting the business — what does a late shipment cost you, and who feels it?",
    "What happens if this isn't fixed by the end of the quarter? How would the CFO measure success?",
]


@pytest.fixture
def bot(sqlite_url: str) -> TestBot:
    return TestBot(sqlite_url)


def test_practice_card_names_the_behavior_and_carries_the_buyers_opening_line(bot: TestBot) -> None:
    card = bot.start()
    assert isinstance(card, Card) and card.kind == "scenario"
    assert "procurement" in card.title.lower()
    assert any(f.title == "Practising" for f in card.fields)
    assert any("pricing" in f.value for f in card.fields)  # Dana's opening line
    assert {a.action_id for a in card.actions} == {cards.FINISH, cards.SKIP}
    assert bot.state == State.OFFERED


def test_buyer_answers_every_rep_turn_in_the_thread(bot: TestBot) -> None:
    bot.start()
    replies = bot.say(CURIOUS[0])
    assert len(replies) == 1 and isinstance(replies[0], Text) and replies[0].author == "Dana Whitfield"
    assert bot.state == State.STARTED


def test_curious_rep_earns_hidden_facts_that_a_pitching_rep_never_hears(sqlite_url: str) -> None:
    curious, pitcher = TestBot(sqlite_url, user="U-curious"), TestBot(sqlite_url, user="U-pitch")
    curious.start(), pitcher.start()
    heard_curious = " ".join(curious.texts([m for line in CURIOUS for m in curious.say(line)]))
    heard_pitcher = " ".join(pitcher.texts([m for _ in CURIOUS for m in pitcher.say(PITCH)]))
    assert "late shipments" in heard_curious.lower() or "chargeback" in heard_curious.lower()
    assert "chargeback" not in heard_pitcher.lower() and "late shipments" not in heard_pitcher.lower()
    assert heard_curious != heard_pitcher


def test_done_ends_the_session_with_a_scorecard_that_quotes_the_rep(bot: TestBot) -> None:
    bot.start()
    bot.say(CURIOUS[0])
    replies = bot.say("done")
    card = replies[-1]
    assert isinstance(card, Card) and card.kind == "scorecard"
    body = " ".join(f.value for f in card.fields)
    assert "/100" in body
    assert "Try next time" in [f.title for f in card.fields]
    assert bot.state == State.FINISHED
    assert len(bot.repos.sessions.scores_for_session(bot.session_id)) == 2  # type: ignore[arg-type]


def test_finish_button_scores_and_skip_button_abandons(sqlite_url: str) -> None:
    finisher, skipper = TestBot(sqlite_url, "U-a"), TestBot(sqlite_url, "U-b")
    finisher.start(), skipper.start()
    finisher.say(CURIOUS[0]), skipper.say(CURIOUS[0])
    assert isinstance(finisher.press(cards.FINISH)[-1], Card)
    skipper.press(cards.SKIP)
    assert finisher.state == State.FINISHED and skipper.state == State.ABANDONED


def test_a_retried_event_gets_exactly_one_buyer_reply(bot: TestBot) -> None:
    bot.start()
    assert len(bot.say(CURIOUS[0], event_id="Ev1")) == 1
    assert bot.say(CURIOUS[0], event_id="Ev1") == []
    turns = bot.repos.sessions.turns(bot.session_id)  # type: ignore[arg-type]
    assert [t.speaker for t in turns] == ["buyer", "rep", "buyer"]


def test_session_resumes_after_a_restart_from_storage_alone(sqlite_url: str) -> None:
    first = TestBot(sqlite_url)
    first.start()
    first.say(CURIOUS[0])
    # A new process: new engine, new chat, same database.
    second = TestBot(sqlite_url, clock=first.clock)
    second.ref, second.session_id = first.ref, first.session_id
    replies = second.say(CURIOUS[1])
    assert len(replies) == 1
    assert second.state == State.STARTED
    assert len(second.repos.sessions.turns(first.session_id)) == 5  # type: ignore[arg-type]


def test_a_rep_turn_stored_before_a_crash_is_answered_on_restart(sqlite_url: str) -> None:
    from storage.models import TurnRecord

    first = TestBot(sqlite_url)
    first.start()
    # The process died after storing the rep's turn and before the buyer answered.
    first.repos.sessions.add_turn(TurnRecord(session_id=first.session_id, seq=2, speaker="rep", text=CURIOUS[0],
                                             created_at=first.clock.now()))
    second = TestBot(sqlite_url, clock=first.clock)
    assert second.service.resume_open_sessions() == 1
    assert [t.speaker for t in second.repos.sessions.turns(first.session_id)][-2:] == ["rep", "buyer"]  # type: ignore[arg-type]
    assert len(second.chat.posted) == 1


class Crash(BaseException):
    """The process dying mid-call: nothing after it runs, no except-Exception handler sees it."""


class DyingChat(RecordingChat):
    """Stores nothing and dies (or fails) on the next thread message, once."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error: BaseException | None = error

    def send(self, ref, message):  # type: ignore[no-untyped-def]
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return super().send(ref, message)


def test_a_message_whose_answer_was_being_sent_when_the_process_died_is_answered_once_on_restart(
        sqlite_url: str) -> None:
    first = TestBot(sqlite_url, chat=DyingChat(Crash()))
    first.start()
    with pytest.raises(Crash):
        first.say(CURIOUS[0])  # received and stored, then the process dies while posting the buyer's line
    assert [t.speaker for t in first.repos.sessions.turns(first.session_id)] == ["buyer"]  # type: ignore[arg-type]
    second = TestBot(sqlite_url, clock=first.clock)
    assert second.service.resume_open_sessions() == 1
    assert len(second.chat.posted) == 1  # the buyer's answer, once
    turns = second.repos.sessions.turns(first.session_id)  # type: ignore[arg-type]
    assert [(t.speaker, t.text if t.speaker == "rep" else None) for t in turns] == [
        ("buyer", None), ("rep", CURIOUS[0]), ("buyer", None)]
    assert turns[-1].sent_at is not None
    assert TestBot(sqlite_url, clock=first.clock).service.resume_open_sessions() == 0


def test_a_message_already_answered_is_not_answered_again_when_its_event_is_resumed(sqlite_url: str) -> None:
    bot = TestBot(sqlite_url)
    bot.start()
    inbound = Inbound(bot.ref, bot.person, "Ev-answered", bot.clock.now(), CURIOUS[0])  # type: ignore[arg-type]
    assert bot.service.receive(inbound)
    bot.service.handle(inbound, received=True)
    # The process died before the ledger's batched "handled" mark was written.
    bot.repos.db.engine.dispose()
    restarted = TestBot(sqlite_url, clock=bot.clock)
    with restarted.repos.db.session() as s:
        s.execute(update(InboundEvent).values(payload=to_payload(inbound)))
    restarted.service.resume_open_sessions()
    assert restarted.chat.posted == []
    assert [t.speaker for t in restarted.repos.sessions.turns(bot.session_id)] == ["buyer", "rep", "buyer"]  # type: ignore[arg-type]
    assert restarted.repos.events.unfinished(bot.clock.now() - timedelta(days=1)) == []


def test_when_the_web_process_and_the_worker_restart_together_the_rep_gets_the_line_once(sqlite_url: str) -> None:
    first = TestBot(sqlite_url, chat=DyingChat(Crash()))
    first.start()
    with pytest.raises(Crash):
        first.say(CURIOUS[0])  # the message is stored, then the process dies before the buyer's line is out
    both_inside = threading.Barrier(2, timeout=1.0)

    class SlowChat(RecordingChat):
        """Holds each process inside its send until the other one is there too (or a second passes)."""

        def send(self, ref, message):  # type: ignore[no-untyped-def]
            try:
                both_inside.wait()
            except threading.BrokenBarrierError:
                pass
            return super().send(ref, message)

    web, worker = (TestBot(sqlite_url, clock=first.clock, chat=SlowChat()) for _ in range(2))
    resumed: list[int] = []
    starts = [threading.Thread(target=lambda b=b: resumed.append(b.service.resume_open_sessions()))
              for b in (web, worker)]
    for t in starts:
        t.start()
    for t in starts:
        t.join(60)  # generous for a busy machine; a hung process fails here, not as a missing resume
        assert not t.is_alive()
    assert sum(resumed) == 1
    assert len(web.chat.posted) + len(worker.chat.posted) == 1


def test_when_the_platform_refuses_the_buyers_line_its_retry_sends_that_line_not_a_new_one(sqlite_url: str) -> None:
    from bot.ports import PlatformError

    bot = TestBot(sqlite_url, chat=DyingChat(PlatformError("HTTP 500")))
    bot.start()
    with pytest.raises(PlatformError):
        bot.say(CURIOUS[0], event_id="Ev1")
    stored = bot.repos.sessions.turns(bot.session_id)[-1]  # type: ignore[arg-type]
    replies = bot.say(CURIOUS[0], event_id="Ev1")  # the platform's retry of the same event
    assert bot.texts(replies) == [stored.text]
    assert [t.speaker for t in bot.repos.sessions.turns(bot.session_id)] == ["buyer", "rep", "buyer"]  # type: ignore[arg-type]


def test_unknown_scenario_id_is_a_clear_error(bot: TestBot) -> None:
    with pytest.raises(UnknownScenario, match="no scenario called 'nope'.*discovery-procurement-stall"):
        bot.start("nope")


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_reply_gets_a_nudge_and_the_session_goes_on(bot: TestBot, text: str) -> None:
    bot.start()
    replies = bot.texts(bot.say(text))
    assert "didn't catch" in replies[0]
    assert bot.state == State.OFFERED
    assert len(bot.say(CURIOUS[0])) == 1


def test_a_huge_paste_is_kept_whole_and_the_rep_is_told_the_buyer_reads_the_start(bot: TestBot) -> None:
    bot.start()
    paste = ("What is driving this for you? " * 700)[:20_000]
    replies = bot.say(paste)
    assert "20,000 characters" in bot.texts(replies)[0]
    stored = [t for t in bot.repos.sessions.turns(bot.session_id) if t.speaker == "rep"]  # type: ignore[arg-type]
    assert len(stored[0].text or "") == 20_000
    assert isinstance(replies[-1], Text) and replies[-1].author


@pytest.mark.parametrize("text", ["Что для вас сейчас важнее всего в бизнесе?", "🙂🙂 what's the real problem here? 🚚",
                                  "今の一番の課題は何ですか？"])
def test_other_scripts_and_emoji_are_answered_not_crashed(bot: TestBot, text: str) -> None:
    bot.start()
    assert len(bot.say(text)) == 1
    assert isinstance(bot.say("done")[-1], Card)


def test_messages_outside_a_practice_thread_get_help(bot: TestBot) -> None:
    from datetime import datetime

    from bot.messages import ConversationRef, Inbound

    bot.service.handle(Inbound(ConversationRef("console", "W1", "D-U1"), bot.person, "E-x",
                               datetime.now(UTC), "hello?"))
    assert "/practice" in bot.chat.posted[-1][1].text  # type: ignore[union-attr]


def test_someone_else_cannot_answer_in_my_thread(sqlite_url: str) -> None:
    mine = TestBot(sqlite_url, "U-me")
    mine.start()
    intruder = TestBot(sqlite_url, "U-other", chat=mine.chat, clock=mine.clock)
    intruder.ref, intruder.session_id = mine.ref, mine.session_id
    replies = intruder.texts(intruder.say("let me answer for you"))
    assert "belongs to someone else" in replies[0]
    assert [t.speaker for t in mine.repos.sessions.turns(mine.session_id)] == ["buyer"]  # type: ignore[arg-type]


def test_a_finished_session_says_so_instead_of_answering(bot: TestBot) -> None:
    bot.start()
    bot.say(CURIOUS[0])
    bot.say("done")
    assert "already scored" in bot.texts(bot.say("one more thing"))[0]


def test_an_idle_session_expires_after_a_day_with_a_friendly_note(bot: TestBot) -> None:
    bot.start()
    bot.say(CURIOUS[0])
    bot.clock.advance(hours=25)
    assert bot.service.expire_stale() == 1
    assert bot.state == State.EXPIRED
    assert "timed out" in bot.chat.posted[-1][1].text  # type: ignore[union-attr]
    assert "expired" in bot.texts(bot.say("sorry, back now"))[0]


def test_the_buyer_wraps_up_after_max_turns_and_the_scorecard_follows(bot: TestBot) -> None:
    bot.start()
    out = []
    for i in range(6):
        out.extend(bot.say(CURIOUS[i % 3]))
    assert isinstance(out[-1], Card) and out[-1].kind == "scorecard"
    assert bot.state == State.FINISHED


def test_scorecard_shows_progress_versus_the_reps_last_sessions(bot: TestBot) -> None:
    bot.start()
    bot.say(PITCH)
    bot.say("done")
    bot.clock.advance(days=2)
    bot.start()
    bot.say(CURIOUS[0])
    card = bot.say("done")[-1]
    assert "vs your last 1" in " ".join(f.value for f in card.fields)  # type: ignore[union-attr]


def test_state_machine_refuses_to_reopen_a_finished_session() -> None:
    with pytest.raises(IllegalTransition):
        transition("finished", State.STARTED)
    assert transition("offered", State.STARTED) == State.STARTED


def test_engine_works_the_same_on_postgres(pg_url: str) -> None:
    bot = TestBot(pg_url)
    bot.start()
    assert len(bot.say(CURIOUS[0], event_id="Ev-pg")) == 1
    assert bot.say(CURIOUS[0], event_id="Ev-pg") == []
    assert isinstance(bot.say("done")[-1], Card)
