"""Every two weeks, on the manager's day and local morning, one digest in their DM: the card, then the chart.
Never twice, never weeks late, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime

from bot.digests import render
from bot.messages import Card, Image, Outbound
from tests.digests.conftest import DIGEST_DAY, World

PNG = b"\x89PNG\r\n\x1a\n"


def _digest_cards(messages: list[Outbound]) -> list[Card]:
    return [m for m in messages if isinstance(m, Card) and m.kind == "digest"]


def test_the_digest_arrives_on_the_managers_day_at_their_morning_with_its_chart(world: World) -> None:
    seeded = world.seed()
    manager = seeded.manager_ids[0]
    assert world.service.deliver_due().delivered == 0  # 07:00 in London: not yet
    world.clock.advance(hours=1)
    run = world.service.deliver_due()
    assert run.delivered == 1
    card, image = world.dms(manager)
    assert isinstance(card, Card) and card.kind == "digest" and card.title == "Team digest · 2 – 15 Nov 2026"
    assert [a.action_id for a in card.actions] == [render.NUDGE, render.ASSIGN, render.REPORT]
    assert len({a.value for a in card.actions}) == 1
    assert isinstance(image, Image) and image.data.startswith(PNG)
    record = world.service.store.get(int(card.actions[0].value))
    assert record is not None and record.delivered_at == world.clock.now()
    assert record.payload["period_start"] == "2026-11-02" and record.chart_path


def test_the_card_says_who_practised_the_behaviors_and_one_action_per_rep(world: World) -> None:
    seeded = world.seed()
    world.clock.advance(hours=1)
    world.service.deliver_due()
    card = _digest_cards(world.dms(seeded.manager_ids[0]))[0]
    fields = {f.title: f.value for f in card.fields}
    assert "Farid Haddad: 0 of 6" in fields["Practice vs cadence"]
    assert "Grace Kim: 2 of 6" in fields["Practice vs cadence"]
    assert "Open questions:" in fields["Behaviors (team)"] and "pts/session" in fields["Behaviors (team)"]
    actions = "\n".join(v for k, v in fields.items() if k.startswith("One coaching action per rep")).splitlines()
    assert len(actions) == 8 and len({line.split(":")[0] for line in actions}) == 8
    assert all(len(f.value) <= 1024 for f in card.fields)  # Discord's field limit


def test_running_again_or_on_another_worker_never_sends_a_second_digest(world: World) -> None:
    seeded = world.seed()
    world.clock.advance(hours=1)
    world.service.deliver_due()
    world.clock.advance(minutes=5)
    assert world.service.deliver_due().already == 1
    assert world.new_service("w2").deliver_due().delivered == 0
    assert len(_digest_cards(world.dms(seeded.manager_ids[0]))) == 1


def test_two_workers_racing_for_the_same_digest_send_it_once(world: World) -> None:
    seeded = world.seed(reps_per_manager=3)
    world.clock.advance(hours=1)
    workers = [world.new_service(f"w{i}") for i in range(3)]
    barrier = threading.Barrier(len(workers))
    runs = []

    def deliver(service) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        runs.append(service.deliver_due())

    threads = [threading.Thread(target=deliver, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.delivered for r in runs) == 1
    assert len(_digest_cards(world.dms(seeded.manager_ids[0]))) == 1


def test_managers_in_other_time_zones_get_theirs_at_their_own_morning(world: World) -> None:
    tokyo = world.seed(reps_per_manager=2, tz="Asia/Tokyo")
    la = world.seed(reps_per_manager=2, tz="America/Los_Angeles")
    world.clock.current = datetime(2026, 11, 15, 23, 5, tzinfo=DIGEST_DAY.tzinfo)  # Mon 08:05 in Tokyo
    world.service.deliver_due()
    assert _digest_cards(world.dms(tokyo.manager_ids[0])) and not _digest_cards(world.dms(la.manager_ids[0]))
    world.clock.current = datetime(2026, 11, 16, 16, 5, tzinfo=DIGEST_DAY.tzinfo)  # Mon 08:05 in Los Angeles
    world.service.deliver_due()
    assert _digest_cards(world.dms(la.manager_ids[0]))
    assert len(_digest_cards(world.dms(tokyo.manager_ids[0]))) == 1


def test_the_digest_day_and_hour_come_from_the_teams_cadence(world: World) -> None:
    seeded = world.seed(reps_per_manager=2, digest_weekday=2, digest_hour=9)  # Wednesdays at 09:00
    world.clock.advance(hours=1)
    world.service.deliver_due()
    assert world.dms(seeded.manager_ids[0]) == []
    world.clock.current = datetime(2026, 11, 18, 9, 1, tzinfo=DIGEST_DAY.tzinfo)
    world.service.deliver_due()
    card = _digest_cards(world.dms(seeded.manager_ids[0]))[0]
    assert card.title == "Team digest · 4 – 17 Nov 2026"


def test_a_digest_is_not_sent_weeks_late_after_an_outage(world: World) -> None:
    seeded = world.seed(reps_per_manager=2)
    world.clock.advance(days=5)
    assert world.service.deliver_due().delivered == 0
    assert world.dms(seeded.manager_ids[0]) == []


def test_a_failed_send_is_retried_on_the_next_run(world: World) -> None:
    seeded = world.seed(reps_per_manager=2)
    world.clock.advance(hours=1)
    original = world.chat.send_direct
    calls = {"n": 0}

    def flaky(person, message):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("platform down")
        return original(person, message)

    world.chat.send_direct = flaky  # type: ignore[method-assign]
    assert world.service.deliver_due().failed == 1
    assert world.dms(seeded.manager_ids[0]) == []
    world.clock.advance(minutes=5)
    assert world.service.deliver_due().delivered == 1
    assert len(_digest_cards(world.dms(seeded.manager_ids[0]))) == 1


def test_a_chart_that_cannot_be_uploaded_does_not_hold_back_the_card(world: World) -> None:
    seeded = world.seed(reps_per_manager=2)
    world.clock.advance(hours=1)
    original = world.chat.send_direct

    def no_images(person, message):  # type: ignore[no-untyped-def]
        if isinstance(message, Image):
            raise ConnectionError("upload failed")
        return original(person, message)

    world.chat.send_direct = no_images  # type: ignore[method-assign]
    assert world.service.deliver_due().delivered == 1
    assert [type(m) for m in world.dms(seeded.manager_ids[0])] == [Card]
    world.clock.advance(minutes=5)
    assert world.service.deliver_due().already == 1


def test_a_manager_with_no_reports_gets_nothing(world: World) -> None:
    seeded = world.seed(reps_per_manager=1)
    world.repos.people.update(seeded.rep_ids[0][0], manager_id=None)
    world.clock.advance(hours=1)
    assert world.service.deliver_due().empty == 1
    assert world.dms(seeded.manager_ids[0]) == []


def test_a_manager_on_a_platform_this_process_does_not_serve_is_left_for_one_that_does(world: World) -> None:
    seeded = world.seed(reps_per_manager=1, platform="slack", workspace="T1")
    world.clock.advance(hours=1)
    run = world.service.deliver_due()
    assert run.unreachable == 1 and run.delivered == 0
    assert world.service.store.find(seeded.manager_ids[0], seeded.period.start) is None


def test_a_manager_without_a_team_cadence_gets_their_reports_teams_day(world: World) -> None:
    seeded = world.seed(reps_per_manager=1, digest_weekday=2, digest_hour=9)
    world.repos.people.update(seeded.manager_ids[0], team_id=None)
    schedule = world.service.schedule(seeded.manager_ids[0])
    assert (schedule.digest_weekday, schedule.digest_hour) == (2, 9)
