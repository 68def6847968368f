"""Who a Slack user is and where to DM them, fetched once and kept in the database.

Slack throttles users.info and conversations.open (Tier 3/4); a push wave that
called them for every rep would take minutes. So a person's name and time zone
are stored on first contact and refreshed after a day, and the DM channel id is
stored once — every process and every restart reuses them.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.client import Clients, NotInstalled, as_clients
from adapters.slack.parse import PLATFORM
from bot.messages import PersonRef
from bot.people.directory import PeopleDirectory
from bot.ports import Clock

log = logging.getLogger(__name__)

PROFILE_TTL = timedelta(days=1)


@dataclass(frozen=True)
class Identity:
    """The bot's own identity from auth.test: its workspace and user ids."""

    team_id: str
    bot_user_id: str
    bot_id: str
    team_name: str = ""


class NotAMember(Exception):
    """The user belongs to another workspace (Slack Connect): Rehearse only coaches its own."""


class SlackDirectory:
    def __init__(self, clients: WebClient | Clients, people: PeopleDirectory, clock: Clock,
                 profile_ttl: timedelta = PROFILE_TTL) -> None:
        self.clients = as_clients(clients)
        self.people = people
        self.clock = clock
        self.profile_ttl = profile_ttl
        self._identity: dict[str, Identity] = {}
        self._dm: dict[tuple[str, str], str] = {}
        # Every rep message resolves its sender; keep fresh profiles in memory too, not just in the database.
        self._known: dict[tuple[str, str], tuple[PersonRef, datetime]] = {}
        self._lock = threading.Lock()

    def identity(self, workspace: str = "") -> Identity:
        """auth.test, once per process (and per workspace when each has its own installation)."""
        key = workspace if self.clients.per_workspace else ""
        with self._lock:
            known = self._identity.get(key)
            if known is None:
                data = self.clients(workspace).auth_test()
                known = self._identity[key] = Identity(str(data.get("team_id") or ""), str(data.get("user_id") or ""),
                                                       str(data.get("bot_id") or ""), str(data.get("team") or ""))
            return known

    def resolve(self, who: PersonRef) -> PersonRef:
        """The person with their name and time zone, stored on first contact.

        Raises NotAMember for someone from another workspace (one that has not installed Rehearse,
        when each workspace has its own installation). A users.info failure never blocks practice:
        the person goes on with what is already known."""
        # With one token, "home" is that token's workspace; with an installation per workspace,
        # everyone belongs to their own, provided it installed Rehearse.
        home = who.workspace if self.clients.per_workspace else self.identity().team_id
        if who.workspace and home and who.workspace != home:
            raise NotAMember(who.user_id)
        if self.clients.per_workspace:
            try:
                self.clients(who.workspace)
            except NotInstalled:
                raise NotAMember(who.user_id) from None
        workspace = home or who.workspace
        now = self.clock.now()
        known = self._known.get((workspace, who.user_id))
        if known is not None and now - known[1] < self.profile_ttl:
            return known[0]
        stored = self.people.known(replace(who, platform=PLATFORM, workspace=workspace))
        if stored is not None and stored.profile_fetched_at and now - stored.profile_fetched_at < self.profile_ttl:
            return self._remember(stored.ref, stored.profile_fetched_at)
        profile = self._users_info(workspace, who.user_id)
        if profile is None:
            return stored.ref if stored is not None else replace(who, workspace=workspace)
        if home and profile.get("team_id") and profile["team_id"] != home:
            raise NotAMember(who.user_id)
        name = _display_name(profile) or who.display_name or who.user_id
        tz = profile.get("tz") or (stored.ref.tz if stored is not None else None) or "UTC"
        fresh = PersonRef(PLATFORM, workspace, who.user_id, name, tz, bool(profile.get("is_bot")))
        return self._remember(self.people.remember_profile(fresh, now), now)

    def dm_channel(self, who: PersonRef) -> str:
        """The bot's DM with the person: conversations.open once, then the stored id."""
        key = (who.workspace, who.user_id)
        cached = self._dm.get(key)
        if cached:
            return cached
        channel = self.people.ensure(replace(who, platform=PLATFORM)).dm_channel
        if not channel:
            channel = str(self.clients(who.workspace).conversations_open(users=who.user_id)["channel"]["id"])
            self.people.remember_dm_channel(replace(who, platform=PLATFORM), channel)
        self._dm[key] = channel
        return channel

    def forget_dm_channel(self, who: PersonRef) -> None:
        """After Slack says the stored DM is gone (channel_not_found), open a new one next time."""
        self._dm.pop((who.workspace, who.user_id), None)
        self.people.remember_dm_channel(replace(who, platform=PLATFORM), None)

    def _remember(self, ref: PersonRef, fetched_at: datetime) -> PersonRef:
        self._known[(ref.workspace, ref.user_id)] = (ref, fetched_at)
        return ref

    def _users_info(self, workspace: str, user_id: str) -> dict | None:
        try:
            return dict(self.clients(workspace).users_info(user=user_id)["user"])
        except NotInstalled:
            raise NotAMember(user_id) from None  # their workspace has not installed Rehearse
        except SlackApiError as exc:
            if exc.response.get("error") == "user_not_found":
                raise NotAMember(user_id) from None  # not visible from this workspace
            log.warning("users.info failed for %s: %s", user_id, exc.response.get("error"))
            return None


def _display_name(user: dict) -> str:
    profile = user.get("profile") or {}
    return str(profile.get("display_name") or profile.get("real_name") or user.get("real_name")
               or user.get("name") or "")
