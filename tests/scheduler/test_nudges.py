"""Nudges the way people keep them: one reminder the next working morning, two at most, never off-hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.messages import Text
from scheduler.hours import next_working_start
from tests.scheduler.conftest import Org

UTC = UTC
SUNDAY = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)


def expiry_notes(org: Org) -> list[str]:
    return [m.text for _, m in org.chat.posted if isinstance(m, Text) and "timed out" in m.text]


def test_an_ignored_push_is_nudged_on_the_next_two_working_mornings_then_expires_kindly(org_factory) -> None:
    org: Org = org_factory(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # Monday 08:00 in Chicago
    org.set_cadence(sessions_per_week=1, weekdays="mon,tue,wed,thu,fri")
    org.rep("U-1", "America/Chicago")
    org.run_until(datetime(2026, 11, 26, 23, 0, tzinfo=UTC), step=timedelta(hours=1))

    chicago = org_zone("America/Chicago")
    [push] = org.chat.pushes("U-1")
    first, second = org.chat.nudges("U-1")
    pushed = push.at.astimezone(chicago)
    for n, nudge in enumerate((first, second), start=1):
        nudged = nudge.at.astimezone(chicago)
        assert nudged.date() == pushed.date() + timedelta(days=n)
        assert time(9, 0) <= nudged.time() < time(10, 0), "first thing on a working morning"
    assert "still waiting in our thread" in first.message.text  # type: ignore[union-attr]
    assert "Last reminder" in second.message.text  # type: ignore[union-attr]
    [note] = expiry_notes(org)
    session = org.repos.sessions.sessions_of(org.repos.people.find("slack", "T1", "U-1").id)[0]  # type: ignore[union-attr, arg-type]
    assert session.state == "expired" and session.nudges_sent == 2
    assert session.finished_at is not None and session.finished_at >= second.at + timedelta(hours=24)


def org_zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def test_at_most_two_nudges_per_push_and_none_outside_working_hours(org_factory) -> None:
    org: Org = org_factory(SUNDAY)
    org.set_cadence(sessions_per_week=1, weekdays="mon,tue", window="09:00-17:00", nudge_after_hours=3)
    org.rep("U-1", "UTC")
    org.run_until(datetime(2026, 11, 24, 18, 0, tzinfo=UTC), step=timedelta(hours=1))

    [push] = org.chat.pushes("U-1")
    nudges = org.chat.nudges("U-1")
    assert len(nudges) == 2
    assert all(time(9) <= n.at.time() <= time(17) and n.at.weekday() in (0, 1) for n in nudges)
    assert nudges[0].at >= push.at + timedelta(hours=3)
    assert nudges[1].at >= nudges[0].at + timedelta(hours=3)
    assert "Last reminder" in nudges[1].message.text  # type: ignore[union-attr]


def test_no_nudge_once_the_rep_has_started_or_while_snoozed(org_factory) -> None:
    org: Org = org_factory(SUNDAY)
    org.set_cadence(sessions_per_week=1, weekdays="mon", nudge_after_hours=2)
    keen = org.rep("U-keen", "UTC")
    sleepy = org.rep("U-sleepy", "UTC")
    org.run_until(datetime(2026, 11, 23, 17, 0, tzinfo=UTC), step=timedelta(hours=1))
    # Both were pushed on Monday; now the keen rep answers and the sleepy one snoozes.
    for person in (keen, sleepy):
        assert len(org.chat.pushes(person.platform_user_id)) == 1
    session = org.repos.sessions.sessions_of(keen.id)[0]  # type: ignore[arg-type]
    org.repos.sessions.update(session.id, state="started")
    org.repos.people.snooze(sleepy.id, date(2026, 11, 30))  # type: ignore[arg-type]
    before = len(org.chat.nudges())
    org.run_until(datetime(2026, 11, 24, 17, 0, tzinfo=UTC), step=timedelta(hours=1))
    sent_after = [n for n in org.chat.nudges()[before:]]
    assert sent_after == []


def test_two_workers_checking_at_once_send_the_nudge_once(org_factory) -> None:
    org: Org = org_factory(SUNDAY)
    org.set_cadence(sessions_per_week=1, weekdays="mon,tue", nudge_after_hours=1)
    org.rep("U-1", "UTC")
    org.pushes.plan()
    [row] = [r for r in org.pushes.pushes.all("push") if r.due_at.date() == date(2026, 11, 23)]
    org.clock.current = row.due_at
    assert org.pushes.deliver_due().sent == 1
    org.clock.current = next_working_start(org.cadences.get(org.team.id), "UTC",  # type: ignore[arg-type]
                                           row.due_at + timedelta(hours=1, minutes=1))
    other = org.nudger("w2")
    assert org.nudges.send_due().sent + other.send_due().sent == 1
    assert len(org.chat.nudges("U-1")) == 1
    rep = org.repos.people.find("slack", "T1", "U-1")
    [session] = org.repos.sessions.sessions_of(rep.id)  # type: ignore[union-attr, arg-type]
    assert org.pushes.pushes.get(f"nudge:{session.id}:1").status == "sent"  # type: ignore[union-attr]
