"""The scheduler's side of impact programmes: plan assessments, deliver them, tell managers.

Assessments (push-log kind `assessment`) and programme notices (`notice`) go
out through the outbox (bot/scheduling/outbox.py), which owns the claim, the
rate limit, the 429 slow-down and the retry rule of each.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.impact import schedule
from bot.impact.holds import offer_history
from bot.impact.programmes import Programmes, plan_of
from bot.messages import PersonRef, Text
from bot.scheduling.outbox import ASSESSMENT, NOTICE, Outbox
from scheduler.hours import local_date
from storage import Repositories
from storage.repos.programmes import ProgrammeRepo, Window
from storage.repos.pushes import NewPush

if TYPE_CHECKING:
    from bot.practice.engine import PracticeService

log = logging.getLogger(__name__)

PUSH_KIND = ASSESSMENT  # push_log.kind of an assessment push
BATCH = 50  # assessments claimed per pass
NOTICE_WINDOW = timedelta(days=7)  # manager notices are sent for programmes this new


class Assessments:
    """Plan and deliver assessments and managers' notices; `tick` is the scheduler's job."""

    def __init__(self, repos: Repositories, programmes: Programmes, store: ProgrammeRepo, practice: PracticeService,
                 outbox: Outbox) -> None:
        self.repos = repos
        self.programmes = programmes
        self.store = store
        self.practice = practice
        self.outbox = outbox
        self.clock = outbox.clock
        self.pushes = outbox.log

    def tick(self, now: datetime | None = None) -> dict[str, int]:
        """One scheduler pass: tell managers about new programmes, plan due assessments, post them.

        Each step is idempotent, so the scheduler may call this every few minutes from one leader."""
        now = now or self.clock.now()
        notices = 0
        for programme in self.store.all():
            if programme.ended_on is None and programme.created_at >= now - NOTICE_WINDOW:
                notices += self.send_notices(programme.id)  # type: ignore[arg-type]
        planned = self.plan(now)
        return {"notices": notices, "planned": planned, "posted": self.deliver(now)}

    def send_notices(self, programme_id: int) -> int:
        """Send each manager their notice once: the push-log key makes a second call a no-op."""
        sent = 0
        now = self.clock.now()
        chats = self.practice.chats
        for notice in self.programmes.manager_notices(programme_id):
            manager = self.repos.people.get(notice.manager_id)
            if manager is None or manager.deleted_at is not None or manager.platform not in chats:
                continue
            row = self.outbox.claim(NewPush(f"programme-notice:{programme_id}:{notice.manager_id}", NOTICE,
                                            notice.manager_id, now))
            if row is None:
                continue
            ws = self.repos.people.workspace_of(manager)
            who = PersonRef(manager.platform, ws.external_id, manager.platform_user_id, manager.display_name,
                            manager.tz)
            chat = chats[manager.platform]
            attempt = self.outbox.send(row, manager.platform, chat.send_direct, who, Text(notice.text))
            if attempt.sent:  # otherwise the notice waits for a later pass; the programme itself is fine
                self.outbox.mark_sent(row)
                sent += 1
        return sent

    def plan(self, now: datetime | None = None) -> int:
        """Put every assessment due today into the push log (inside each rep's working hours).

        Safe to call as often as you like: keys are unique, so nothing is planned twice. Returns new rows."""
        now = now or self.clock.now()
        scenarios = self.programmes.assessment_scenarios()
        rows: list[NewPush] = []
        for programme in self.store.all():
            if programme.ended_on is not None and programme.ended_on < now.date() - timedelta(days=1):
                continue  # (a programme not yet begun, or between rounds, simply has nothing due)
            plan = plan_of(programme)
            members = [r for r in self.store.members(programme.id) if not r.deleted]  # type: ignore[arg-type]
            windows = self.store.windows(r.person_id for r in members)
            history = offer_history(self.store, programme, windows)
            by_day: dict[date, list[schedule.MemberPlan]] = {}
            for r in members:
                window = windows.get(r.person_id)
                if window is None:
                    continue
                by_day.setdefault(local_date(window.tz, now), []).append(
                    schedule.MemberPlan(r.person_id, r.cohort, r.practice_from))
            for today, group in by_day.items():
                for due in schedule.due_assessments(plan, group, history, today, scenarios):
                    at = schedule.push_time(now, _hours(windows[due.person_id]))
                    if at is not None:
                        rows.append(NewPush(due.key, PUSH_KIND, due.person_id, at, scenario_id=due.scenario_id))
        return self.outbox.enqueue(rows)

    def deliver(self, now: datetime | None = None, limit: int = BATCH) -> int:
        """Post the due assessment cards. A crash after posting never posts the card twice. Returns cards posted."""
        now = now or self.clock.now()
        posted = 0
        practice = self.practice
        for row in self.outbox.claim_due(PUSH_KIND, limit):
            parsed = schedule.parse_assessment_key(row.idempotency_key)
            existing = self.repos.sessions.find_by_push_key(row.idempotency_key)
            if existing is not None:  # posted before a crash: record it, do not post again
                self.outbox.mark_sent(row, existing.id)
                continue
            person = self.repos.people.get(row.person_id) if row.person_id is not None else None
            programme = self.store.get(parsed[0]) if parsed else None
            if parsed is None or programme is None or row.scenario_id is None:
                self.outbox.give_up(row, "not an assessment key this version understands")
                continue
            if person is None or person.deleted_at is not None:
                self.outbox.skip(row, "the rep is no longer here")
                continue
            if programme.ended_on is not None and programme.ended_on <= now.date():
                self.outbox.skip(row, "the programme has ended")
                continue
            if person.platform not in practice.chats:
                self.outbox.defer(row, now + timedelta(hours=1), f"no {person.platform} adapter here")
                continue
            hours = _hours(self.store.windows([person.id])[person.id])  # type: ignore[list-item,index]
            if schedule.push_time(now, hours) != now:  # a late worker must not post an assessment at night
                self.outbox.defer(row, schedule.next_window_start(now, hours), "outside working hours")
                continue
            attempt = self.outbox.send(row, person.platform, practice.start, practice.person_ref(person),
                                       row.scenario_id, push_key=row.idempotency_key)
            if attempt.value is None:
                continue  # back in the log (retry, 429) or given up, with the reason
            self.repos.sessions.update(attempt.value.session.id, programme_id=programme.id)
            self.outbox.mark_sent(row, attempt.value.session.id)
            posted += 1
        return posted


def _hours(window: Window) -> schedule.WorkingHours:
    return schedule.WorkingHours(window.tz, window.window_start, window.window_end, window.weekdays)
