"""Nudges: one friendly reminder for a pushed scenario the rep has not started, at most two per push.

A nudge waits for the cadence's delay (default: the next working morning),
is only sent inside the rep's working hours and never while they are snoozed,
and stops once the rep starts, skips or lets the session expire. A pushed
session stays open until its nudges have had their chance and a day after the
last one, so "still waiting" is always true when a nudge says it. Each nudge is
a push-log row keyed `nudge:{session}:{n}`, claimed through the outbox before
it is sent, so a retry, a restart or a second worker never sends it twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.messages import Text
from bot.practice.engine import PracticeService
from bot.practice.states import State
from bot.scheduling.cadences import CadenceService
from bot.scheduling.outbox import NUDGE, RATE_LIMITED, Outbox
from bot.scheduling.pushes import NUDGE_GRACE
from scenarios.loader import ScenarioLibrary
from scheduler.hours import in_working_hours, local_date, nudge_due_at
from storage import Repositories
from storage.models import Person, PracticeSession, PushLog
from storage.repos.pushes import NewPush

log = logging.getLogger(__name__)


def nudge_key(session_id: str, n: int) -> str:
    return f"nudge:{session_id}:{n}"


@dataclass(frozen=True)
class NudgeReport:
    sent: int = 0
    rate_limited: int = 0


def nudge_text(title: str, minutes: int, n: int) -> str:
    if n == 1:
        return (f"A gentle nudge: your practice scenario *{title}* is still waiting in our thread. "
                f"It takes about {minutes} minutes — reply there whenever you have a moment.")
    return (f"Last reminder for *{title}*: it's still open in our thread if you'd like a quick "
            f"{minutes}-minute rep. No worries if not — it closes on its own.")


class NudgeService:
    """Nudge reps who have not started a pushed session: at most twice, in working hours, never while snoozed."""

    def __init__(self, repos: Repositories, practice: PracticeService, library: ScenarioLibrary,
                 cadences: CadenceService, outbox: Outbox) -> None:
        self.repos = repos
        self.practice = practice
        self.library = library
        self.cadences = cadences
        self.outbox = outbox
        self.clock = outbox.clock
        self.pushes = outbox.log

    def send_due(self) -> NudgeReport:
        """Nudge every unstarted pushed session whose nudge is due now."""
        sent = limited = 0
        for session in self.repos.sessions.open_sessions():
            if session.push_key is None or session.state != State.OFFERED:
                continue
            outcome = self._maybe_nudge(session)
            sent += outcome == "sent"
            limited += outcome == "rate_limited"
        return NudgeReport(sent, limited)

    def _maybe_nudge(self, session: PracticeSession) -> str:
        now = self.clock.now()
        person = self.repos.people.get(session.person_id)
        if person is None or person.deleted_at is not None or person.team_id is None:
            return "no"
        spec = self.cadences.stored(person.team_id)
        if spec is None or session.nudges_sent >= spec.max_nudges:
            return "no"
        if session.expires_at is not None and session.expires_at <= now:
            return "no"  # expiring: the expiry note says goodbye instead
        if person.snoozed_until is not None and local_date(person.tz, now) <= person.snoozed_until:
            return "no"
        n = session.nudges_sent + 1
        since = session.offered_at
        if n > 1:
            previous = self.pushes.get(nudge_key(session.id, n - 1))
            since = previous.sent_at if previous is not None and previous.sent_at else since
        due = nudge_due_at(spec, person.tz, since)
        if due > now or not in_working_hours(spec, person.tz, now):
            return "no"
        row = self.outbox.claim(NewPush(nudge_key(session.id, n), NUDGE, person.id, due, session_id=session.id,
                                        scenario_id=session.scenario_id))
        if row is None:
            return "no"  # another worker has it, it waits for its retry, or it was sent or given up
        return self._send(person, session, row, n)

    def _send(self, person: Person, session: PracticeSession, row: PushLog, n: int) -> str:
        chat = self.practice.chats.get(person.platform)
        if chat is None:
            self.outbox.failed(row, f"this worker has no {person.platform} connection")
            return "no"
        try:
            scenario = self.library.get(session.scenario_id)
            title, minutes = scenario.title, scenario.expected_minutes
        except KeyError:
            title, minutes = session.scenario_id, 10
        attempt = self.outbox.send(row, person.platform, chat.send_direct, self.practice.person_ref(person),
                                   Text(nudge_text(title, minutes, n)))
        if not attempt.sent:
            return "rate_limited" if attempt.outcome == RATE_LIMITED else "no"
        # "Still waiting" must stay true: the session stays open for the next nudge, and after the
        # last one for a whole day more, then expires with its friendly note.
        now = self.clock.now()
        spec = self.cadences.get(person.team_id) if person.team_id is not None else None
        if spec is not None and n < spec.max_nudges:
            keep_until = nudge_due_at(spec, person.tz, now) + NUDGE_GRACE
        else:
            keep_until = now + self.practice.expiry
        expires = max(session.expires_at or now, keep_until)
        self.repos.sessions.update(session.id, nudges_sent=n, expires_at=expires)
        self.outbox.mark_sent(row, session.id)
        return "sent"
