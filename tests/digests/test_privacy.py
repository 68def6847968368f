"""Who sees what, enforced in the repository layer (SQLite and PostgreSQL):
a manager sees only their reports; a rep only their own sessions; enablement
team aggregates, and no transcript unless the rep shared the session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.digests.periods import trailing
from storage.models import TurnRecord
from storage.repos.digests import AccessDenied, TeamView
from tests.digests.conftest import DIGEST_DAY, World


def _person(world: World, user: str, roles: str, team_id: int | None = None, manager_id: int | None = None,
            workspace: str = "local") -> int:
    person, _ = world.repos.people.ensure_person("console", workspace, user, world.clock.now(), user)
    world.repos.people.update(person.id, roles=roles, team_id=team_id, manager_id=manager_id)  # type: ignore[arg-type]
    return person.id  # type: ignore[return-value]


def _bounds(world: World, seeded) -> list:  # type: ignore[no-untyped-def]
    return [p.utc_bounds("Europe/London") for p in trailing(seeded.period, 6)]


def test_a_managers_digest_shows_only_the_people_who_report_to_them(world: World) -> None:
    maya, omar = world.seed(reps_per_manager=4), world.seed(reps_per_manager=3)
    view = TeamView.for_viewer(world.repos.db, maya.manager_ids[0])
    inputs = view.team_inputs(_bounds(world, maya))
    mine = set(maya.rep_ids[0])
    assert {m.person_id for m in inputs.members} == mine
    assert {c.person_id for c in inputs.cells} <= mine and {t.person_id for t in inputs.trends} <= mine
    assert {t.person_id for t in inputs.tallies} <= mine
    built = world.service.build(maya.manager_ids[0])
    assert {r.person_id for r in built.data.reps} == mine
    assert not {r.person_id for r in built.data.reps} & set(omar.rep_ids[0])


def test_a_rep_who_left_the_team_drops_out_of_the_digest(world: World) -> None:
    seeded = world.seed(reps_per_manager=3)
    gone = seeded.rep_ids[0][1]
    world.repos.people.update(gone, deleted_at=world.clock.now())
    built = world.service.build(seeded.manager_ids[0])
    assert gone not in {r.person_id for r in built.data.reps} and len(built.data.reps) == 2


def test_a_rep_cannot_read_a_team_digest(world: World) -> None:
    seeded = world.seed(reps_per_manager=2)
    rep_view = TeamView.for_viewer(world.repos.db, seeded.rep_ids[0][0])
    with pytest.raises(AccessDenied, match="for managers"):
        rep_view.team_inputs(_bounds(world, seeded))
    with pytest.raises(AccessDenied):
        rep_view.members()


def test_a_rep_sees_their_own_sessions_and_scores_and_no_one_elses(world: World) -> None:
    seeded = world.seed(reps_per_manager=2)
    me, colleague = seeded.rep_ids[0]
    view = TeamView.for_viewer(world.repos.db, me)
    assert view.sessions_of(me) and all(s.person_id == me for s in view.sessions_of(me))
    mine = view.my_scores(_bounds(world, seeded))
    assert {c.person_id for c in mine.cells} == {me} and [m.person_id for m in mine.members] == [me]
    with pytest.raises(AccessDenied, match="your own sessions"):
        view.sessions_of(colleague)


def test_a_manager_reads_a_transcript_only_when_the_rep_shared_it(world: World) -> None:
    seeded = world.seed(reps_per_manager=1)
    rep, manager = seeded.rep_ids[0][0], seeded.manager_ids[0]
    private = world.add_session(rep, DIGEST_DAY + timedelta(hours=1), {"empathy": 70})
    shared = world.add_session(rep, DIGEST_DAY + timedelta(hours=2), {"empathy": 75}, shared=True)
    for sid in (private, shared):
        world.repos.sessions.add_turn(TurnRecord(session_id=sid, seq=1, speaker="rep", text=f"my words in {sid}",
                                                 created_at=DIGEST_DAY))
    view = TeamView.for_viewer(world.repos.db, manager)
    assert [s.id for s in view.sessions_of(rep, limit=2)] == [shared, private]  # the list, without words
    with pytest.raises(AccessDenied, match="private to the rep"):
        view.transcript(private)
    assert [t.text for t in view.transcript(shared)] == [f"my words in {shared}"]
    assert TeamView.for_viewer(world.repos.db, rep).transcript(private)[0].text == f"my words in {private}"


def test_another_manager_never_reads_a_transcript_even_a_shared_one(world: World) -> None:
    mine, theirs = world.seed(reps_per_manager=1), world.seed(reps_per_manager=1)
    sid = world.add_session(mine.rep_ids[0][0], DIGEST_DAY - timedelta(days=1), {"empathy": 70}, shared=True)
    with pytest.raises(AccessDenied):
        TeamView.for_viewer(world.repos.db, theirs.manager_ids[0]).transcript(sid)
    with pytest.raises(AccessDenied):
        TeamView.for_viewer(world.repos.db, theirs.manager_ids[0]).sessions_of(mine.rep_ids[0][0])


def test_enablement_sees_team_aggregates_and_no_individual(world: World) -> None:
    seeded = world.seed(reps_per_manager=4)
    team = seeded.team_ids[0]
    erin = _person(world, "U-erin", "enablement")
    view = TeamView.for_viewer(world.repos.db, erin)
    assert team in {t for t, _ in view.teams()}
    aggregates = view.team_aggregates(team, _bounds(world, seeded))
    assert aggregates and all(not hasattr(a, "person_id") for a in aggregates)
    manager_view = TeamView.for_viewer(world.repos.db, seeded.manager_ids[0]).team_inputs(_bounds(world, seeded))
    for a in aggregates:  # the team figure is the session-weighted mean of the reps' cells
        cells = [c for c in manager_view.cells if c.behavior == a.behavior and c.period == a.period]
        assert a.n == sum(c.n for c in cells) and a.reps == len(cells)
        assert abs(a.mean - sum(c.mean * c.n for c in cells) / a.n) < 1e-6
    with pytest.raises(AccessDenied):
        view.team_inputs(_bounds(world, seeded))
    with pytest.raises(AccessDenied):
        view.sessions_of(seeded.rep_ids[0][0])


def test_enablement_reads_only_shared_transcripts_in_their_own_workspace(world: World) -> None:
    seeded = world.seed(reps_per_manager=1)
    rep = seeded.rep_ids[0][0]
    private = world.add_session(rep, DIGEST_DAY - timedelta(days=2), {"empathy": 70})
    shared = world.add_session(rep, DIGEST_DAY - timedelta(days=1), {"empathy": 70}, shared=True)
    erin = TeamView.for_viewer(world.repos.db, _person(world, "U-erin", "enablement"))
    outsider = TeamView.for_viewer(world.repos.db, _person(world, "U-out", "enablement", workspace="elsewhere"))
    assert erin.transcript(shared) == []  # allowed (this session has no turns)
    with pytest.raises(AccessDenied):
        erin.transcript(private)
    with pytest.raises(AccessDenied):
        outsider.transcript(shared)
    with pytest.raises(AccessDenied, match="not in your workspace"):
        outsider.team_aggregates(seeded.team_ids[0], _bounds(world, seeded))


def test_a_rep_or_manager_cannot_ask_for_team_aggregates(world: World) -> None:
    seeded = world.seed(reps_per_manager=1)
    for viewer in (seeded.rep_ids[0][0], seeded.manager_ids[0]):
        with pytest.raises(AccessDenied, match="for enablement"):
            TeamView.for_viewer(world.repos.db, viewer).team_aggregates(seeded.team_ids[0], _bounds(world, seeded))


def test_an_unknown_viewer_is_refused(world: World) -> None:
    with pytest.raises(AccessDenied):
        TeamView.for_viewer(world.repos.db, 987654)
