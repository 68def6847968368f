"""A digest is built from aggregate queries: the same few queries whatever the team's size,
and the numbers agree with the raw rows (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import numpy as np

from bot.digests.periods import Period, trailing
from storage.repos.digests import QueryCounter, TeamView
from tests.digests.conftest import DIGEST_DAY, World


def test_aggregates_agree_with_the_raw_scores(world: World) -> None:
    seeded = world.seed(reps_per_manager=5)
    trend = trailing(seeded.period, 6)
    bounds = [p.utc_bounds("Europe/London") for p in trend]
    inputs = TeamView.for_viewer(world.repos.db, seeded.manager_ids[0]).team_inputs(bounds)

    expected_cells: dict[tuple[int, str, int], list[int]] = defaultdict(list)
    expected_series: dict[tuple[int, str], list[int]] = defaultdict(list)
    for rep in seeded.rep_ids[0]:
        for row in world.repos.sessions.scores_of_person(rep):  # oldest first
            period = next((i for i, (a, b) in enumerate(bounds) if a <= row.created_at < b), None)
            if period is not None:
                expected_cells[(rep, row.behavior, period)].append(row.score)
                expected_series[(rep, row.behavior)].append(row.score)

    assert {(c.person_id, c.behavior, c.period): (c.n, round(c.mean, 6)) for c in inputs.cells} == {
        k: (len(v), round(float(np.mean(v)), 6)) for k, v in expected_cells.items()}
    for t in inputs.trends:
        ys = expected_series[(t.person_id, t.behavior)]
        assert t.n == len(ys) and t.sy == sum(ys)
        if len(ys) >= 2:
            slope = (t.n * t.sxy - t.sx * t.sy) / (t.n * t.sxx - t.sx ** 2)
            assert abs(slope - np.polyfit(np.arange(1, len(ys) + 1), ys, 1)[0]) < 1e-9


def test_session_tallies_count_finished_and_missed_sessions_per_period(world: World) -> None:
    seeded = world.seed(reps_per_manager=5)  # the fifth demo rep skipped two sessions this period
    bounds = [p.utc_bounds("Europe/London") for p in trailing(seeded.period, 2)]
    tallies = TeamView.for_viewer(world.repos.db, seeded.manager_ids[0]).tallies(bounds)
    current = {t.person_id: (t.finished, t.missed) for t in tallies if t.period == 1}
    reps = seeded.rep_ids[0]
    assert current[reps[0]] == (6, 0) and current[reps[4]] == (3, 2)


def test_a_digest_costs_the_same_number_of_queries_for_3_or_12_reps(world: World) -> None:
    small = world.seed(reps_per_manager=3)
    large = world.seed(reps_per_manager=12)
    counts = []
    for seeded in (small, large):
        with QueryCounter(world.repos.db) as counter:
            built = world.service.build(seeded.manager_ids[0])
        counts.append(counter.count)
        assert len(built.data.reps) == len(seeded.rep_ids[0])
    assert counts[0] == counts[1] and counts[0] <= 8


def test_period_edges_follow_the_managers_local_midnight(world: World) -> None:
    seeded = world.seed(reps_per_manager=1, periods=1, tz="America/New_York")
    rep = seeded.rep_ids[0][0]
    period = Period(DIGEST_DAY.date() - timedelta(days=14), DIGEST_DAY.date() - timedelta(days=1))
    last_minute = datetime(2026, 11, 16, 4, 59, tzinfo=DIGEST_DAY.tzinfo)  # 23:59 on 15 Nov in New York
    first_minute = datetime(2026, 11, 16, 5, 1, tzinfo=DIGEST_DAY.tzinfo)  # 00:01 on 16 Nov in New York
    world.add_session(rep, last_minute, {"empathy": 11})
    world.add_session(rep, first_minute, {"empathy": 99})
    bounds = [p.utc_bounds("America/New_York") for p in (period, period.shift(1))]
    cells = TeamView.for_viewer(world.repos.db, seeded.manager_ids[0]).team_inputs(bounds).cells
    assert any(c.period == 0 and c.behavior == "empathy" and c.n >= 1 for c in cells)
    assert [(c.n, c.mean) for c in cells if c.period == 1 and c.behavior == "empathy"] == [(1, 99.0)]
