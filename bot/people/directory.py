"""Who a chat user is, as the core stores them: the use cases an adapter's directory calls.

A platform's directory (Slack's users.info and conversations.open) learns a
person's name, time zone and DM channel; this is where it keeps them, keyed by
`PersonRef`, so an adapter never touches storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.messages import PersonRef
from bot.ports import Clock
from storage import Repositories
from storage.models import Person


@dataclass(frozen=True)
class KnownPerson:
    """What is stored about a person: their ref (with name and zone), when the profile was read, their DM."""

    ref: PersonRef
    profile_fetched_at: datetime | None
    dm_channel: str | None


class PeopleDirectory:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    def known(self, who: PersonRef) -> KnownPerson | None:
        """The stored person, or None on first contact."""
        person = self.repos.people.find(who.platform, who.workspace, who.user_id)
        return _known(person, who) if person is not None else None

    def remember_profile(self, who: PersonRef, fetched_at: datetime) -> PersonRef:
        """Store (or refresh) the name and time zone a platform just told us; `who` carries them."""
        self.repos.people.remember_profile(who.platform, who.workspace, who.user_id, who.display_name or who.user_id,
                                           who.tz or "UTC", fetched_at, self.clock.now())
        return who

    def remember_dm_channel(self, who: PersonRef, channel: str | None) -> None:
        """The DM channel to reuse across processes and restarts (None: open a new one next time)."""
        people = self.repos.people
        if not people.set_dm_channel(who.platform, who.workspace, who.user_id, channel, self.clock.now()) and channel:
            self._ensure(who)  # not stored yet: create them, then keep the channel
            people.set_dm_channel(who.platform, who.workspace, who.user_id, channel, self.clock.now())

    def ensure(self, who: PersonRef) -> KnownPerson:
        """The person, created on first contact."""
        return _known(self._ensure(who), who)

    def _ensure(self, who: PersonRef) -> Person:
        person, _ = self.repos.people.ensure_person(who.platform, who.workspace, who.user_id, self.clock.now(),
                                                    who.display_name, who.tz)
        return person


def _known(person: Person, who: PersonRef) -> KnownPerson:
    ref = PersonRef(person.platform, who.workspace, person.platform_user_id, person.display_name, person.tz)
    return KnownPerson(ref, person.profile_fetched_at, person.dm_channel_id)
