"""Scheduled pushes as reps live them: in their own working hours, spaced, never lost, never doubled.

Each test runs the real planner, push log, picker, rate limiter and practice engine
on SQLite and PostgreSQL, with a manual clock standing in for the passing week.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.messages import Outbound, PersonRef, Posted
from bot.ports import RateLimited
from bot.scheduling.pushes import PushPolicy
from tests.scheduler.conftest import ClockedChat, Org

UTC = UTC
LONDON, JERUSALEM = ZoneInfo("Europe/London"), ZoneInfo("Asia/Jerusalem")


def local(d, tz: ZoneInfo) -> datetime:
    return d.at.astimezone(tz)


def test_a_week_across_daylight_saving_changes_in_two_time_zones_keeps_pushes_in_local_working_hours(
        org_factory) -> None:
    # London (UTC+1 -> UTC+0) and Jerusalem (UTC+3 -> UTC+2) both leave summer time on Sun 25 Oct 2026.
    org: Org = org_factory(datetime(2026, 10, 22, 12, 0, tzinfo=UTC))  # Thursday before the change
    org.set_cadence(sessions_per_week=3, weekdays="mon,tue,wed,thu,fri", window="09:00-17:00")
    org.rep("U-lon", "Europe/London")
    org.rep("U-jlm", "Asia/Jerusalem")
    org.run_until(datetime(2026, 10, 28, 18, 0, tzinfo=UTC), step=timedelta(hours=12))

    for user, tz, offsets in (("U-lon", LONDON, {1, 0}), ("U-jlm", JERUSALEM, {3, 2})):
        pushes = org.chat.pushes(user)
        assert len(pushes) == 3, f"{user}: Friday before the change, Monday and Wednesday after"
        for push in pushes:
            at = local(push, tz)
            assert time(9, 0) <= at.time() <= time(17, 0), f"{user} pushed at {at}"
            assert at.weekday() in (0, 2, 4), f"{user} pushed on {at:%A}: Mon/Wed/Fri expected"
        assert min(b.at - a.at for a, b in zip(pushes, pushes[1:])) >= timedelta(hours=24)
        # The UTC offset really changed under the rep: the same local hours map to other UTC hours.
        assert {p.at.astimezone(tz).utcoffset() // timedelta(hours=1) for p in pushes} == offsets


def test_a_snoozed_rep_gets_no_pushes_until_the_snooze_ends(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # a Sunday
    org.set_cadence(sessions_per_week=3)
    org.rep("U-awake", "Europe/London")
    org.rep("U-snoozed", "Europe/London", snoozed_until=date(2026, 11, 26))  # through Thursday
    org.run_until(datetime(2026, 11, 28, 12, 0, tzinfo=UTC), step=timedelta(hours=12))

    assert len(org.chat.pushes("U-awake")) == 3
    snoozed = org.chat.pushes("U-snoozed")
    assert [p.at.astimezone(LONDON).date() for p in snoozed] == [date(2026, 11, 27)], \
        "only Friday's push, after the snooze"


def test_snoozing_after_the_week_was_planned_skips_the_push_and_says_why(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    org.set_cadence(sessions_per_week=3)
    rep = org.rep("U-1", "Europe/London")
    org.pushes.plan()
    rows = org.pushes.pushes.of_person(rep.id, kind="push")  # type: ignore[arg-type]
    assert len(rows) == 3  # it is Sunday: the coming week's three
    org.repos.people.snooze(rep.id, date(2026, 11, 30))  # type: ignore[arg-type]
    # Time passes past Monday's push without a planning run: delivery itself checks the snooze.
    org.clock.current = rows[0].due_at + timedelta(seconds=1)
    org.pushes.deliver_due()
    assert org.chat.pushes("U-1") == []
    row = org.pushes.pushes.get(rows[0].idempotency_key)
    assert row is not None and row.status == "skipped" and "snoozed until 2026-11-30" in (row.error or "")


def test_planning_twice_changes_nothing_and_a_new_cadence_moves_only_pending_pushes(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    org.set_cadence(sessions_per_week=3)
    rep = org.rep("U-1", "Europe/Paris")
    first = org.pushes.plan()
    assert first.added == 3  # Sunday: nothing left this week, three next week
    before = {r.idempotency_key: r.due_at for r in org.pushes.pushes.of_person(rep.id)}  # type: ignore[arg-type]
    again = org.pushes.plan()
    assert (again.added, again.moved, again.dropped) == (0, 0, 0)
    assert {r.idempotency_key: r.due_at for r in org.pushes.pushes.of_person(rep.id)} == before  # type: ignore[arg-type]

    org.set_cadence(sessions_per_week=2, weekdays="tue,thu")
    changed = org.pushes.plan()
    rows = org.pushes.pushes.of_person(rep.id)  # type: ignore[arg-type]
    assert (changed.moved, changed.dropped) == (2, 1)  # Tue and Thu take slots 0 and 1; slot 2 goes
    assert [r.due_at.astimezone(ZoneInfo("Europe/Paris")).strftime("%a") for r in rows] == ["Tue", "Thu"]


def test_a_crash_after_the_platform_call_never_pushes_twice(org_factory) -> None:
    """The worker dies after posting the card and storing the session, before marking the row sent."""
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), policy=PushPolicy(concurrency=1,
                                                            late_grace=timedelta(hours=12)), claim_ttl=timedelta(minutes=2))
    org.set_cadence(sessions_per_week=3)
    for i in range(5):
        org.rep(f"U-{i}", "UTC")
    org.pushes.plan()
    log = org.pushes.pushes
    monday = [r for r in log.all("push") if r.due_at.date() == date(2026, 11, 23)]
    org.clock.current = max(r.due_at for r in monday) + timedelta(seconds=1)  # every Monday push is due
    claimed = log.claim_due(["push"], org.clock.now(), "crashed-worker", 100, timedelta(minutes=2))
    assert len(claimed) == 5
    for row in claimed[:3]:  # what the dead worker managed before dying
        org.practice.start(org.practice.person_ref(org.repos.people.get(row.person_id)), None,  # type: ignore[arg-type]
                           push_key=row.idempotency_key)
    assert len(org.chat.pushes()) == 3

    org.pushes.deliver_due()  # a new worker at once: the claims are still fresh, so it waits
    assert len(org.chat.pushes()) == 3
    org.clock.advance(minutes=3)  # the dead worker's claims expire
    report = org.pushes.deliver_due()
    assert (report.sent, report.already_sent) == (2, 3)
    assert Counter(d.user for d in org.chat.pushes()) == {f"U-{i}": 1 for i in range(5)}
    assert {log.get(r.idempotency_key).status for r in claimed} == {"sent"}  # type: ignore[union-attr]


def test_a_crashed_worker_holds_back_only_the_batch_it_claimed(org_factory) -> None:
    """A claim takes one batch, never the whole wave: after a crash the rest goes out at once."""
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), policy=PushPolicy(
        concurrency=1, batch=2, late_grace=timedelta(hours=12)), claim_ttl=timedelta(minutes=5))
    org.set_cadence(sessions_per_week=3)
    for i in range(6):
        org.rep(f"U-{i}", "UTC")
    org.pushes.plan()
    log = org.pushes.pushes
    monday = [r for r in log.all("push") if r.due_at.date() == date(2026, 11, 23)]
    org.clock.current = max(r.due_at for r in monday) + timedelta(seconds=1)
    assert len(log.claim_due(["push"], org.clock.now(), "crashed-worker", 2, timedelta(minutes=5))) == 2

    report = org.pushes.deliver_due()  # a new worker, while the dead one's claims are still fresh
    assert report.sent == 4 and len(org.chat.pushes()) == 4


class FlakyChat(ClockedChat):
    """Refuses the first `failures` practice threads with an error, then works."""

    failures: int = 0

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("platform unavailable")
        return super().open_practice_thread(person, root)


def test_a_failing_platform_is_retried_with_backoff_and_finally_reported_not_dropped(org_factory) -> None:
    chat = FlakyChat(platform="slack")
    chat.failures = 100
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), chat=chat,
                           policy=PushPolicy(concurrency=1), max_attempts=3)
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    org.rep("U-1", "UTC")
    org.pushes.plan()
    org.clock.current = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
    first = org.pushes.deliver_due()
    assert first.retried == 1
    assert org.pushes.deliver_due().retried == 0  # backing off: not due again yet
    org.clock.advance(seconds=31)
    assert org.pushes.deliver_due().retried == 1
    org.clock.advance(seconds=61)
    final = org.pushes.deliver_due()
    assert final.failed == 1
    [row] = org.pushes.pushes.problems()
    assert row.status == "failed" and "gave up after 3 attempts: ConnectionError: platform unavailable" in row.error


def test_a_platform_that_recovers_gets_the_push_once(org_factory) -> None:
    chat = FlakyChat(platform="slack")
    chat.failures = 1
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), chat=chat)
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    org.rep("U-1", "UTC")
    org.run_until(datetime(2026, 11, 23, 17, 0, tzinfo=UTC), step=timedelta(minutes=15))
    assert len(org.chat.pushes("U-1")) == 1


class ThrottledChat(ClockedChat):
    """Allows `per_window` practice threads per `window_s` of the manual clock, 429s beyond."""

    per_window: int = 3
    window_s: float = 1.0
    refused: int = 0

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        now = self.clock.now()
        recent = [d for d in self.pushes() if (now - d.at).total_seconds() < self.window_s]
        if len(recent) >= self.per_window:
            self.refused += 1
            raise RateLimited(self.window_s)
        return super().open_practice_thread(person, root)


def test_a_rate_limited_wave_waits_out_retry_after_and_loses_nothing(org_factory) -> None:
    chat = ThrottledChat(platform="slack")
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), chat=chat,
                           policy=PushPolicy(concurrency=1, late_grace=timedelta(hours=12)))
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    for i in range(10):
        org.rep(f"U-{i}", "UTC")
    org.pushes.plan()
    org.clock.current = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    started = org.clock.now()
    for _ in range(20):
        org.pushes.deliver_due()
        if len(chat.pushes()) == 10:
            break
        org.clock.advance(seconds=0.5)
    assert chat.refused >= 1
    # Never more than the allowance in any one second, once the limiter has heard Retry-After.
    assert org.clock.now() - started >= timedelta(seconds=3)
    assert Counter(d.user for d in chat.pushes()) == {f"U-{i}": 1 for i in range(10)}
    assert all(r.attempts <= 1 for r in org.pushes.pushes.all("push") if r.status == "sent"), \
        "a rate limit is not a failed attempt"


def test_a_push_missed_while_the_worker_was_down_overnight_is_skipped_with_the_reason(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 22, 12, 0, tzinfo=UTC))
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    org.rep("U-1", "UTC")
    org.pushes.plan()
    org.clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # back up on Tuesday
    report = org.pushes.deliver_due()
    assert report.skipped == 1 and org.chat.pushes() == []
    [row] = org.pushes.pushes.problems()
    assert "missed" in (row.error or "")


def test_a_push_carries_the_weakest_behavior_and_never_repeats_the_last_scenario(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    org.set_cadence(sessions_per_week=5, scenario_ids="contact-centre-empathy,contact-centre-patience,"
                                                    "pricing-objection")
    org.rep("U-1", "UTC")
    org.run_until(datetime(2026, 11, 27, 18, 0, tzinfo=UTC), step=timedelta(hours=12))
    titles = [d.message.title for d in org.chat.pushes("U-1")]  # type: ignore[union-attr]
    assert len(titles) == 5
    assert all(a != b for a, b in zip(titles, titles[1:]))
    assert len(set(titles[:3])) == 3, "each behavior once before any repeats"


class LostAnswerChat(ClockedChat):
    """Posts the card, then loses the answer once (a timeout, or a worker dying mid-call); like
    Discord's nonce, a repeated idempotency key gets the original message back instead of a new one."""

    lose_next_answer: bool = True
    originals: dict = None  # type: ignore[assignment]

    def open_practice_thread(self, person: PersonRef, root: Outbound) -> Posted:
        self.originals = self.originals or {}
        key = getattr(root, "idempotency_key", "")
        if key in self.originals:
            return self.originals[key]
        posted = super().open_practice_thread(person, root)
        self.originals[key] = posted
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise TimeoutError("no answer from the platform")
        return posted


def test_a_push_whose_answer_was_lost_is_retried_with_the_same_card_and_key(org_factory) -> None:
    chat = LostAnswerChat(platform="slack")
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), chat=chat,
                           policy=PushPolicy(late_grace=timedelta(hours=12)))
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    rep = org.rep("U-1", "UTC")
    org.pushes.plan()
    row = org.pushes.pushes.of_person(rep.id)[0]  # type: ignore[arg-type]  # this Monday's
    org.clock.current = row.due_at
    assert org.pushes.deliver_due().retried == 1
    org.clock.advance(minutes=1)
    assert org.pushes.deliver_due().sent == 1

    [push] = chat.pushes("U-1")  # posted once: the retry was recognised by its key
    card = push.message
    assert card.idempotency_key == row.idempotency_key  # type: ignore[union-attr]
    [session] = org.repos.sessions.sessions_of(rep.id)  # type: ignore[arg-type]
    assert {a.value for a in card.actions} == {session.id}, "the card's buttons reach the stored session"  # type: ignore[union-attr]
    assert session.push_key == row.idempotency_key


def test_a_rep_held_out_of_practice_is_skipped_with_the_reason(org_factory) -> None:
    held_ids: set[int] = set()
    org: Org = org_factory(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), policy=PushPolicy(late_grace=timedelta(hours=12)),
                           holds=lambda ids, day: {i for i in ids if i in held_ids})
    org.set_cadence(sessions_per_week=1, weekdays="mon")
    held, _free = org.rep("U-held", "UTC"), org.rep("U-free", "UTC")
    held_ids.add(held.id)  # type: ignore[arg-type]
    org.pushes.plan()
    org.clock.current = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    report = org.pushes.deliver_due()
    assert (report.sent, report.skipped) == (1, 1)
    assert [d.user for d in org.chat.pushes()] == ["U-free"]
    row = org.pushes.pushes.of_person(held.id)[0]  # type: ignore[arg-type]
    assert row.status == "skipped" and "on hold" in (row.error or "")
