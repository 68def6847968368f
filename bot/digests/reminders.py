"""'Nudge the reps who haven't practised': one reminder per rep per digest, under the nudge rules.

The rules are the ones scheduled nudges follow (bot/scheduling/nudges.py): never while a
rep is snoozed, never when their team switched nudges off (max_nudges 0), only
inside the rep's working hours (outside them the nudge waits in the push log for
their next working morning), and not at all once they have practised. Each
nudge is a push-log row keyed `digest-nudge:{digest}:{rep}`, claimed through the
outbox (bot/scheduling/outbox.py, which also owns its retry rule) before it is sent, so pressing the button twice, a platform retry or a second worker
never sends a rep two reminders for one digest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.digests.model import DigestData
from bot.digests.periods import Period
from bot.digests.render import join_names
from bot.messages import PersonRef, Text
from bot.ports import ChatPort, Clock
from bot.scheduling.cadences import spec_from_row
from bot.scheduling.outbox import DIGEST_NUDGE, Outbox
from scheduler.cadence import CadenceSpec
from scheduler.hours import in_working_hours, local_date, next_working_start, zone
from storage import Repositories
from storage.models import PushLog
from storage.repos.digests import DigestRepo, Member, TeamView
from storage.repos.pushes import NewPush

log = logging.getLogger(__name__)

KIND = DIGEST_NUDGE  # its own push-log kind: the push and nudge deliverers never claim these rows
BATCH = 200  # queued nudges sent per run


def nudge_key(digest_id: int, person_id: int) -> str:
    return f"digest-nudge:{digest_id}:{person_id}"


def nudge_text(rep_name: str, manager_name: str) -> str:
    first, boss = rep_name.split()[0] if rep_name.strip() else rep_name, manager_name.split()[0]
    return (f"Hi {first}! {boss} asked me to give you a nudge: there's been no practice round in the last "
            "two weeks. Type `/practice` for a 10-minute scenario whenever you have a moment.")


def person_ref(m: Member) -> PersonRef:
    return PersonRef(m.platform, m.workspace, m.platform_user_id, m.display_name, m.tz)


@dataclass
class NudgeOutcome:
    """What happened to each rep, in words a manager reads."""

    sent: list[str] = field(default_factory=list)
    queued: list[tuple[str, datetime, str]] = field(default_factory=list)  # name, when (UTC), their tz
    skipped: list[tuple[str, str]] = field(default_factory=list)  # name, why
    notes: list[str] = field(default_factory=list)

    def reply(self) -> str:
        parts = []
        if self.sent:
            parts.append(f"Nudged {join_names(self.sent)}.")
        for name, when, tz in self.queued:
            local = when.astimezone(zone(tz))
            parts.append(f"{name} is outside working hours, so their nudge goes out at {local:%H:%M} their time "
                         f"on {local:%a %d %b}.")
        for name, why in self.skipped:
            parts.append(f"I left {name} alone: {why}.")
        parts.extend(self.notes)
        return " ".join(parts) or "Everyone on this digest has practised since, so there was no one to nudge."


class DigestNudger:
    def __init__(self, repos: Repositories, chats: dict[str, ChatPort], clock: Clock, outbox: Outbox) -> None:
        self.repos = repos
        self.chats = chats
        self.clock = clock
        self.outbox = outbox
        self.pushes = outbox.log
        self.digests = DigestRepo(repos.db)

    def nudge(self, digest_id: int, data: DigestData, manager_id: int) -> NudgeOutcome:
        """Nudge the digest's reps who had not practised, if they still report to this manager."""
        now = self.clock.now()
        view = TeamView.for_viewer(self.repos.db, manager_id)
        members = {m.person_id: m for m in view.members()}
        period = Period(data.period_start, data.period_end)
        since = period.utc_bounds(view.viewer.tz)[0]
        practised = {t.person_id for t in view.tallies([(since, now)]) if t.finished}
        outcome = NudgeOutcome()
        for rep in data.not_practised:
            m = members.get(rep.person_id)
            if m is None:
                outcome.skipped.append((rep.name, "they no longer report to you"))
                continue
            if m.person_id in practised:
                outcome.skipped.append((rep.first_name, "they have practised since"))
                continue
            spec = self._spec(m)
            why = self._rule_out(m, spec, now)
            if why:
                outcome.skipped.append((rep.first_name, why))
                continue
            key = nudge_key(digest_id, m.person_id)
            if self.pushes.get(key) is not None:
                outcome.skipped.append((rep.first_name, "already nudged from this digest"))
                continue
            if not in_working_hours(spec, m.tz, now):
                due = next_working_start(spec, m.tz, now)
                self.outbox.enqueue([NewPush(key, KIND, m.person_id, due)])
                outcome.queued.append((rep.first_name, due, m.tz))
                continue
            row = self.outbox.claim(NewPush(key, KIND, m.person_id, now))
            if row is None:
                outcome.skipped.append((rep.first_name, "already nudged from this digest"))
                continue
            if self._send(row, m, data.manager_name):
                outcome.sent.append(rep.first_name)
            else:
                outcome.notes.append(f"I couldn't reach {rep.first_name} just now; I'll try again in a few minutes.")
        return outcome

    def send_due(self) -> int:
        """Send the queued digest nudges whose working morning has come; returns how many went out."""
        now = self.clock.now()
        rows = self.outbox.claim_due(KIND, BATCH)
        people = {m.person_id: m for m in self.digests.people({r.person_id for r in rows if r.person_id})}
        sent = 0
        for row in rows:
            m = people.get(row.person_id or -1)
            digest = self.digests.get(int(row.idempotency_key.split(":")[1]))
            if m is None or digest is None:
                self.outbox.skip(row, "rep or digest no longer exists")
                continue
            why = self._rule_out(m, self._spec(m), now)
            if why is None and self.repos.sessions.finished_count_since(m.person_id, row.created_at) > 0:
                why = "they have practised since"
            if why:
                self.outbox.skip(row, why)
                continue
            sent += self._send(row, m, str(digest.payload.get("manager_name", "Your manager")))
        return sent

    # ---- rules and delivery --------------------------------------------------

    def _spec(self, m: Member) -> CadenceSpec:
        return spec_from_row(m.cadence) if m.cadence is not None else CadenceSpec()

    def _rule_out(self, m: Member, spec: CadenceSpec, now: datetime) -> str | None:
        if m.snoozed_until is not None and local_date(m.tz, now) <= m.snoozed_until:
            return f"snoozed until {m.snoozed_until:%d %b}"
        if spec.max_nudges == 0:
            return "their team has nudges switched off"
        if m.platform not in self.chats:
            return f"I'm not connected to {m.platform} here"
        return None

    def _send(self, row: PushLog, m: Member, manager_name: str) -> bool:
        chat = self.chats[m.platform]
        attempt = self.outbox.send(row, m.platform, chat.send_direct, person_ref(m),
                                   Text(nudge_text(m.display_name, manager_name)))
        if attempt.sent:
            self.outbox.mark_sent(row)
        return attempt.sent
