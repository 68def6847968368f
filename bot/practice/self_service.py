"""What a rep asks about themselves, on any platform: their progress (/progress) and a pause (/snooze).

The answers are core messages (a Card, a Text) that each adapter renders; bad
input comes back as `SelfServiceError` with a sentence the rep can act on.
`home` maps a user who writes from outside any workspace (a Discord DM) to the
identity they practise under in their workspace.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.messages import Card, ConversationRef, Field, PersonRef, Text
from bot.ports import Clock
from bot.practice.cards import trend_text
from bot.practice.states import is_open
from scheduler.hours import local_date
from scoring import get_behavior
from storage import Repositories
from storage.models import Person
from storage.repos.identities import IdentityRepo

SNOOZE_MAX_DAYS = 180
RECENT_DAYS = 14


class SelfServiceError(ValueError):
    """Input a rep can fix; `user_message` is safe to show them as is."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


@dataclass(frozen=True)
class OpenSession:
    """A practice session the rep left open on a platform, with what was said so far."""

    session_id: str
    ref: ConversationRef
    transcript: tuple[tuple[str, str], ...]  # (speaker: "rep" | "buyer", text), oldest first
    buyer: str = "Buyer"  # the persona's name, so a resumed session keeps it


class RepSelfService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock
        self.identities = IdentityRepo(repos.db)

    def home(self, who: PersonRef) -> PersonRef:
        """`who`, written from outside any workspace, as the one workspace identity they have (if exactly one)."""
        found = [(p, ws) for p, ws in self.identities.identities(who.platform, who.user_id)
                 if ws.external_id != who.workspace]
        if len(found) != 1:
            return who
        person, ws = found[0]
        return PersonRef(who.platform, ws.external_id, who.user_id, who.display_name or person.display_name,
                         person.tz, who.is_bot)

    def today(self, who: PersonRef) -> date:
        """The date where the person is (their time zone, else UTC): what "until Friday" is read against."""
        return local_date(who.tz, self.clock.now())

    def open_session(self, who: PersonRef) -> OpenSession | None:
        """The rep's latest session still open on their platform (to resume it), or None."""
        person = self._person(who)
        if person is None:
            return None
        found = [s for s in self.repos.sessions.open_sessions(person.id) if s.platform == who.platform]  # type: ignore[arg-type]
        if not found:
            return None
        session = found[-1]
        turns = tuple((t.speaker, t.text or "") for t in self.repos.sessions.turns(session.id))
        record = self.repos.scenarios.get(session.scenario_id, session.scenario_version)
        persona = (record.body.get("persona") or {}).get("name") if record is not None else None
        return OpenSession(session.id, ConversationRef(session.platform, session.workspace, session.channel,
                                                       session.thread), turns, persona or "Buyer")

    def session_is_open(self, session_id: str) -> bool:
        """Whether the session still takes turns (not finished, skipped or expired)."""
        session = self.repos.sessions.get(session_id)
        return session is not None and is_open(session.state)

    def progress(self, who: PersonRef) -> Card:
        """The rep's scores per behavior: latest, trend against their earlier sessions, and how many."""
        person = self._person(who)
        scores = self.repos.sessions.scores_of_person(person.id) if person is not None else []  # type: ignore[arg-type]
        if person is None or not scores:
            return Card(kind="notice", title="Your practice progress",
                        body="No scored sessions yet. Type `/practice` to start one: about ten minutes, "
                             "and your scorecard shows up here afterwards.")
        by_behavior: defaultdict[str, list[int]] = defaultdict(list)
        for row in scores:  # oldest first
            by_behavior[row.behavior].append(row.score)
        fields = []
        for behavior, history in sorted(by_behavior.items(), key=lambda kv: -len(kv[1])):
            latest, earlier = history[-1], list(reversed(history[:-1]))[:3]
            count = f"{len(history)} session" + ("s" if len(history) != 1 else "")
            fields.append(Field(get_behavior(behavior).name, f"*{latest}/100* · {trend_text(latest, earlier)} · {count}"))
        now = self.clock.now()
        recent = self.repos.sessions.finished_count_since(person.id, now - timedelta(days=RECENT_DAYS))  # type: ignore[arg-type]
        sessions = len({row.session_id for row in scores})
        return Card(kind="notice", title="Your practice progress",
                    body=f"{sessions} scored session" + ("s" if sessions != 1 else "")
                         + f", {recent} in the last {RECENT_DAYS} days.",
                    fields=tuple(fields[:20]), footer="Only you can see this.")

    def snooze(self, who: PersonRef, until: date | None) -> Text:
        """Pause practice pushes until a date (None resumes them). The date is in the rep's own time zone."""
        person = self._person(who) or self._ensure(who)
        if until is None:
            self.repos.people.snooze(person.id, None)  # type: ignore[arg-type]
            return Text("Snooze cleared: practice pushes are back on your usual cadence.")
        today = self._today(person)
        if until <= today:
            raise SelfServiceError(f"{until:%d %B %Y} isn't in the future. Pick a date after today "
                                   f"({today:%d %B %Y}), written like {today + timedelta(days=7):%Y-%m-%d}.")
        if until > today + timedelta(days=SNOOZE_MAX_DAYS):
            raise SelfServiceError(f"A snooze can last at most {SNOOZE_MAX_DAYS} days (until "
                                   f"{today + timedelta(days=SNOOZE_MAX_DAYS):%d %B %Y}). Pick an earlier date, "
                                   "or ask your manager about a longer break.")
        self.repos.people.snooze(person.id, until)  # type: ignore[arg-type]
        return Text(f"Snoozed: no practice pushes until {until:%A %d %B %Y}. You can still type `/practice` any "
                    "time, and `/snooze` with no date ends the snooze early.")

    def _person(self, who: PersonRef) -> Person | None:
        return self.repos.people.find(who.platform, who.workspace, who.user_id)

    def _ensure(self, who: PersonRef) -> Person:
        person, _ = self.repos.people.ensure_person(who.platform, who.workspace, who.user_id, self.clock.now(),
                                                    who.display_name, who.tz)
        return person

    def _today(self, person: Person) -> date:
        now: datetime = self.clock.now()
        return local_date(person.tz, now)
