"""`rehearse privacy delete` reaches every table and every file written about the person (issue 18, item 9)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.digests import render
from bot.messages import Card, Text
from bot.people.privacy import PrivacyService
from bot.settings import Settings
from storage.models import DigestRecord, LlmUsage
from tests.digests.conftest import DIGEST_DAY, World


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[World]:
    """The digests' world (seeded teams, the real DigestService) over SQLite and PostgreSQL."""
    w = World(db_url, tmp_path / "var")
    yield w
    w.repos.db.dispose()


def _delivered(world: World):  # type: ignore[no-untyped-def]
    seeded = world.seed(reps_per_manager=4)
    world.clock.current = DIGEST_DAY + timedelta(hours=8)
    assert world.service.deliver_due().delivered == 1
    card = next(m for m in world.dms(seeded.manager_ids[0]) if isinstance(m, Card))
    world.clock.current = DIGEST_DAY + timedelta(hours=10)
    return seeded, int(card.actions[0].value)


def _report(world: World, digest_id: int, manager: int) -> Path:
    reply = next(m.text for m in world.press(render.REPORT, digest_id, by=manager) if isinstance(m, Text))
    return Path(reply.rsplit(": ", 1)[1])


def _practised_rep(world: World, seeded) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    for rep in seeded.rep_ids[0]:
        if world.repos.sessions.sessions_of(rep):
            return rep, world.repos.people.get(rep).display_name  # type: ignore[union-attr]
    raise AssertionError("the seed has no rep who practised")


def test_a_deleted_rep_leaves_no_trace_in_digests_reports_charts_or_usage(world: World) -> None:
    seeded, digest_id = _delivered(world)
    manager = seeded.manager_ids[0]
    rep, name = _practised_rep(world, seeded)
    report = _report(world, digest_id, manager)
    chart = Path(world.service.store.get(digest_id).chart_path)  # type: ignore[arg-type,union-attr]
    preview = world.data_dir / "reports" / f"preview-{manager}-{DIGEST_DAY.date()}.html"
    preview.write_text(report.read_text(encoding="utf-8"), encoding="utf-8")  # what `rehearse digest --html` leaves
    assert name in report.read_text(encoding="utf-8") and chart.exists()
    session_id = world.repos.sessions.sessions_of(rep)[0].id
    with world.repos.db.session() as s:
        s.add(LlmUsage(session_id=session_id, person_id=None, purpose="judge", model="m", created_at=world.clock.now()))
        s.add(LlmUsage(session_id=session_id, person_id=rep, purpose="buyer", model="m", created_at=world.clock.now()))

    counts = PrivacyService(world.repos, Settings(data_dir=str(world.data_dir)), world.clock).erase(rep)

    with world.repos.db.session() as s:
        stored = s.get(DigestRecord, digest_id)
        usage = s.exec(select(LlmUsage)).all()
    assert stored is not None and name not in json.dumps(stored.payload)
    assert rep not in {r["person_id"] for r in stored.payload["reps"]} and len(stored.payload["reps"]) == 3
    assert not report.exists() and not chart.exists() and not preview.exists()
    assert counts["digests_rewritten"] == 1 and counts["usage_rows"] == 2
    assert all(u.session_id != session_id and u.person_id != rep for u in usage) and len(usage) == 2
    rebuilt = _report(world, digest_id, manager)  # the manager presses Report again
    assert rebuilt.exists() and name not in rebuilt.read_text(encoding="utf-8")
    assert name.split()[0] not in rebuilt.read_text(encoding="utf-8")
    later = world.service.build(manager)  # a digest built afterwards
    assert rep not in {r.person_id for r in later.data.reps}


def test_a_deleted_manager_s_own_digests_are_deleted_with_their_files(world: World) -> None:
    seeded, digest_id = _delivered(world)
    manager = seeded.manager_ids[0]
    report = _report(world, digest_id, manager)

    counts = PrivacyService(world.repos, Settings(data_dir=str(world.data_dir)), world.clock).erase(manager)

    assert counts["digests_deleted"] == 1 and world.service.store.get(digest_id) is None
    assert not report.exists() and not any((world.data_dir / "digests").glob(f"{manager}-*.png"))
