"""Seed believable practice history for demo teams: the digest preview, the benchmark and `rehearse demo`.

Everything is written through storage (bulk inserts in a few transactions), so
a seeded database is indistinguishable from one the bot filled itself: people
with managers and teams, a team cadence, finished (and some skipped) sessions
spread over the last periods, and one score per behavior per session.

`profile="demo"` gives each rep a recognisable story (a steady improver, a
strong rep, one struggling with a behavior, one slipping, one behind cadence,
one who stopped, a newcomer with too few sessions, a fast learner);
`profile="uniform"` gives every rep the same number of sessions per period with
random levels and learning rates (the benchmark's shape).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from bot.digests.periods import Period, last_complete_period, trailing
from scheduler.hours import zone
from storage.db import Database
from storage.models import BehaviorScoreRecord, Cadence, Person, PracticeSession, Team
from storage.repos.digests import bulk_insert
from storage.repos.people import PeopleRepo

DEMO_NAMES = (
    "Ana Ruiz", "Ben Okafor", "Chloé Martin", "Dev Patel", "Emma Larsen", "Farid Haddad", "Grace Kim", "Hugo Silva",
    "Ines Moreau", "Jonas Weber", "Kemi Adeyemi", "Liam Byrne",
)
MANAGER_NAMES = ("Maya Chen", "Omar Said", "Priya Nair", "Tom Becker")


@dataclass(frozen=True)
class _Story:
    """How one demo rep practises: sessions per period (oldest first), level and learning per session."""

    sessions: tuple[int, ...]
    base: float
    gain: float
    weak: str | None = None  # behavior they are clearly weaker on
    missed: int = 0  # skipped sessions in the latest period


DEMO_STORIES = (
    _Story((6, 6, 6, 6, 6, 6), base=42, gain=1.0),  # the steady improver
    _Story((6, 6, 6, 6, 6, 6), base=80, gain=0.1),  # strong and flat
    _Story((5, 6, 6, 5, 6, 6), base=58, gain=0.4, weak="empathy"),  # needs empathy reinforced
    _Story((6, 6, 6, 6, 6, 6), base=84, gain=-0.8),  # slipping
    _Story((3, 4, 3, 3, 2, 3), base=55, gain=1.0, missed=2),  # behind cadence
    _Story((5, 4, 3, 2, 1, 0), base=50, gain=0.5),  # stopped practising
    _Story((0, 0, 0, 0, 0, 2), base=45, gain=1.0),  # newcomer: too few sessions for a trend
    _Story((0, 0, 0, 0, 6, 6), base=38, gain=2.4),  # fast learner: "about 2 % per session"
)


@dataclass(frozen=True)
class SeedSpec:
    managers: int = 1
    reps_per_manager: int = 8
    periods: int = 6
    sessions_per_period: int = 6  # uniform profile only
    behaviors: tuple[str, ...] = ("open_question", "empathy")
    profile: Literal["demo", "uniform"] = "demo"
    platform: str = "console"
    workspace: str = "local"
    tz: str = "Europe/London"
    sessions_per_week: int = 3
    digest_weekday: int = 0
    digest_hour: int = 8
    scenario_ids: tuple[str, ...] = ("discovery-procurement-stall", "contact-centre-empathy")
    seed: int = 7


@dataclass
class Seeded:
    workspace_id: int
    period: Period  # the latest complete period at seeding time: the one a digest would report on
    manager_ids: list[int] = field(default_factory=list)
    rep_ids: list[list[int]] = field(default_factory=list)  # per manager
    team_ids: list[int] = field(default_factory=list)
    sessions: int = 0
    scores: int = 0


def seed_teams(db: Database, spec: SeedSpec, now: datetime) -> Seeded:
    """Create `spec.managers` teams with history up to the latest complete period before `now`."""
    rng = random.Random(spec.seed)
    people = PeopleRepo(db)
    ws = people.ensure_workspace(spec.platform, spec.workspace, now, name="Demo")
    today = now.astimezone(zone(spec.tz)).date()
    period = last_complete_period(today, spec.digest_weekday)
    window = trailing(period, spec.periods)
    tag = uuid.uuid4().hex[:6]  # lets several seedings share one workspace

    team_ids = bulk_insert(db, Team, [
        {"workspace_id": ws.id, "name": f"{MANAGER_NAMES[m % len(MANAGER_NAMES)]}'s team {tag}-{m}", "created_at": now}
        for m in range(spec.managers)
    ], returning_ids=True)
    bulk_insert(db, Cadence, [
        {"team_id": t, "sessions_per_week": spec.sessions_per_week, "behaviors": list(spec.behaviors),
         "scenario_ids": list(spec.scenario_ids), "digest_weekday": spec.digest_weekday,
         "digest_hour": spec.digest_hour, "updated_at": now}
        for t in team_ids
    ])
    manager_ids = bulk_insert(db, Person, [
        {"workspace_id": ws.id, "platform": spec.platform, "platform_user_id": f"M-{tag}-{m}",
         "display_name": MANAGER_NAMES[m % len(MANAGER_NAMES)] if spec.managers <= len(MANAGER_NAMES)
         else f"Manager {m + 1}", "tz": spec.tz, "roles": "manager", "team_id": team_ids[m], "created_at": now}
        for m in range(spec.managers)
    ], returning_ids=True)
    rep_rows: list[dict[str, Any]] = []
    for m in range(spec.managers):
        for r in range(spec.reps_per_manager):
            name = DEMO_NAMES[r % len(DEMO_NAMES)] if spec.profile == "demo" else f"Rep {m + 1}-{r + 1}"
            rep_rows.append({"workspace_id": ws.id, "platform": spec.platform, "platform_user_id": f"R-{tag}-{m}-{r}",
                             "display_name": name, "tz": spec.tz, "roles": "rep", "team_id": team_ids[m],
                             "manager_id": manager_ids[m], "created_at": now})
    rep_ids = bulk_insert(db, Person, rep_rows, returning_ids=True)

    sessions: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for i, (rep_id, row) in enumerate(zip(rep_ids, rep_rows)):
        story = _story(spec, i % spec.reps_per_manager, rng)
        _history(spec, rep_id, row["platform_user_id"], story, window, rng, sessions, scores)
    bulk_insert(db, PracticeSession, sessions)
    bulk_insert(db, BehaviorScoreRecord, scores)
    return Seeded(
        workspace_id=ws.id, period=period, manager_ids=manager_ids,  # type: ignore[arg-type]
        rep_ids=[rep_ids[m * spec.reps_per_manager:(m + 1) * spec.reps_per_manager] for m in range(spec.managers)],
        team_ids=team_ids, sessions=len(sessions), scores=len(scores),
    )


def _story(spec: SeedSpec, index: int, rng: random.Random) -> _Story:
    if spec.profile == "demo":
        story = DEMO_STORIES[index % len(DEMO_STORIES)]
        pad = spec.periods - len(story.sessions)
        counts = (story.sessions[0],) * max(pad, 0) + story.sessions[max(-pad, 0):]
        return _Story(counts, story.base, story.gain, story.weak, story.missed)
    return _Story((spec.sessions_per_period,) * spec.periods, base=rng.uniform(35, 75), gain=rng.uniform(-1.5, 3.0),
                  weak=rng.choice((None, *spec.behaviors)))


def _history(spec: SeedSpec, person_id: int, user_id: str, story: _Story, window: list[Period],
             rng: random.Random, sessions: list[dict], scores: list[dict]) -> None:
    tzinfo = zone(spec.tz)
    index = 0
    for p, (period, count) in enumerate(zip(window, story.sessions)):
        missed = story.missed if p == len(window) - 1 else 0
        for k in range(count + missed):
            day = period.start + timedelta(days=int((k + 0.5) * period.days / (count + missed)))
            local = datetime(day.year, day.month, day.day, 10 + k % 6, rng.randrange(60), tzinfo=tzinfo)
            at = local.astimezone(UTC)
            sid = str(uuid.uuid4())
            done = k < count
            sessions.append({
                "id": sid, "person_id": person_id, "kind": "practice",
                "scenario_id": spec.scenario_ids[index % len(spec.scenario_ids)],
                "state": "finished" if done else "abandoned", "platform": spec.platform,
                "workspace": spec.workspace, "channel": f"D-{user_id}", "thread": f"T-{sid[:8]}",
                "offered_at": at - timedelta(minutes=14), "started_at": at - timedelta(minutes=12),
                "last_activity_at": at, "finished_at": at, "judge_engine": "offline" if done else None,
            })
            if not done:
                continue
            index += 1
            for b in spec.behaviors:
                level = story.base + story.gain * index - (18 if b == story.weak else 0) + rng.gauss(0, 5)
                score = int(max(0, min(100, round(level))))
                scores.append({"session_id": sid, "person_id": person_id, "behavior": b, "score": score,
                               "detected": score >= 50, "level": min(4, score // 20), "engine": "offline",
                               "created_at": at})
