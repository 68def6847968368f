"""PracticeService: the use cases of a practice session, platform-free.

Every call loads what it needs from storage, so a restarted process carries on
any open session. Platform retries are absorbed by the event ledger before any
work is done, and each session is served by one thread at a time.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.guard.commands import CommandGate
from bot.guard.flood import FLOOD_NOTE, FloodGuard, Verdict, voice_attachment
from bot.messages import (ActionEvent, Attachment, Audio, ConversationRef, Inbound, Outbound, PersonRef, Text,
                          wording_of)
from bot.observability.metrics import SESSIONS, TURN_STARTED, observe_turn
from bot.ports import BuyerContext, BuyerPort, BuyerReply, ChatPort, Clock, JudgeContext, JudgePort, SpeechPort
from bot.practice import cards
from bot.practice.states import State, is_open, transition
from scenarios.loader import ScenarioLibrary, checksum
from scenarios.schema import Scenario
from scheduler.hours import local_date
from scheduler.planner import is_scheduled_push
from scoring.types import BehaviorScore, Delivery, Turn
from storage import Repositories
from storage.audio_store import AudioStore
from storage.models import BehaviorScoreRecord, Person, PracticeSession, TurnRecord

log = logging.getLogger(__name__)

PUSH_SESSIONS = uuid.UUID("5b7d1f0e-8c1a-4f7e-9a58-2f0c6e3d9b41")  # namespace: push key -> session id
DONE_WORDS = frozenset({"done", "finish", "finished", "end", "/done", "stop"})
MAX_REPLY_CHARS = 2000  # what the buyer and scorer read; the full text is still stored
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
        guard: FloodGuard | None = None,
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
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()
        # Optional: why a rep may not practise on their local date (an impact programme's holdout or
        # pending baseline); None lets them. Given by the composition root (Holds.message).
        self.holds = holds

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

    def start(self, who: PersonRef, scenario_id: str | None = None, push_key: str | None = None) -> Started:
        """Open a practice thread with the rep and post the scenario card as its root.

        Raises UnknownScenario for an id that does not exist, and PracticeOnHold when a programme holds
        the rep's practice back (the adapter says so where the rep is)."""
        person = self.person_for(who)
        scenario = self.library.get(scenario_id) if scenario_id else self.next_scenario_for(person)
        now = self.clock.now()
        # A cadence push was held or let through by the scheduler's own check. Everything else (the rep
        # asking, a manager assigning from a digest) is checked here, so a holdout stays a holdout.
        if scenario.kind == "practice" and self.holds is not None and not is_scheduled_push(push_key):
            refusal = self.holds(person.id, local_date(person.tz, now))  # type: ignore[arg-type]
            if refusal:
                raise PracticeOnHold(refusal)
        version = self.repos.scenarios.record(
            scenario.id, scenario.title, scenario.kind, list(scenario.behaviors), checksum(scenario),
            scenario.model_dump(mode="json"), now,
        )
        # A scheduled push gets the same session id and card on every attempt, and the card carries
        # the push key, so a platform that deduplicates (Discord's nonce) absorbs a retry after a crash.
        session_id = str(uuid.uuid5(PUSH_SESSIONS, push_key)) if push_key else str(uuid.uuid4())
        opening = self.buyer.opening(scenario, session_id)
        chat = self.chats[who.platform]
        card = cards.scenario_card(scenario, session_id, opening.text, wording_of(chat))
        posted = chat.open_practice_thread(who, replace(card, idempotency_key=push_key) if push_key else card)
        ref = posted.ref
        session = self.repos.sessions.create(
            PracticeSession(
                id=session_id, person_id=person.id, scenario_id=scenario.id, scenario_version=version,  # type: ignore[arg-type]
                kind=scenario.kind, state=State.OFFERED, platform=ref.platform, workspace=ref.workspace,
                channel=ref.channel, thread=ref.thread, push_key=push_key, buyer_state=opening.state,
                buyer_engine=opening.engine, offered_at=now, last_activity_at=now, expires_at=now + self.expiry,
            )
        )
        self.repos.sessions.add_turn(
            TurnRecord(session_id=session_id, seq=1, speaker="buyer", text=opening.text, engine=opening.engine,
                       created_at=now, sent_at=now)  # the card carried it
        )
        if self._speaks(session):
            self._send_buyer_line(chat, ref, scenario, opening.text)
        return Started(session, scenario, ref)

    def handle(self, inbound: Inbound) -> None:
        """One rep message. A duplicate delivery of the same event does nothing."""
        key = f"{inbound.ref.platform}:{inbound.event_id}"
        if not self.repos.events.claim(key, self.clock.now()):
            log.info("duplicate event ignored", extra={"event_key": key})
            return
        verdict = self.guard.admit_inbound(inbound)
        if verdict is not Verdict.ADMIT:
            log.info("flood: a message from %s:%s set aside", inbound.person.platform, inbound.person.user_id)
            if verdict is Verdict.NOTE:
                self.chats[inbound.ref.platform].send(inbound.ref, Text(FLOOD_NOTE))
            return
        # read when the buyer's reply has gone out; from when the adapter took the message in, if it says
        started = TURN_STARTED.set(inbound.received if inbound.received is not None else time.monotonic())
        try:
            self._handle(inbound)
        except Exception:
            self.repos.events.release(key)  # let the platform's retry try again
            raise
        finally:
            TURN_STARTED.reset(started)

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
        with self._serving(session, chat, ref) as session:
            if session is None:
                return
            if event.action_id == cards.FINISH:
                self._finish(session, chat, ref)
            elif event.action_id == cards.SKIP:
                self.repos.sessions.update(session.id, state=transition(session.state, State.ABANDONED),
                                           finished_at=self.clock.now())
                SESSIONS.labels("abandoned").inc()
                chat.send(ref, Text(f"Skipped. No score this time — type `{wording_of(chat).start}` whenever you're ready."))

    def finish(self, session_id: str) -> list[BehaviorScore]:
        session = self.repos.sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        with self._lock(session_id):
            session = self.repos.sessions.get(session_id)
            assert session is not None
            return self._finish(session, self.chats[session.platform], self._session_ref(session))

    def expire_stale(self) -> int:
        """Close sessions idle past the expiry window, with a friendly note in their thread."""
        now = self.clock.now()
        expired = 0
        for session in self.repos.sessions.open_sessions():
            if session.expires_at is None or session.expires_at > now:
                continue
            with self._lock(session.id):
                self.repos.sessions.update(session.id, state=transition(session.state, State.EXPIRED), finished_at=now)
                SESSIONS.labels("expired").inc()
            chat = self.chats.get(session.platform)
            if chat is not None:
                chat.send(self._session_ref(session), Text(
                    "This practice session timed out after a day without replies. No harm done — "
                    f"type `{wording_of(chat).start}` to pick it up with a fresh scenario."))
            expired += 1
        return expired

    def resume_open_sessions(self) -> int:
        """After a restart: answer every rep turn that was stored but never got its buyer reply."""
        resumed = 0
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
                with self._lock(session.id):
                    current = self.repos.sessions.get(session.id)
                    assert current is not None
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

    def next_scenario_for(self, person: Person) -> Scenario:
        """The scenario for a rep who did not name one: the least recent, never the same twice running.

        The scheduler's spaced-repetition picker replaces this for pushes."""
        practice = sorted(self.library.all(kind="practice"), key=lambda s: s.id)
        recent = [s.scenario_id for s in self.repos.sessions.sessions_of(person.id, limit=len(practice))]  # type: ignore[arg-type]
        never = [s for s in practice if s.id not in recent]
        if never:
            return never[0]
        return next(s for s in practice if s.id == recent[-1]) if recent[-1] != recent[0] else practice[0]

    # ---- internals --------------------------------------------------------

    def _handle(self, inbound: Inbound) -> None:
        chat = self.chats[inbound.ref.platform]
        session = (
            self.repos.sessions.find_by_thread(inbound.ref.platform, inbound.ref.channel, inbound.ref.thread)
            if inbound.ref.thread else None
        )
        if session is None:
            chat.send(inbound.ref, Text(HELP))
            return
        ref = self._session_ref(session)
        if not self._owns(session, inbound.person):
            chat.send(ref, Text("This practice thread belongs to someone else — type `/practice` to start your own."))
            return
        with self._serving(session, chat, ref) as session:
            if session is not None:
                self._rep_turn(session, ref, chat, inbound)

    def _rep_turn(self, session: PracticeSession, ref: ConversationRef, chat: ChatPort, inbound: Inbound) -> None:
        turns = self.repos.sessions.turns(session.id)
        if turns and turns[-1].speaker == "rep" and turns[-1].event_id == inbound.event_id[:200]:
            # Redelivered after the buyer failed on the first try: the turn is stored; answer it, once.
            self._buyer_turn(session, ref)
            return
        unsent = self._unsent_buyer_line(turns)
        if unsent is not None and len(turns) >= 2 and turns[-2].event_id == inbound.event_id[:200]:
            # Redelivered after the platform refused the buyer's answer: send the stored answer, not a new one.
            self._deliver_buyer_turn(session, chat, ref, self.scenario_of(session), unsent)
            return
        text = inbound.text.strip()
        delivery: Delivery | None = None
        audio_engine: str | None = None
        audio_duration: float | None = None
        audio = voice_attachment(inbound)
        if audio is not None:
            result = self._hear(chat, ref, audio)
            if result is None:
                return
            heard, clip = result
            text = heard.text
            delivery = heard.delivery  # type: ignore[assignment]
            audio_engine, audio_duration = heard.stt_engine, heard.duration_s
            if not session.buyer_state.get("voice"):
                session = self.repos.sessions.update(session.id, buyer_state={**session.buyer_state, "voice": True})
        elif inbound.attachments:
            chat.send(ref, Text("I can only listen to audio clips here. Record a voice note or type your answer."))
            return

        if text.lower().strip(" .!") in DONE_WORDS:
            self._finish(session, chat, ref)
            return
        if not text:
            chat.send(ref, Text("I didn't catch anything there — type your reply to the buyer, or `done` to finish."))
            return
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
        self.repos.sessions.add_turn(TurnRecord(
            session_id=session.id, seq=seq, speaker="rep", text=text, audio_ref=audio_ref,
            engine=audio_engine, audio_duration_s=audio_duration,
            delivery=_delivery_dict(delivery), latency_s=latency, event_id=inbound.event_id[:200], created_at=now,
        ))
        first_reply = session.started_at is None
        session = self.repos.sessions.update(
            session.id, state=transition(session.state, State.STARTED), started_at=session.started_at or now,
            last_activity_at=now, expires_at=now + self.expiry,
        )
        if first_reply:
            SESSIONS.labels("started").inc()
        self._buyer_turn(session, ref)

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
                            scenario: Scenario, line: TurnRecord) -> None:
        """Send a stored buyer line and record that it reached the platform."""
        self._send_buyer_line(chat, ref, scenario, line.text or "", voice=bool(session.buyer_state.get("voice")))
        self.repos.sessions.mark_turn_sent(session.id, line.seq, self.clock.now())

    def _unsent_buyer_line(self, turns: list[TurnRecord]) -> TurnRecord | None:
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

    def _finish(self, session: PracticeSession, chat: ChatPort, ref: ConversationRef) -> list[BehaviorScore]:
        scenario = self.scenario_of(session)
        turns = [_as_turn(t) for t in self.repos.sessions.turns(session.id)]
        now = self.clock.now()
        if not any(t.speaker == "rep" for t in turns):
            self.repos.sessions.update(session.id, state=transition(session.state, State.ABANDONED), finished_at=now)
            SESSIONS.labels("abandoned").inc()
            chat.send(ref, Text("You finished before answering the buyer, so there's nothing to score. "
                                f"Type `{wording_of(chat).start}` to try again."))
            return []
        scores = self.judge.judge(JudgeContext(scenario, scenario.behaviors, turns, session.id))
        progress = {s.behavior: self.repos.sessions.recent_scores(session.person_id, s.behavior, 3, before=now)
                    for s in scores}
        self.repos.sessions.save_scores([
            BehaviorScoreRecord(
                session_id=session.id, person_id=session.person_id, behavior=s.behavior, score=s.score,
                detected=s.detected, level=s.level, confidence=s.confidence, engine=s.engine,
                evidence=list(s.evidence),
                feedback={"went_well": s.feedback.went_well, "try_next": s.feedback.try_next,
                          "rewrite": s.feedback.rewrite},
                created_at=now,
            ) for s in scores
        ])
        self.repos.sessions.update(session.id, state=transition(session.state, State.FINISHED), finished_at=now,
                                   judge_engine=scores[0].engine if scores else None)
        SESSIONS.labels("finished").inc()
        chat.send(ref, cards.scorecard(scenario, scores, progress, assessment=session.kind == "assessment"))
        return scores

    def scenario_of(self, session: PracticeSession) -> Scenario:
        """The scenario as the session saw it, even if the YAML changed since."""
        record = self.repos.scenarios.get(session.scenario_id, session.scenario_version)
        if record is not None:
            return Scenario.model_validate(record.body)
        return self.library.get(session.scenario_id)

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
                 ref: ConversationRef) -> Iterator[PracticeSession | None]:
        """Hold the session's lock with a fresh copy of it; None, after telling the rep, if it has closed."""
        with self._lock(session.id):
            current = self.repos.sessions.get(session.id)
            assert current is not None
            if is_open(current.state):
                yield current
            else:
                chat.send(ref, Text(self._closed_note(current, wording_of(chat).start)))
                yield None

    def _lock(self, session_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[session_id]


def _extension(attachment: Attachment) -> str:
    if attachment.filename and "." in attachment.filename:
        return attachment.filename.rsplit(".", 1)[1]
    return (attachment.mime or "audio/bin").split("/")[-1].split(";")[0]


def _as_turn(t: TurnRecord, clip: int | None = None) -> Turn:
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
