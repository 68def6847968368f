"""Six simulated weeks of a demo team, through the real scheduler jobs, engine, buyer and scorer.

Time is a simulated clock stepping 30 minutes at a time. At each step the
scheduler's own periodic jobs (plan, deliver, nudge, expire, digests) run when
their interval has passed in simulated time — the same functions APScheduler
calls in production, without waiting for the wall clock. Pushes land in each
rep's local working hours; simulated reps answer (or not) according to their
habits, and each of their replies goes through PracticeService.handle like a
real message. At the end the manager's digest is built and its chart saved.
"""

from __future__ import annotations

import random
import time as wallclock
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import Core, build_core
from bot.demo.chat import PLATFORM, Offer, SimulatedChat
from bot.demo.habits import DEMO_TEAM, Habit, reply_for
from bot.messages import Inbound, PersonRef
from bot.practice.states import is_open
from bot.settings import Settings

WORKSPACE = "demo"
STEP = timedelta(minutes=30)
HOUR_S = 3600.0
# The demo's weeks end on the Monday of the current week, so its digests are the latest ones and the
# commands it prints (digest, progress) show them; the reps' habits and the random seed keep the story.
DEMO_SCENARIOS = ("discovery-procurement-stall", "pricing-objection", "contact-centre-empathy",
                  "contact-centre-trust")


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def set(self, at: datetime) -> None:
        self.current = max(self.current, at)  # never backwards: turns inside a step advance it a little


@dataclass
class RepStats:
    name: str
    offered: int = 0
    finished: int = 0
    ignored: int = 0


def demo_start(weeks: int, today: date) -> date:
    """The Monday `weeks` weeks before the Monday of `today`'s week."""
    return today - timedelta(days=today.weekday(), weeks=weeks)


@dataclass
class DemoResult:
    weeks: int
    manager_id: int
    enablement_id: int
    rep_id: int
    database_url: str
    period_start: date
    pushes_delivered: int
    sessions_finished: int
    sessions_expired: int
    rep_turns: int
    nudges: int
    digests_delivered: int
    digest_text: str
    chart_path: Path
    wall_seconds: float
    reps: list[RepStats] = field(default_factory=list)


@dataclass
class _Pending:
    offer: Offer
    habit: Habit
    at: datetime


def _seed(core: Core) -> tuple[int, int, int, dict[str, Habit]]:
    """A manager, an enablement lead and the eight reps, one team, and its cadence."""
    from bot.scheduling.cadences import CadenceService

    now = core.clock.now()
    people = core.repos.people
    manager, _ = people.ensure_person(PLATFORM, WORKSPACE, "maya", now, "Maya Chen", "Europe/London")
    lead, _ = people.ensure_person(PLATFORM, WORKSPACE, "eli", now, "Eli Brooks", "Europe/London")
    team = people.ensure_team(manager.workspace_id, "Demo Sales", now)
    people.update(manager.id, roles="manager", team_id=team.id)  # type: ignore[arg-type]
    people.update(lead.id, roles="enablement", team_id=team.id)  # type: ignore[arg-type]
    habits: dict[str, Habit] = {}
    first_rep = 0
    for i, habit in enumerate(DEMO_TEAM):
        user_id = f"rep{i + 1}"
        rep, _ = people.ensure_person(PLATFORM, WORKSPACE, user_id, now, habit.name, habit.tz)
        people.update(rep.id, roles="rep", team_id=team.id, manager_id=manager.id)  # type: ignore[arg-type]
        habits[user_id] = habit
        first_rep = first_rep or rep.id  # type: ignore[assignment]
    CadenceService(core.repos, core.clock, core.library).set(lead.id, team.id, {  # type: ignore[arg-type]
        "sessions_per_week": 3, "weekdays": [0, 1, 2, 3, 4], "window": "09:00-17:00", "min_spacing_hours": 24,
        "scenario_ids": list(DEMO_SCENARIOS), "digest_weekday": 0, "digest_hour": 8,
    })
    return manager.id, lead.id, first_rep, habits  # type: ignore[return-value]


def run_demo(data_dir: Path, weeks: int = 6, seed: int = 11, start_day: date | None = None) -> DemoResult:
    """Simulate `weeks` weeks from `start_day` (default: ending this Monday) in a fresh DATA_DIR/demo.db."""
    from bot.digests import render
    from bot.scheduling.build import build_scheduling

    started = wallclock.perf_counter()
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = data_dir / "demo.db"
    for stale in data_dir.glob("demo.db*"):
        stale.unlink()
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db_file}", data_dir=str(data_dir),  # type: ignore[call-arg]
                        anthropic_api_key=None, llm_provider="offline", slack_bot_token=None, discord_token=None)
    first_day = start_day or demo_start(weeks, datetime.now(UTC).date())
    start = datetime.combine(first_day, datetime.min.time(), UTC)
    clock = SimulatedClock(start)
    core = build_core(settings, clock=clock)
    chat = SimulatedChat()
    core.practice({PLATFORM: chat})  # binds the simulated chat; later calls share this service
    manager_id, enablement_id, rep_id, habits = _seed(core)

    # One process, no leader election to wait for.
    scheduling = build_scheduling(core.repos, core.library, clock, core.limiter, core.practice(), core.chats, data_dir,
                                  name=f"demo-{uuid.uuid4().hex[:6]}", elect=False)
    digests = scheduling.digests
    # Delivery runs every simulated step; the other jobs at most hourly (their timing is not the story).
    jobs = {name: (func, seconds if name == "deliver" else max(seconds, HOUR_S))
            for name, (func, seconds) in scheduling.runner.periodic_jobs().items()}
    next_run = {name: start for name in jobs}

    rng = random.Random(seed)
    stats = {uid: RepStats(h.name) for uid, h in habits.items()}
    done_sessions = {uid: 0 for uid in habits}
    pending: list[_Pending] = []
    seen_offers = 0
    rep_turns = 0
    end = start + timedelta(weeks=weeks)
    t = start
    while t < end:
        clock.set(t)
        for name, (func, seconds) in jobs.items():
            if t >= next_run[name]:
                func()
                next_run[name] = t + timedelta(seconds=seconds)
        for offer in chat.offers[seen_offers:]:
            habit = habits.get(offer.person.user_id)
            if habit is None:
                continue
            stats[offer.person.user_id].offered += 1
            week = (t - start).days // 7 + 1
            stopped = habit.stops_after_week is not None and week > habit.stops_after_week
            if stopped or rng.random() > habit.takes_push:
                stats[offer.person.user_id].ignored += 1
                continue
            pending.append(_Pending(offer, habit, t + timedelta(hours=habit.reply_after_h * rng.uniform(0.5, 1.5))))
        seen_offers = len(chat.offers)
        for item in [p for p in pending if p.at <= t]:
            pending.remove(item)
            rep_turns += _practise(core, item, done_sessions, stats, rng)
        t += STEP

    finished = sum(s.finished for s in stats.values())
    expired = core.repos.sessions.state_counts().get("expired", 0)
    clock.set(end)  # the final Monday: "last" is the period the simulated weeks just completed
    built = digests.build(manager_id, "last")
    _share_latest(core, list(habits)[:2], datetime.combine(built.data.period_end + timedelta(days=1), start.timetz()))
    chart = digests.save_chart(built)
    text = render.to_text(built.data, str(chart.resolve()))
    result = DemoResult(
        weeks=weeks, manager_id=manager_id, enablement_id=enablement_id, rep_id=rep_id,
        database_url=f"sqlite:///{db_file.resolve()}", period_start=built.data.period_start, pushes_delivered=len(chat.offers), sessions_finished=finished,
        sessions_expired=expired, rep_turns=rep_turns,
        nudges=sum(chat.nudges_for(uid) for uid in habits), digests_delivered=len(chat.digest_images()),
        digest_text=text, chart_path=chart.resolve(), wall_seconds=wallclock.perf_counter() - started,
        reps=list(stats.values()),
    )
    core.repos.db.dispose()
    return result


def _share_latest(core: Core, user_ids: list[str], before: datetime) -> None:
    """Two reps let their manager read their latest session of the digest's period (a rep's choice, made on
    their own report page), so the manager's full report shows a shared transcript beside the private ones."""
    for uid in user_ids:
        person = core.repos.people.find(PLATFORM, WORKSPACE, uid)
        if person is None or person.id is None:
            continue
        finished = [s for s in core.repos.sessions.sessions_of(person.id)
                    if s.state == "finished" and s.finished_at is not None and s.finished_at < before]
        if finished:
            core.repos.sessions.update(finished[0].id, shared_with_manager=True)


def _practise(core: Core, item: _Pending, done_sessions: dict[str, int], stats: dict[str, RepStats],
              rng: random.Random) -> int:
    """One simulated rep answers the buyer a few times, then writes `done`."""
    practice = core.practice()
    session = core.repos.sessions.find_by_thread(item.offer.ref.platform, item.offer.ref.channel,
                                                 item.offer.ref.thread or "")
    if session is None or not is_open(session.state):
        return 0
    behaviors = list(practice.scenario_of(session).behaviors)
    uid = item.offer.person.user_id
    turns = 0
    for turn in range(item.habit.turns):
        text = reply_for(item.habit, behaviors, done_sessions[uid], turn, rng)
        _say(core, item.offer, text)
        turns += 1
        current = core.repos.sessions.get(session.id)
        if current is None or not is_open(current.state):
            break
    current = core.repos.sessions.get(session.id)
    if current is not None and is_open(current.state):
        _say(core, item.offer, "done")
    done_sessions[uid] += 1
    stats[uid].finished += 1
    return turns


def _say(core: Core, offer: Offer, text: str) -> None:
    clock = core.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(clock.now() + timedelta(seconds=75))
    person = PersonRef(PLATFORM, WORKSPACE, offer.person.user_id, offer.person.display_name)
    core.practice().handle(Inbound(offer.ref, person, uuid.uuid4().hex, clock.now(), text))

