"""PracticeService: the use cases of a practice session, platform-free.

Every call loads what it needs from storage, so a restarted process carries on
any open session. Platform retries are absorbed by the event ledger before any
work is done, and each session is served by one thread at a time: in-process by
a lock per session thread, across web processes on PostgreSQL by an advisory
lock in the turn's transaction (storage.repos.sessions.SessionRepo.work). With
several web processes a message is held until ORDER_WINDOW after it was sent, and
the lock's holder answers the conversation's earlier waiting messages first.

A rep's turn is the hot path (issue #26): one query loads the session, its owner
and its turns; the buyer answers; the line is posted; one transaction stores the
rep's turn, the buyer's line and the session's new state. The stored inbound
event (the ledger keeps it from acknowledgement on) is what a crash before that
transaction resumes from, and a turn carries its event id, so an event handled
twice is answered once.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.guard.commands import CommandGate
from bot.guard.flood import FLOOD_NOTE, FloodGuard, Verdict, voice_attachment
from bot.messages import ActionEvent, Attachment, Audio, ConversationRef, Inbound, Outbound, PersonRef, Text, wording_of
from bot.observability.metrics import SESSIONS, TURN_STARTED, observe_turn
from bot.ports import BuyerContext, BuyerPort, BuyerReply, ChatPort, Clock, JudgeContext, JudgePort, SpeechPort
from bot.practice import cards
from bot.practice.scenario_facts import facts_of
from bot.practice.session_inbox import event_key, from_payload, to_payload
from bot.practice.session_locks import KeyedLocks
from bot.practice.states import State, is_open, transition
from scenarios.loader import ScenarioLibrary
from scenarios.schema import Scenario
from scheduler.hours import local_date
from scheduler.planner import is_scheduled_push
from scoring.types import BehaviorScore, Delivery, Turn
from storage import Repositories
from storage.audio_store import AudioStore
from storage.models import BehaviorScoreRecord, Person, PracticeSession, TurnRecord
from storage.repos.sessions import Loaded, NewTurn, SessionWork, TurnView, lock_key

log = logging.getLogger(__name__)

PUSH_SESSIONS = uuid.UUID("5b7d1f0e-8c1a-4f7e-9a58-2f0c6e3d9b41")  # namespace: push key -> session id
DONE_WORDS = frozenset({"done", "finish", "finished", "end", "/done", "stop"})
MAX_REPLY_CHARS = 2000  # what the buyer and scorer read; the full text is still stored
RESUME_WINDOW = timedelta(days=1)  # an acknowledged message older than this is not answered after a restart
# Platform retries come within minutes and gateway replays within a reconnect; the ledger keeps a
# margin past the resume window, then forgets (it grew by one row per event forever, issue #18 item 8).
LEDGER_KEEP = timedelta(days=2)
# With several web processes, a message sent moments ago is held until this long after it was sent, so
# an earlier message of the same conversation that another process is still storing is answered first.
# The two-process benchmark saw such a store lag 50-400 ms behind under a load average of 9 (issue #18,
# item 11). A single web process never waits; real Slack delivers most events later than this anyway.
ORDER_WINDOW = timedelta(milliseconds=750)
HELP = (
    "Hi! I'm Rehearse, your practice partner. Type `/practice` to start a short scenario "
    "(or `/practice <scenario-id>`); answer the buyer in the scenario's thread and write `done` "
    "when you want your scorecard."
)


class PracticeOnHold(Exception):
    """The rep asked for practice that a programme holds back; `user_message` says why, where they are."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class Started:
    session: PracticeSession
    scenario: Scenario
    ref: ConversationRef


class PracticeService:
    def __init__(
        self,
        repos: Repositories,
        library: ScenarioLibrary,
        buyer: BuyerPort,
        judge: JudgePort,
        chats: dict[str, ChatPort],
        clock: Clock,
        speech: SpeechPort | None = None,
        expiry: timedelta = timedelta(hours=24),
        voice_replies: bool = False,
        audio_store: AudioStore | None = None,
        holds: Callable[[int, date], str | None] | None = None,
        libraries: Callable[[int | None], ScenarioLibrary] | None = None,
        guard: FloodGuard | None = None,
        peers: Callable[[], int] | None = None,
    ) -> None:
        self.repos = repos
        self.library = library
        self.buyer = buyer
        self.judge = judge
        self.chats = chats  # shared with Core, so a platform added later is seen here too
        self.clock = clock
        self.speech = speech
        self.expiry = expiry
        self.voice_replies = voice_replies
        self.audio_store = audio_store  # rep clips are kept until the retention job deletes them
        self.guard = guard or FloodGuard(clock)  # turns and clips per person per minute
        self.commands = CommandGate(repos.events, self.guard, clock)  # each /practice request once, and not too often
        self._locks = KeyedLocks()
        # Scenario versions never change once stored; parsing one took ~1 ms of every turn.
        self._scenarios: dict[tuple[str, int], Scenario] = {}
        # Optional: why a rep may not practise on their local date (an impact programme's holdout or
        # pending baseline); None lets them. Given by the composition root (Holds.message).
        self.holds = holds
        # Optional: the scenarios a workspace sees (the base library plus its own, issue #23), by the
        # workspace's row id; None: every workspace sees `library`. Given by the composition root.
        self.libraries = libraries
        # Optional: how many web processes serve reps from this database now (this one included); None:
        # this process is the only one that receives a conversation's messages.
        self.peers = peers

    @property
    def held_locks(self) -> int:
        """Session locks that exist right now: only those held or waited for."""
        return len(self._locks)

    # ---- people -----------------------------------------------------------

    def person_for(self, who: PersonRef) -> Person:
        person, _ = self.repos.people.ensure_person(
            who.platform, who.workspace, who.user_id, self.clock.now(), who.display_name, who.tz
        )
        return person

    def person_ref(self, person: Person) -> PersonRef:
        ws = self.repos.people.workspace_of(person)
        return PersonRef(person.platform, ws.external_id, person.platform_user_id, person.display_name, person.tz)

    # ---- use cases --------------------------------------------------------

    def start(self, who: PersonRef, scenario_id: str | None = None, push_key: str | None = None,
              draft: Scenario | None = None) -> Started:
        """Open a practice thread with the rep and post the scenario card as its root.

        `draft` is a scenario not in any library yet: its author trying it before publishing.
        Raises UnknownScenario for an id that does not exist, and PracticeOnHold when a programme holds
        the rep's practice back (the adapter says so where the rep is)."""
        person = self.person_for(who)
        library = self.library_for(person)
        scenario = draft or (library.get(scenario_id) if scenario_id else self.next_scenario_for(person))
        now = self.clock.now()
        # A cadence push was held or let through by the scheduler's own check. Everything else (the rep
        # asking, a manager assigning from a digest) is checked here, so a holdout stays a holdout.
        if (draft is None and scenario.kind == "practice" and self.holds is not None
                and not is_scheduled_push(push_key)):
            refusal = self.holds(person.id, local_date(person.tz, now))  # type: ignore[arg-type]
            if refusal:
                raise PracticeOnHold(refusal)
        facts = facts_of(scenario)  # checksum and body once per scenario object, not per /practice
        version = self.repos.scenarios.record(
            scenario.id, scenario.title, scenario.kind, list(scenario.behaviors), facts.checksum, facts.body, now,
        )
        # The version just recorded is this scenario's body: the session's turns read it from memory, not
        # back from the database (a read and a model_validate of the body on each scenario's first turn in
        # the process; py-spy on benchmarks/turn_floor.py put that at ~2.5 % of the turns' CPU).
        self._scenarios.setdefault((scenario.id, version), scenario)
        # A scheduled push gets the same session id and card on every attempt, and the card carries
        # the push key, so a platform that deduplicates (Discord's nonce) absorbs a retry after a crash.
        session_id = str(uuid.uuid5(PUSH_SESSIONS, push_key)) if push_key else str(uuid.uuid4())
        opening = self.buyer.opening(scenario, session_id)
        chat = self.chats[who.platform]
        card = cards.scenario_card(scenario, session_id, opening.text, wording_of(chat))
        posted = chat.open_practice_thread(who, replace(card, idempotency_key=push_key) if push_key else card)
        ref = posted.ref
        session = self.repos.sessions.open(
            PracticeSession(
                id=session_id, person_id=person.id, scenario_id=scenario.id, scenario_version=version,  # type: ignore[arg-type]
                kind=scenario.kind, state=State.OFFERED, platform=ref.platform, workspace=ref.workspace,
                channel=ref.channel, thread=ref.thread, push_key=push_key, buyer_state=opening.state,
                buyer_engine=opening.engine, offered_at=now, last_activity_at=now, expires_at=now + self.expiry,
            ),
            TurnRecord(session_id=session_id, seq=1, speaker="buyer", text=opening.text, engine=opening.engine,
                       created_at=now, sent_at=now),  # the card carried it
        )
        if self._speaks(session):
            self._send_buyer_line(chat, ref, scenario, opening.text)
        return Started(session, scenario, ref)

    def receive(self, inbound: Inbound) -> bool:
        """Store a rep message before the platform is told it arrived; False for a duplicate delivery.

        Then `handle(inbound, received=True)`; a restart resumes what was received and not handled."""
        where = inbound.ref
        conversation = lock_key(where.platform, where.channel, where.thread, "") if where.thread else None
        return self.repos.events.receive(event_key(inbound), to_payload(inbound), self.clock.now(),
                                         conversation=conversation, sent_at=inbound.sent_at)

    def discard(self, inbound: Inbound) -> None:
        """A received message the adapter refused (someone from another workspace): not to be resumed."""
        self.repos.events.finish(event_key(inbound))

    def handle(self, inbound: Inbound, received: bool = False) -> None:
        """One rep message. A duplicate delivery of the same event does nothing."""
        key = event_key(inbound)
        if not received and not self.receive(inbound):
            log.info("duplicate event ignored", extra={"event_key": key})
            return
        verdict = self.guard.admit_inbound(inbound)
        if verdict is not Verdict.ADMIT:
            log.info("flood: a message from %s:%s set aside", inbound.person.platform, inbound.person.user_id)
            if verdict is Verdict.NOTE:
                self.chats[inbound.ref.platform].send(inbound.ref, Text(FLOOD_NOTE))
            self.repos.events.finish(key)  # set aside for good: not to be resumed after a restart
            return
        # read when the buyer's reply has gone out; from when the adapter took the message in, if it says
        started = TURN_STARTED.set(inbound.received if inbound.received is not None else time.monotonic())
        try:
            answered = self._handle(inbound)
        except Exception:
            # The adapter tells the rep to send it again: let that (or the platform's retry) through.
            self.repos.events.release(key)
            raise
        finally:
            TURN_STARTED.reset(started)
        # A stored turn carries its event id, so a lost mark costs a look at start, never a second answer.
        self.repos.events.finish(key, later=answered)

    def act(self, event: ActionEvent) -> None:
        """A button press on a scenario card: Finish or Skip."""
        key = f"{event.ref.platform}:action:{event.event_id}"
        if not self.repos.events.claim(key, self.clock.now()):
            return
        session = self.repos.sessions.get(event.value)
        chat = self.chats[event.ref.platform]
        if session is None:
            chat.send(event.ref, Text(f"I can't find that practice session any more. Type `{wording_of(chat).start}` to start a new one."))
            return
        ref = self._session_ref(session)
        if not self._owns(session, event.person):
            chat.send(event.ref, Text("That practice session belongs to someone else, so I left it alone."))
            return
        with self._serving(session, chat, ref) as loaded:
            if loaded is None:
                return
            session = loaded.session
            if event.action_id == cards.FINISH:
                self._finish(session, chat, ref, loaded.turns)
            elif event.action_id == cards.SKIP:
                self.repos.sessions.update(session.id, state=transition(session.state, State.ABANDONED),
                                           finished_at=self.clock.now())
                SESSIONS.labels("abandoned").inc()
                chat.send(ref, Text(f"Skipped. No score this time — type `{wording_of(chat).start}` whenever you're ready."))

    def finish(self, session_id: str) -> list[BehaviorScore]:
        session = self.repos.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        with self._working(session) as work:
            loaded = work.load(session_id)
            assert loaded is not None
            session = loaded.session
            return self._finish(session, self.chats[session.platform], self._session_ref(session), loaded.turns)

    def expire_stale(self) -> int:
        """Close sessions idle past the expiry window, with a friendly note in their thread."""
        now = self.clock.now()
        expired = 0
        for session in self.repos.sessions.open_sessions():
            if session.expires_at is None or session.expires_at > now:
                continue
            with self._working(session) as work:
                current = work.load(session.id)
                if current is None or not is_open(current.session.state):
                    continue  # another process closed it meanwhile
                self.repos.sessions.update(session.id, state=transition(current.session.state, State.EXPIRED),
                                           finished_at=now)
                SESSIONS.labels("expired").inc()
            chat = self.chats.get(session.platform)
            if chat is not None:
                chat.send(self._session_ref(session), Text(
                    "This practice session timed out after a day without replies. No harm done — "
                    f"type `{wording_of(chat).start}` to pick it up with a fresh scenario."))
            expired += 1
        return expired

    def resume_open_sessions(self) -> int:
        """After a restart: handle every rep message that was acknowledged but not handled, then answer
        every rep turn that was stored but never got its buyer reply. Returns how many were resumed."""
        resumed = self.resume_received()
        for session in self.repos.sessions.open_sessions():
            turns = self.repos.sessions.turns(session.id)
            if not turns or session.platform not in self.chats:
                continue
            unsent = self._unsent_buyer_line(turns)
            if turns[-1].speaker != "rep" and unsent is None:
                continue
            # The web process and the worker both resume on start; the ledger lets one of them answer.
            key = f"resume:{session.id}:{turns[-1].seq}"
            if not self.repos.events.claim(key, self.clock.now()):
                continue
            try:
                with self._working(session) as work:
                    loaded = work.load(session.id)
                    assert loaded is not None
                    current = loaded.session
                    ref = self._session_ref(current)
                    if unsent is not None:
                        self._deliver_buyer_turn(current, self.chats[current.platform], ref,
                                                 self.scenario_of(current), unsent)
                    else:
                        self._buyer_turn(current, ref)
            except Exception:
                self.repos.events.release(key)  # the next start tries again
                raise
            resumed += 1
        return resumed

    def resume_received(self) -> int:
        """Handle the rep messages stored on receipt and never handled (the process died first)."""
        self.repos.events.flush()
        resumed = 0
        for event in self.repos.events.unfinished(self.clock.now() - RESUME_WINDOW):
            try:
                inbound = from_payload(event.payload or {})
            except (KeyError, TypeError, ValueError):
                log.warning("unreadable stored event dropped", extra={"event_key": event.key})
                self.repos.events.finish(event.key)
                continue
            if inbound.ref.platform not in self.chats:
                continue  # this process does not serve that platform; the one that does resumes it
            # The web process and the worker both resume on start; the ledger lets one of them do it.
            if not self.repos.events.claim(f"resume:{event.key}", self.clock.now()):
                continue
            try:
                self.handle(inbound, received=True)
            except Exception:
                log.exception("could not resume a stored message", extra={"event_key": event.key})
                continue
            resumed += 1
        self.repos.events.flush()
        return resumed

    def prune_events(self) -> int:
        """Forget ledger entries older than LEDGER_KEEP (a periodic job); returns how many."""
        self.repos.events.flush()
        return self.repos.events.prune(self.clock.now() - LEDGER_KEEP)

    def next_scenario_for(self, person: Person) -> Scenario:
        """The scenario for a rep who did not name one: the least recent, never the same twice running.

        The scheduler's spaced-repetition picker replaces this for pushes."""
        practice = sorted(self.library_for(person).all(kind="practice"), key=lambda s: s.id)
        recent = [s.scenario_id for s in self.repos.sessions.sessions_of(person.id, limit=len(practice))]  # type: ignore[arg-type]
        never = [s for s in practice if s.id not in recent]
        if never:
            return never[0]
        return next(s for s in practice if s.id == recent[-1]) if recent[-1] != recent[0] else practice[0]

    def library_for(self, person: Person) -> ScenarioLibrary:
        """The scenarios this person's workspace sees."""
        return self.libraries(person.workspace_id) if self.libraries is not None else self.library

    # ---- internals --------------------------------------------------------

    def _handle(self, inbound: Inbound) -> bool:
        """True when the message became a stored turn (which carries its event id)."""
        chat = self.chats[inbound.ref.platform]
        where = inbound.ref
        if not where.thread:
            chat.send(where, Text(HELP))
            return False
        self._await_earlier(inbound)
        with self._locks.hold(lock_key(where.platform, where.channel, where.thread, "")), \
                self.repos.sessions.work(lock_key(where.platform, where.channel, where.thread, "")) as work:
            loaded = work.load_thread(where.platform, where.channel, where.thread)
            if loaded is None:
                chat.send(where, Text(HELP))
                return False
            ref = self._session_ref(loaded.session)
            if (loaded.owner_platform, loaded.owner_user_id) != (inbound.person.platform, inbound.person.user_id):
                chat.send(ref, Text("This practice thread belongs to someone else — type `/practice` to start your own."))
                return False
            if not is_open(loaded.session.state):
                chat.send(ref, Text(self._closed_note(loaded.session, wording_of(chat).start)))
                return False
            ends = self._earlier_first(work, loaded, ref, chat, inbound)
            stored = False
            if not ends and is_open(loaded.session.state):
                stored, ends = self._rep_turn(work, loaded, ref, chat, inbound)
            elif not ends:
                chat.send(ref, Text(self._closed_note(loaded.session, wording_of(chat).start)))
        if ends:  # the buyer closed the conversation: score it, under the lock again
            with self._working(loaded.session) as work:
                current = work.load(loaded.session.id)
                if current is not None and is_open(current.session.state):
                    self._finish(current.session, chat, ref, current.turns)
        return stored

    def _await_earlier(self, inbound: Inbound) -> None:
        """Behind a load balancer, the rep's previous message may still be on its way into storage through
        another process: give it until ORDER_WINDOW after this one was sent (see _earlier_first)."""
        if inbound.sent_at is None or self.peers is None or self.peers() < 2:
            return
        wait = (inbound.sent_at + ORDER_WINDOW - self.clock.now()).total_seconds()
        if wait > 0:
            time.sleep(min(wait, ORDER_WINDOW.total_seconds()))  # a clock behind the platform's waits no longer

    def _earlier_first(self, work: SessionWork, loaded: Loaded, ref: ConversationRef, chat: ChatPort,
                       inbound: Inbound) -> bool:
        """Handle the rep's earlier messages that another process received and has not handled yet, so
        messages are answered in the order sent. True when the buyer ended the conversation meanwhile."""
        for payload in work.pending:
            try:
                earlier = from_payload(payload)
            except (KeyError, TypeError, ValueError):
                continue
            if (earlier.sent_at, earlier.event_id) >= (inbound.sent_at, inbound.event_id):
                break
            if (earlier.person.platform, earlier.person.user_id) != (loaded.owner_platform, loaded.owner_user_id):
                continue  # someone else's message in the thread: its own handler refuses it
            if any(t.event_id == earlier.event_id[:200] for t in loaded.turns) or not is_open(loaded.session.state):
                continue
            stored, ends = self._rep_turn(work, loaded, ref, chat, earlier)
            self.repos.events.finish(event_key(earlier), later=stored)
            if ends:
                return True
            if not stored:  # `done`, a voice note that could not be heard...: the state may have changed
                current = self.repos.sessions.get(loaded.session.id)
                if current is not None:
                    loaded.session.state = current.state
        return False

    def _rep_turn(self, work: SessionWork, loaded: Loaded, ref: ConversationRef, chat: ChatPort,
                  inbound: Inbound) -> tuple[bool, bool]:
        """Returns (the message is a stored turn, the buyer wants to end)."""
        session, turns = loaded.session, loaded.turns
        event_id = inbound.event_id[:200]
        if turns and turns[-1].speaker == "rep" and turns[-1].event_id == event_id:
            # Redelivered after the buyer failed on the first try: the turn is stored; answer it, once.
            self._buyer_turn(session, ref)
            return True, False
        unsent = self._unsent_buyer_line(turns)
        if unsent is not None and len(turns) >= 2 and turns[-2].event_id == event_id:
            # Redelivered after the platform refused the buyer's answer: send the stored answer, not a new one.
            self._deliver_buyer_turn(session, chat, ref, self.scenario_of(session), unsent)
            return True, False
        if any(t.event_id == event_id for t in turns):
            return True, False  # handled and answered already (a resume after a crash, a late replay)
        text = inbound.text.strip()
        delivery: Delivery | None = None
        audio_engine: str | None = None
        audio_duration: float | None = None
        audio = voice_attachment(inbound)
        if audio is not None:
            result = self._hear(chat, ref, audio)
            if result is None:
                return False, False
            heard, clip = result
            text = heard.text
            delivery = heard.delivery  # type: ignore[assignment]
            audio_engine, audio_duration = heard.stt_engine, heard.duration_s
            if not session.buyer_state.get("voice"):
                session = self.repos.sessions.update(session.id, buyer_state={**session.buyer_state, "voice": True})
        elif inbound.attachments:
            chat.send(ref, Text("I can only listen to audio clips here. Record a voice note or type your answer."))
            return False, False

        if text.lower().strip(" .!") in DONE_WORDS:
            self._finish(session, chat, ref, turns)
            return False, False
        if not text:
            chat.send(ref, Text("I didn't catch anything there — type your reply to the buyer, or `done` to finish."))
            return False, False
        if len(text) > MAX_REPLY_CHARS:
            chat.send(ref, Text(
                f"That's a long message ({len(text):,} characters). I kept all of it, but the buyer only reads "
                f"the first {MAX_REPLY_CHARS:,} — in a real chat, shorter lands better."))

        now = self.clock.now()
        seq = (turns[-1].seq + 1) if turns else 1
        last_buyer = next((t for t in reversed(turns) if t.speaker == "buyer"), None)
        latency = (now - last_buyer.created_at).total_seconds() if last_buyer else None
        audio_ref = None
        if audio is not None and self.audio_store is not None:
            audio_ref = self.audio_store.save(session.id, seq, clip, _extension(audio))
        rep = NewTurn(
            session_id=session.id, seq=seq, speaker="rep", text=text, audio_ref=audio_ref,
            engine=audio_engine, audio_duration_s=audio_duration,
            delivery=_delivery_dict(delivery), latency_s=latency, event_id=event_id, created_at=now,
        )
        first_reply = session.started_at is None
        started = {"state": transition(session.state, State.STARTED), "started_at": session.started_at or now,
                   "last_activity_at": now, "expires_at": now + self.expiry}
        scenario = self.scenario_of(session)
        history = [_as_turn(t, clip=MAX_REPLY_CHARS) for t in [*turns, rep]]
        try:
            reply = self.buyer.reply(BuyerContext(scenario, history, dict(session.buyer_state), session.id))
        except Exception:
            work.record(session, [rep], **started)  # kept: the platform's retry or a restart answers it
            raise
        said = self.clock.now()
        state = {**reply.state, "voice": session.buyer_state.get("voice", False)}
        line = NewTurn(session_id=session.id, seq=seq + 1, speaker="buyer", text=reply.text, engine=reply.engine,
                       created_at=said)
        changes = {**started, "buyer_state": state, "buyer_engine": reply.engine, "last_activity_at": said}
        try:
            self._send_buyer_line(chat, ref, scenario, reply.text, voice=bool(state.get("voice")))
        except Exception:
            work.record(session, [rep, line], **changes)  # unsent: the platform's retry sends this line
            raise
        line.sent_at = self.clock.now()
        work.record(session, [rep, line], **changes)
        loaded.turns.extend([rep, line])  # what a later message handled under this lock reads
        if first_reply:
            SESSIONS.labels("started").inc()
        observe_turn(session.platform, reply.engine)
        return True, reply.wants_to_end

    def _buyer_turn(self, session: PracticeSession, ref: ConversationRef) -> None:
        scenario = self.scenario_of(session)
        turns = self.repos.sessions.turns(session.id)
        history = [_as_turn(t, clip=MAX_REPLY_CHARS) for t in turns]
        reply: BuyerReply = self.buyer.reply(BuyerContext(scenario, history, dict(session.buyer_state), session.id))
        now = self.clock.now()
        state = {**reply.state, "voice": session.buyer_state.get("voice", False)}
        line = self.repos.sessions.add_turn(TurnRecord(
            session_id=session.id, seq=turns[-1].seq + 1, speaker="buyer", text=reply.text, engine=reply.engine,
            created_at=now,
        ))
        session = self.repos.sessions.update(session.id, buyer_state=state, buyer_engine=reply.engine,
                                             last_activity_at=now)
        chat = self.chats[session.platform]
        self._deliver_buyer_turn(session, chat, ref, scenario, line)
        observe_turn(session.platform, reply.engine)
        if reply.wants_to_end:
            self._finish(session, chat, ref)

    def _deliver_buyer_turn(self, session: PracticeSession, chat: ChatPort, ref: ConversationRef,
                            scenario: Scenario, line: TurnView) -> None:
        """Send a stored buyer line and record that it reached the platform."""
        self._send_buyer_line(chat, ref, scenario, line.text or "", voice=bool(session.buyer_state.get("voice")))
        self.repos.sessions.mark_turn_sent(session.id, line.seq, self.clock.now())

    def _unsent_buyer_line(self, turns: Sequence[TurnView]) -> TurnView | None:
        """The last turn, when it is a buyer line that was stored but never reached the platform."""
        last = turns[-1] if turns else None
        return last if last is not None and last.speaker == "buyer" and last.sent_at is None else None

    def _send_buyer_line(self, chat: ChatPort, ref: ConversationRef, scenario: Scenario, text: str,
                         voice: bool = False) -> None:
        author = scenario.persona.name
        message: Outbound = Text(text, author=author)
        if (voice or self.voice_replies) and self.speech is not None:
            try:
                spoken = self.speech.speak(text, scenario.persona.voice)
                message = Audio(spoken.data, spoken.mime, spoken.filename, spoken.duration_s, spoken.waveform_b64,
                                transcript=text, author=author)
            except Exception:  # a broken voice must never cost the rep the buyer's line
                log.exception("speech synthesis failed; sending text")
        chat.send(ref, message)

    def _hear(self, chat: ChatPort, ref: ConversationRef, attachment):  # type: ignore[no-untyped-def]
        from bot.voice.errors import VoiceError

        if self.speech is None:
            chat.send(ref, Text("Voice notes aren't switched on here — please type your answer."))
            return None
        try:
            data = chat.fetch_attachment(attachment)
            return self.speech.hear(data, mime=attachment.mime, filename=attachment.filename), data
        except VoiceError as exc:
            chat.send(ref, Text(exc.user_message))
            return None
        except Exception:
            log.exception("voice note could not be processed")
            chat.send(ref, Text("I couldn't process that voice note — could you re-record it, or type your answer?"))
            return None

    def _finish(self, session: PracticeSession, chat: ChatPort, ref: ConversationRef,
                stored: Sequence[TurnView] | None = None) -> list[BehaviorScore]:
        """Score and close the session; `stored` is its turns when the caller loaded them under the lock."""
        scenario = self.scenario_of(session)
        turns = [_as_turn(t) for t in (stored if stored is not None else self.repos.sessions.turns(session.id))]
        now = self.clock.now()
        if not any(t.speaker == "rep" for t in turns):
            self.repos.sessions.update(session.id, state=transition(session.state, State.ABANDONED), finished_at=now)
            SESSIONS.labels("abandoned").inc()
            chat.send(ref, Text("You finished before answering the buyer, so there's nothing to score. "
                                f"Type `{wording_of(chat).start}` to try again."))
            return []
        scores = self.judge.judge(JudgeContext(scenario, scenario.behaviors, turns, session.id))
        progress = self.repos.sessions.recent_scores_by_behavior(session.person_id, [s.behavior for s in scores],
                                                                 3, before=now)
        self.repos.sessions.close_scored(session.id, [
            BehaviorScoreRecord(
                session_id=session.id, person_id=session.person_id, behavior=s.behavior, score=s.score,
                detected=s.detected, level=s.level, confidence=s.confidence, engine=s.engine,
                evidence=list(s.evidence),
                feedback={"went_well": s.feedback.went_well, "try_next": s.feedback.try_next,
                          "rewrite": s.feedback.rewrite},
                created_at=now,
            ) for s in scores
        ], state=transition(session.state, State.FINISHED), finished_at=now,
            judge_engine=scores[0].engine if scores else None)
        SESSIONS.labels("finished").inc()
        chat.send(ref, cards.scorecard(scenario, scores, progress, assessment=session.kind == "assessment"))
        return scores

    def scenario_of(self, session: PracticeSession) -> Scenario:
        """The scenario as the session saw it, even if the YAML changed since."""
        key = (session.scenario_id, session.scenario_version)
        known = self._scenarios.get(key)
        if known is not None:
            return known
        record = self.repos.scenarios.get(*key)
        if record is None:
            return self.library.get(session.scenario_id)  # not cached: a stored version may appear later
        scenario = self._scenarios[key] = Scenario.model_validate(record.body)
        return scenario

    def _session_ref(self, session: PracticeSession) -> ConversationRef:
        return ConversationRef(session.platform, session.workspace, session.channel, session.thread)

    def _speaks(self, session: PracticeSession) -> bool:
        return self.voice_replies and self.speech is not None

    def _closed_note(self, session: PracticeSession, start: str = "/practice") -> str:
        return {
            State.FINISHED: f"This session is already scored. Type `{start}` for a new scenario.",
            State.ABANDONED: f"You skipped this session. Type `{start}` for a new scenario.",
            State.EXPIRED: f"This session expired after a day without replies. Type `{start}` to start a fresh one.",
        }.get(State(session.state), "This session is closed.")

    def _owns(self, session: PracticeSession, who: PersonRef) -> bool:
        """Whether `who` is the session's rep. Matched on the platform identity, not the workspace:
        a rep may answer from a surface without one (a Discord DM has no guild)."""
        owner = self.repos.people.get(session.person_id)
        return owner is not None and (owner.platform, owner.platform_user_id) == (who.platform, who.user_id)

    @contextmanager
    def _serving(self, session: PracticeSession, chat: ChatPort,
                 ref: ConversationRef) -> Iterator[Loaded | None]:
        """Hold the session's lock with a fresh copy of it; None, after telling the rep, if it has closed."""
        with self._working(session) as work:
            current = work.load(session.id)
            assert current is not None
            if is_open(current.session.state):
                yield current
            else:
                chat.send(ref, Text(self._closed_note(current.session, wording_of(chat).start)))
                yield None

    @contextmanager
    def _working(self, session: PracticeSession) -> Iterator[SessionWork]:
        """The session's lock, in this process and (PostgreSQL) across processes, with a unit of work."""
        key = lock_key(session.platform, session.channel, session.thread, session.id)
        with self._locks.hold(key), self.repos.sessions.work(key) as work:
            yield work


def _extension(attachment: Attachment) -> str:
    if attachment.filename and "." in attachment.filename:
        return attachment.filename.rsplit(".", 1)[1]
    return (attachment.mime or "audio/bin").split("/")[-1].split(";")[0]


def _as_turn(t: TurnView, clip: int | None = None) -> Turn:
    text = t.text or ""
    return Turn(t.speaker, text[:clip] if clip else text, t.latency_s,  # type: ignore[arg-type]
                Delivery(**{**t.delivery, "fillers": tuple(t.delivery.get("fillers", ()))}) if t.delivery else None)


def _delivery_dict(delivery: Delivery | None) -> dict | None:
    if delivery is None:
        return None
    from dataclasses import asdict

    data = asdict(delivery)
    data["fillers"] = list(data["fillers"])
    return data
