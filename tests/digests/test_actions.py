"""The digest's buttons: nudge the reps who haven't practised, assign the suggested scenario,
open the full report. Only the digest's manager may press them."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.digests import render
from bot.messages import Card, Outbound, Text
from storage.repos.cadences import CadenceRepo
from tests.digests.conftest import DIGEST_DAY, LIBRARY, World

TEN_AM = DIGEST_DAY + timedelta(hours=10)


def _deliver(world: World, **spec: object):  # type: ignore[no-untyped-def]
    seeded = world.seed(**spec)
    world.clock.current = DIGEST_DAY + timedelta(hours=8)
    assert world.service.deliver_due().delivered == 1
    card = next(m for m in world.dms(seeded.manager_ids[0]) if isinstance(m, Card))
    world.clock.current = TEN_AM
    return seeded, int(card.actions[0].value), card


def _texts(messages: list[Outbound]) -> list[str]:
    return [m.text for m in messages if isinstance(m, Text)]


def _farid(world: World, seeded) -> int:  # type: ignore[no-untyped-def]
    names = {p: world.repos.people.get(p).display_name for p in seeded.rep_ids[0]}  # type: ignore[union-attr]
    return next(p for p, name in names.items() if name == "Farid Haddad")


def test_nudge_reaches_only_the_reps_who_have_not_practised(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    farid = _farid(world, seeded)
    reply = _texts(world.press(render.NUDGE, digest_id, by=seeded.manager_ids[0]))
    assert reply == ["Nudged Farid."]
    nudge = _texts(world.dms(farid))
    assert len(nudge) == 1 and nudge[0].startswith("Hi Farid! Maya asked me to give you a nudge")
    others = [p for p in seeded.rep_ids[0] if p != farid]
    assert all(world.dms(p) == [] for p in others)


def test_pressing_nudge_again_or_a_platform_retry_sends_one_reminder(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    manager, farid = seeded.manager_ids[0], _farid(world, seeded)
    world.press(render.NUDGE, digest_id, by=manager, event_id="press-1")
    assert world.press(render.NUDGE, digest_id, by=manager, event_id="press-1") == []  # the retry: no reply
    again = _texts(world.press(render.NUDGE, digest_id, by=manager))
    assert again == ["I left Farid alone: already nudged from this digest."]
    assert len(world.dms(farid)) == 1


def test_a_snoozed_rep_is_not_nudged_and_the_manager_is_told_why(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    farid = _farid(world, seeded)
    world.repos.people.snooze(farid, date(2026, 11, 30))
    reply = _texts(world.press(render.NUDGE, digest_id, by=seeded.manager_ids[0]))
    assert reply == ["I left Farid alone: snoozed until 30 Nov."]
    assert world.dms(farid) == []


def test_a_team_that_switched_nudges_off_is_not_nudged(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    CadenceRepo(world.repos.db).save(seeded.team_ids[0], {"max_nudges": 0}, None, world.clock.now())
    reply = _texts(world.press(render.NUDGE, digest_id, by=seeded.manager_ids[0]))
    assert reply == ["I left Farid alone: their team has nudges switched off."]


def test_a_nudge_pressed_after_hours_waits_for_the_reps_next_working_morning(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    farid = _farid(world, seeded)
    world.clock.current = DIGEST_DAY + timedelta(hours=18)
    reply = _texts(world.press(render.NUDGE, digest_id, by=seeded.manager_ids[0]))
    assert reply == ["Farid is outside working hours, so their nudge goes out at 09:00 their time on Tue 17 Nov."]
    world.clock.current = datetime(2026, 11, 17, 8, 59, tzinfo=DIGEST_DAY.tzinfo)
    assert world.service.deliver_due().nudges_sent == 0
    world.clock.current = datetime(2026, 11, 17, 9, 0, tzinfo=DIGEST_DAY.tzinfo)
    assert world.service.deliver_due().nudges_sent == 1
    assert world.new_service("w2").deliver_due().nudges_sent == 0
    assert len(_texts(world.dms(farid))) == 1


def test_a_queued_nudge_is_dropped_if_the_rep_practises_first(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    farid = _farid(world, seeded)
    world.clock.current = DIGEST_DAY + timedelta(hours=18)
    world.press(render.NUDGE, digest_id, by=seeded.manager_ids[0])
    world.add_session(farid, DIGEST_DAY + timedelta(hours=20), {"empathy": 64})
    world.clock.current = datetime(2026, 11, 17, 9, 30, tzinfo=DIGEST_DAY.tzinfo)
    assert world.service.deliver_due().nudges_sent == 0
    assert world.dms(farid) == []


def test_only_the_digests_manager_can_press_its_buttons(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    other = world.seed(reps_per_manager=1).manager_ids[0]
    rep = seeded.rep_ids[0][0]
    for action in (render.NUDGE, render.ASSIGN, render.REPORT):
        for presser in (other, rep):
            assert _texts(world.press(action, digest_id, by=presser)) == [
                "This digest belongs to another manager, so I left everything as it was."]
    for p in seeded.rep_ids[0]:  # no nudge, no assigned scenario (the pressing rep only got the refusals)
        assert world.threads_opened(p) == []
        assert all("belongs to another manager" in t for t in _texts(world.dms(p)))
    assert not (world.data_dir / "reports").exists()


def test_a_button_on_a_digest_that_no_longer_exists_says_so(world: World) -> None:
    seeded, _, _ = _deliver(world)
    assert _texts(world.press(render.REPORT, "999999", by=seeded.manager_ids[0])) == [
        "I can't find that digest any more. Your next one will arrive on schedule."]


def test_assign_starts_the_suggested_scenario_for_every_rep_who_is_not_snoozed(world: World) -> None:
    seeded, digest_id, card = _deliver(world)
    focus = next(f.value for f in card.fields if f.title == "Suggested for the team")
    snoozed = seeded.rep_ids[0][1]
    world.repos.people.snooze(snoozed, date(2026, 11, 30))
    reply = _texts(world.press(render.ASSIGN, digest_id, by=seeded.manager_ids[0]))[0]
    title = re.search(r"“(.+?)”", focus).group(1)  # type: ignore[union-attr]
    assert reply.startswith(f"Assigned “{title}” to Ana, Chloé, Dev, Emma, Farid, Grace and Hugo.")
    assert "Ben is snoozed until 30 Nov, so I left them alone." in reply
    for rep in seeded.rep_ids[0]:
        opened = world.threads_opened(rep)
        if rep == snoozed:
            assert opened == []
        else:
            assert len(opened) == 1 and isinstance(opened[0], Card) and opened[0].title == title
            session = world.repos.sessions.open_sessions(rep)[0]
            assert session.push_key == f"digest-assign:{digest_id}:{rep}"


def test_assigning_twice_does_not_give_anyone_a_second_copy(world: World) -> None:
    seeded, digest_id, _ = _deliver(world, reps_per_manager=2)
    world.press(render.ASSIGN, digest_id, by=seeded.manager_ids[0])
    again = _texts(world.press(render.ASSIGN, digest_id, by=seeded.manager_ids[0]))[0]
    assert again.startswith("No one new got") and "Ana already has it from this digest." in again
    assert all(len(world.threads_opened(p)) == 1 for p in seeded.rep_ids[0])


def test_the_full_report_is_a_self_contained_html_page_with_the_chart(world: World) -> None:
    seeded, digest_id, _ = _deliver(world)
    reply = _texts(world.press(render.REPORT, digest_id, by=seeded.manager_ids[0]))[0]
    assert reply.startswith("Your full report for 2 – 15 Nov 2026 is ready: ")
    path = Path(reply.rsplit(": ", 1)[1])
    assert path == (world.data_dir / "reports" / f"{digest_id}.html").resolve()
    page = path.read_text(encoding="utf-8")
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1))  # type: ignore[union-attr]
    assert png.startswith(b"\x89PNG")
    for name in ("Ana Ruiz", "Farid Haddad", "Hugo Silva"):
        assert name in page
    assert "no sessions this period" in page and "not enough sessions (n=2, need 3)" in page


def test_assign_leaves_out_reps_an_impact_programme_holds_back_and_says_so(world: World) -> None:
    from bot.impact.holds import Holds
    from bot.impact.programmes import ProgrammeRequest, Programmes
    from storage.repos.programmes import ProgrammeRepo

    seeded, digest_id, _ = _deliver(world, reps_per_manager=2)
    store = ProgrammeRepo(world.repos.db)
    world.practice.holds = Holds(store).message  # as Core.practice wires it
    Programmes(world.repos, LIBRARY, world.clock, store).start_programme(ProgrammeRequest(seeded.team_ids[0], ("empathy",)))  # baselines come first
    reply = _texts(world.press(render.ASSIGN, digest_id, by=seeded.manager_ids[0]))[0]
    assert reply.startswith("No one new got")
    assert "Ana is in an impact programme's comparison group or has a baseline assessment to take first" in reply
    assert all(world.threads_opened(p) == [] for p in seeded.rep_ids[0])
