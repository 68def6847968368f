"""DigestService: build a manager's digest, deliver the due ones, and answer the digest's buttons.

- `build(manager_id, period)`: a constant number of aggregate queries, then
  pure composition and the chart (the CLI preview and delivery share it).
- `deliver_due(now)`: every manager whose local digest day and hour has come
  (within a grace window, so a bot that was down still delivers that day) and
  whose period has no delivered digest gets one DM: the card, then the chart.
  Its push-log row `digest:manager:{person}:{period start}` is claimed through
  the outbox (bot/scheduling/outbox.py, which owns the retry rule) before
  sending, so two workers or a re-run never send a manager the same digest
  twice. Queued digest nudges go out in the same job.
- Buttons (`act`): Nudge, Assign, Open the full report. Only the digest's
  manager may press them; anyone else gets a polite refusal and nothing changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.actions import ActionRouter
from bot.digests import render
from bot.digests.charts import ChartRenderer
from bot.digests.compose import DigestPolicy, compose
from bot.digests.model import DigestData
from bot.digests.periods import Period, latest_digest_moment, parse_period, trailing
from bot.digests.reminders import DigestNudger, person_ref
from bot.messages import ActionEvent, Text
from bot.ports import ChatPort, Clock
from bot.practice.engine import PracticeOnHold
from bot.scheduling.outbox import ASSIGN, DIGEST, RATE_LIMITED, Outbox
from scenarios.loader import ScenarioLibrary, UnknownScenario
from scheduler.hours import zone
from storage import Repositories
from storage.repos.digests import DigestRepo, ManagerSchedule, TeamView
from storage.repos.pushes import NewPush

if TYPE_CHECKING:
    from bot.practice.engine import PracticeService, Started
    from storage.repos.digests import Member

log = logging.getLogger(__name__)

ASSIGN_KIND = ASSIGN  # push-log kind of a scenario a manager assigned from a digest


class NotAManager(LookupError):
    """The CLI or a caller named someone who gets no digest; the message says who does."""


@dataclass(frozen=True)
class BuiltDigest:
    data: DigestData
    chart: bytes


@dataclass
class DeliveryRun:
    """What one `deliver_due` pass did (for logs and the scheduler's status)."""

    delivered: int = 0
    already: int = 0
    failed: int = 0
    rate_limited: int = 0
    unreachable: int = 0
    empty: int = 0  # managers with no reports: nothing to say, nothing sent
    nudges_sent: int = 0
    errors: list[str] = field(default_factory=list)


class DigestService:
    def __init__(
        self,
        repos: Repositories,
        library: ScenarioLibrary,
        chats: dict[str, ChatPort],
        clock: Clock,
        data_dir: Path,
        practice: Callable[[], PracticeService] | None = None,
        *,
        policy: DigestPolicy = DigestPolicy(),
        outbox: Outbox,
        charts: ChartRenderer | None = None,
        grace: timedelta = timedelta(days=2),
    ) -> None:
        self.repos = repos
        self.library = library
        self.chats = chats  # shared, not copied: platforms connected later are seen here too
        self.clock = clock
        self.data_dir = Path(data_dir)
        self._practice = practice
        self.policy = policy
        self.charts = charts or ChartRenderer()
        self.outbox = outbox
        self.pushes = outbox.log
        self.grace = grace
        self.store = DigestRepo(repos.db)
        self.nudger = DigestNudger(repos, chats, clock, outbox)

    def register(self, actions: ActionRouter) -> None:
        for action_id in (render.NUDGE, render.ASSIGN, render.REPORT):
            actions.register(action_id, self.act)

    # ---- building ---------------------------------------------------------------

    def schedule(self, manager_id: int) -> ManagerSchedule:
        found = self.store.managers(manager_id)
        if not found:
            raise NotAManager(f"person {manager_id} is not an active manager, so there is no digest for them")
        return found[0]

    def build(self, manager_id: int, period: Period | str = "last") -> BuiltDigest:
        """A manager's digest for a period, or for a --period word or date ("last", "current",
        "previous", "2026-11-09") read in their time zone. Raises NotAManager, or ValueError for
        a period that is neither."""
        schedule = self.schedule(manager_id)
        if isinstance(period, str):
            today = self.clock.now().astimezone(zone(schedule.member.tz)).date()
            period = parse_period(period, today, schedule.digest_weekday)
        return self.build_for(schedule, period, self.clock.now())

    def build_for(self, schedule: ManagerSchedule, period: Period, now: datetime) -> BuiltDigest:
        """Build from an already-loaded schedule (`DigestRepo.managers()` loads everyone's in two queries)."""
        manager = schedule.member
        trend = trailing(period, self.policy.trend_periods)
        view = TeamView.for_viewer(self.repos.db, manager.person_id)
        inputs = view.team_inputs([p.utc_bounds(manager.tz) for p in trend])
        today = now.astimezone(zone(manager.tz)).date()
        data = compose(manager.person_id, manager.display_name, inputs, trend, now, today,
                       self.library.all(), self.policy)
        return BuiltDigest(data, self.charts.render(data))

    def chart_path(self, data: DigestData) -> Path:
        return self.data_dir / "digests" / f"{data.manager_id}-{data.period_start}.png"

    def save_chart(self, built: BuiltDigest) -> Path:
        path = self.chart_path(built.data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(built.chart)
        return path

    # ---- delivery ---------------------------------------------------------------

    def deliver_due(self, now: datetime | None = None) -> DeliveryRun:
        """Deliver every digest that is due and not yet delivered; safe to run as often as you like."""
        now = now or self.clock.now()
        run = DeliveryRun()
        due: list[tuple[ManagerSchedule, Period]] = []
        for schedule in self.store.managers():
            moment, period = latest_digest_moment(now, schedule.member.tz, schedule.digest_weekday,
                                                  schedule.digest_hour)
            if now - moment > self.grace:
                continue
            if schedule.member.platform not in self.chats:
                run.unreachable += 1
                continue
            due.append((schedule, period))
        if due:
            earliest = min(p.start for _, p in due)
            done = self.store.delivered([s.member.person_id for s, _ in due], earliest)
            for schedule, period in due:
                if (schedule.member.person_id, period.start) in done:
                    run.already += 1
                    continue
                outcome = self._deliver(schedule, period, now)
                setattr(run, outcome, getattr(run, outcome) + 1)
        run.nudges_sent = self.nudger.send_due()
        if run.delivered or run.failed:
            log.info("digests: %s", run)
        return run

    def _deliver(self, schedule: ManagerSchedule, period: Period, now: datetime) -> str:
        manager = schedule.member
        built = self.build_for(schedule, period, now)
        if not built.data.reps:
            return "empty"
        path = self.save_chart(built)
        record = self.store.save(manager.person_id, period.start, period.end, built.data.model_dump(mode="json"),
                                 str(path), now)
        assert record.id is not None
        if record.delivered_at is not None:
            return "already"
        key = f"digest:manager:{manager.person_id}:{period.start.isoformat()}"
        row = self.outbox.claim(NewPush(key, DIGEST, manager.person_id, now))
        if row is None:
            return "already"  # another worker has it, it waits for its retry, or it was given up
        chat = self.chats[manager.platform]
        who = person_ref(manager)
        card = render.digest_card(built.data, record.id)
        attempt = self.outbox.send(row, manager.platform, chat.send_direct, who, card)
        if not attempt.sent:
            return "rate_limited" if attempt.outcome == RATE_LIMITED else "failed"
        self.store.mark_delivered(record.id, self.clock.now())
        self.outbox.mark_sent(row)
        try:
            self.outbox.limiter.acquire(manager.platform)
            chat.send_direct(who, render.digest_image(built.data, built.chart))
        except Exception:  # the card (with the report button) went out; a lost chart is not worth a resend
            log.warning("digest chart for manager %s could not be uploaded", manager.person_id, exc_info=True)
        return "delivered"

    # ---- buttons ----------------------------------------------------------------

    def act(self, event: ActionEvent) -> None:
        """A press on a digest button. A platform retry of the same press does nothing."""
        key = f"{event.ref.platform}:action:{event.event_id}"
        if not self.repos.events.claim(key, self.clock.now()):
            return
        chat = self.chats.get(event.ref.platform)
        if chat is None:
            return
        try:
            reply = self._act(event)
        except Exception:
            self.repos.events.release(key)  # let the platform's retry try again
            raise
        chat.send(event.ref, Text(reply))

    def _act(self, event: ActionEvent) -> str:
        record = self.store.get(int(event.value)) if event.value.isdigit() else None
        if record is None:
            return "I can't find that digest any more. Your next one will arrive on schedule."
        presser = self.repos.people.find(event.person.platform, event.person.workspace, event.person.user_id)
        if presser is None or presser.id != record.manager_id:
            return "This digest belongs to another manager, so I left everything as it was."
        data = DigestData.model_validate(record.payload)
        assert record.id is not None
        if event.action_id == render.NUDGE:
            return self.nudger.nudge(record.id, data, record.manager_id).reply()
        if event.action_id == render.ASSIGN:
            return self.assign(record.id, data, record.manager_id)
        if event.action_id == render.REPORT:
            return f"Your full report for {data.period_label} is ready: {self.write_report(record.id, data)}"
        return "Sorry, that button isn't something I know how to do any more."

    def assign(self, digest_id: int, data: DigestData, manager_id: int) -> str:
        """Start the digest's suggested scenario for each current report (snoozed reps are left alone)."""
        if data.focus is None:
            return "This digest has no suggested scenario, so I didn't assign anything."
        try:
            scenario = self.library.get(data.focus.id)
        except UnknownScenario:
            return f"“{data.focus.title}” is no longer in the scenario library, so I didn't assign anything."
        if self._practice is None:
            return "Assigning scenarios isn't available in this process, so nothing was assigned."
        practice = self._practice()
        now = self.clock.now()
        assigned: list[str] = []
        notes: list[str] = []
        for m in TeamView.for_viewer(self.repos.db, manager_id).members():
            first = m.display_name.split()[0] if m.display_name.strip() else m.display_name
            if m.snoozed_until is not None and now.astimezone(zone(m.tz)).date() <= m.snoozed_until:
                notes.append(f"{first} is snoozed until {m.snoozed_until:%d %b}, so I left them alone.")
                continue
            if m.platform not in practice.chats:
                notes.append(f"I'm not connected to {m.platform} here, so {first} didn't get it.")
                continue
            key = f"digest-assign:{digest_id}:{m.person_id}"
            row = self.outbox.claim(NewPush(key, ASSIGN_KIND, m.person_id, now, scenario_id=scenario.id))
            if row is None:
                notes.append(f"{first} already has it from this digest.")
                continue
            attempt = self.outbox.send(row, m.platform, _start_unless_held, practice, m, scenario.id, key)
            if attempt.sent and attempt.value is None:
                self.outbox.skip(row, "held out of practice by an impact programme")
                notes.append(f"{first} is in an impact programme's comparison group or has a baseline "
                             "assessment to take first, so I left them out.")
                continue
            if attempt.value is None:  # back in the log, ready at once: pressing again retries
                notes.append(f"I couldn't reach {first} just now; press the button again to retry.")
                continue
            self.outbox.mark_sent(row, attempt.value.session.id)
            assigned.append(first)
        head = (f"Assigned “{scenario.title}” to {render.join_names(assigned)}." if assigned
                else f"No one new got “{scenario.title}”.")
        return " ".join([head, *notes])

    def write_report(self, digest_id: int, data: DigestData) -> Path:
        """The self-contained HTML report, written under data_dir/reports/."""
        record = self.store.get(digest_id)
        png = None
        if record is not None and record.chart_path and Path(record.chart_path).exists():
            png = Path(record.chart_path).read_bytes()
        if png is None:
            png = self.charts.render(data)
        path = self.data_dir / "reports" / f"{digest_id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render.to_html(data, png), encoding="utf-8")
        return path.resolve()


def _start_unless_held(practice: PracticeService, m: Member, scenario_id: str, key: str) -> Started | None:
    """Start the assigned scenario; None when an impact programme holds the rep's practice back."""
    try:
        return practice.start(person_ref(m), scenario_id, push_key=key)
    except PracticeOnHold:
        return None
