"""Write a simulated programme into a database, so the real service and report can be run on it.

A team, its manager and reps, the programme with the simulation's cohorts, and
every assessment and practice session with its score, as the practice engine
would have stored them (assessment sessions carry the programme id and the
round's push key). Used by the tests and `benchmarks/impact_sim.py`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.impact.schedule import assessment_key
from bot.impact.simulate import SimulatedProgramme
from storage import Repositories
from storage.models import BehaviorScoreRecord, Person, PracticeSession, Programme, ProgrammeMember
from storage.repos.digests import bulk_insert
from storage.repos.programmes import OutcomeRow, ProgrammeRepo


def seed_simulation(repos: Repositories, sim: SimulatedProgramme, team_name: str, workspace: str = "W-sim",
                    now: datetime | None = None) -> int:
    """Store `sim` as a programme of a new team; returns the programme id. The manager is the team's first person."""
    now = now or datetime.combine(sim.start, datetime.min.time(), UTC)
    ws = repos.people.ensure_workspace("console", workspace, now)
    team = repos.people.ensure_team(ws.id, team_name, now)  # type: ignore[arg-type]
    manager, _ = repos.people.ensure_person("console", workspace, f"{team_name}-manager", now, f"{team_name} manager")
    repos.people.update(manager.id, roles="manager,enablement", team_id=team.id)  # type: ignore[arg-type]
    people = [{"workspace_id": ws.id, "platform": "console", "platform_user_id": f"{team_name}-{p}",
               "display_name": f"Rep {p:03d}", "tz": "UTC", "roles": "rep", "team_id": team.id,
               "manager_id": manager.id, "created_at": now} for p in sim.person_ids]
    ids = dict(zip(sim.person_ids, bulk_insert(repos.db, Person, people, returning_ids=True)))

    programmes = ProgrammeRepo(repos.db)
    programme = programmes.create(
        Programme(team_id=team.id, name=f"{team_name} (simulated)", behaviors=list(sim.behaviors),  # type: ignore[arg-type]
                  holdout_share=sum(m.cohort == "holdout" for m in sim.members) / len(sim.members), seed=sim.seed,
                  start_date=sim.start, holdout_until=sim.holdout_until, assessment_every_weeks=sim.every_weeks,
                  created_at=now),
        [ProgrammeMember(programme_id=0, person_id=ids[m.person_id], cohort=m.cohort, team_id=team.id,
                         practice_from=sim.holdout_until if m.cohort == "holdout" and sim.holdout_until else sim.start,
                         joined_at=now) for m in sim.members])

    sessions: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []

    def add(person: int, behavior: str, score: float, at: datetime, kind: str, key: str | None) -> None:
        sid = str(uuid.uuid4())
        sessions.append({"id": sid, "person_id": ids[person], "scenario_id": f"sim-{behavior}", "scenario_version": 1,
                         "kind": kind, "state": "finished", "platform": "console", "workspace": workspace,
                         "channel": "sim", "thread": sid[:8], "push_key": key,
                         "programme_id": programme.id if kind == "assessment" else None, "buyer_state": {},
                         "buyer_engine": "sim", "offered_at": at - timedelta(minutes=10),
                         "started_at": at - timedelta(minutes=9), "last_activity_at": at, "finished_at": at,
                         "nudges_sent": 0, "shared_with_manager": False})
        scores.append({"session_id": sid, "person_id": ids[person], "behavior": behavior, "score": int(score),
                       "detected": score >= 50, "level": 0, "confidence": 1.0, "engine": "sim", "evidence": [],
                       "feedback": {}, "created_at": at})

    for s in sim.assessments:
        add(s.person_id, s.behavior, s.score, s.at, "assessment",
            assessment_key(programme.id, ids[s.person_id], s.round or 0, s.behavior))  # type: ignore[arg-type]
    for s in sim.practice:
        add(s.person_id, s.behavior, s.score, s.at, "practice", None)
    bulk_insert(repos.db, PracticeSession, sessions)
    bulk_insert(repos.db, BehaviorScoreRecord, scores)
    programmes.save_outcomes([OutcomeRow(ids[o.person_id], o.period, o.metric, o.value) for o in sim.outcomes], now)
    return programme.id  # type: ignore[return-value]
