"""The effect statistics on simulated programmes whose true effect is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.impact.effect import (
    DECLINING,
    HOLDOUT,
    IMPROVING,
    NOT_ENOUGH,
    PRACTICE,
    UNCLEAR,
    CohortMember,
    OutcomeValue,
    Score,
    expansion,
    measure,
    outcome_links,
    per_session_slope,
    rep_changes,
    t_quantile,
)
from bot.impact.simulate import simulate

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _measure(sim, **kw):  # type: ignore[no-untyped-def]
    return measure(sim.behaviors, sim.members, sim.assessments, sim.practice, last_round=sim.last_round,
                   first_practice=sim.first_practice, outcomes=sim.outcomes, **kw)


@pytest.mark.parametrize("true_effect", [0.0, 10.0])
def test_the_report_recovers_a_known_effect_within_its_interval(true_effect: float) -> None:
    # One simulated programme (the one `benchmarks/impact_sim.py` prints). Any single programme misses
    # the truth 5 % of the time by design; the calibration test below checks that rate itself.
    sim = simulate({"open_question": true_effect, "empathy": true_effect}, reps=100, seed=7)
    impact = _measure(sim)
    for e in impact.behaviors:
        assert e.difference_ci is not None and e.difference_ci.covers(true_effect), e
        assert (e.practice.reps, e.holdout.reps) == (80, 20)  # type: ignore[union-attr]
        assert e.practice.assessments == 3 * e.practice.reps  # baseline and two reassessments each
        assert e.slope is not None and e.slope.ci is not None and e.slope.ci.covers(sim.true_slope[e.behavior])
        if true_effect == 0:
            assert e.verdict_code == UNCLEAR and e.verdict.startswith("No clear effect yet")
        else:
            assert e.verdict_code == IMPROVING
            assert e.verdict.startswith(f"Practice is improving {e.label} by about")
            assert "95 % CI" in e.verdict


def test_the_95_percent_interval_covers_the_truth_about_95_percent_of_the_time() -> None:
    # 200 programmes of 40 practising and 10 held-out reps. Coverage of a true 95 % interval lands in
    # [0.92, 0.985] with probability 0.98; the plain percentile bootstrap (about 0.91 here) would not.
    trials, covered = 200, 0
    for seed in range(trials):
        sim = simulate({"open_question": 10.0}, reps=50, seed=seed, sessions_per_week=1)
        e = measure(sim.behaviors, sim.members, sim.assessments, last_round=sim.last_round,
                    first_practice=sim.first_practice, resamples=1000).behaviors[0]
        covered += e.difference_ci.covers(10.0)  # type: ignore[union-attr]
    assert 0.92 <= covered / trials <= 0.985, covered / trials


def test_a_small_programme_says_not_enough_data_yet() -> None:
    sim = simulate({"open_question": 30.0}, reps=8, holdout_share=0.25, seed=2)
    e = _measure(sim).behaviors[0]
    assert (e.practice.reps, e.holdout.reps) == (6, 2)  # type: ignore[union-attr]
    assert e.verdict_code == NOT_ENOUGH
    assert e.verdict.startswith("Not enough data yet: 6 practising and 2 holdout rep(s)")
    assert "at least 5 in each" in e.verdict


def test_a_baseline_alone_is_not_a_change_yet() -> None:
    members = [CohortMember(p, PRACTICE) for p in range(1, 8)]
    baselines = [Score(p, "empathy", 50, T0, 0) for p in range(1, 8)]
    e = measure(["empathy"], members, baselines).behaviors[0]
    assert e.practice.reps == 0 and e.practice.waiting == 7
    assert e.verdict_code == NOT_ENOUGH and "a before/after change needs at least 5" in e.verdict


def test_without_a_holdout_the_change_is_called_a_before_after_change() -> None:
    sim = simulate({"empathy": 10.0}, reps=40, holdout_share=0.0, seed=3)
    e = _measure(sim).behaviors[0]
    assert e.holdout is None and e.difference is None
    assert e.verdict_code == IMPROVING
    assert "no holdout" in e.verdict and "cannot separate practice" in e.verdict


def test_a_baseline_taken_after_practice_began_is_left_out() -> None:
    members = [CohortMember(1, PRACTICE), CohortMember(2, PRACTICE)]
    scores = [Score(p, "empathy", s, T0 + timedelta(days=d), r)
              for p, s, d, r in [(1, 40, 0, 0), (1, 60, 28, 1), (2, 40, 3, 0), (2, 60, 28, 1)]]
    rows, waiting, late = rep_changes(members, scores, "empathy", None, {2: T0 + timedelta(days=1)})
    assert [r.person_id for r in rows] == [1] and rows[0].change == 20
    assert late[PRACTICE] == 1


def test_holdout_assessments_after_the_holdout_starts_practising_do_not_count() -> None:
    members = [CohortMember(1, HOLDOUT)]
    scores = [Score(1, "empathy", s, T0 + timedelta(weeks=w), r) for s, w, r in [(40, 0, 0), (45, 4, 1), (90, 9, 2)]]
    rows, _, _ = rep_changes(members, scores, "empathy", None, {1: T0 + timedelta(weeks=8, days=1)})
    assert rows[0].latest == 45


def test_rounds_after_the_comparison_round_do_not_count() -> None:
    members = [CohortMember(1, PRACTICE)]
    scores = [Score(1, "empathy", s, T0 + timedelta(weeks=4 * r), r) for r, s in enumerate([40, 50, 60, 95])]
    rows, _, _ = rep_changes(members, scores, "empathy", 2, {})
    assert (rows[0].baseline, rows[0].latest, rows[0].assessments) == (40, 60, 3)


def test_practice_doing_harm_is_said_plainly() -> None:
    sim = simulate({"open_question": -15.0}, reps=150, seed=9)
    e = _measure(sim).behaviors[0]
    assert e.verdict_code == DECLINING and "less than the holdout" in e.verdict


def test_the_same_data_gives_the_same_report() -> None:
    sim = simulate({"open_question": 5.0}, reps=40, seed=4)
    assert _measure(sim) == _measure(sim)


def test_the_slope_is_reported_per_session_with_an_interval() -> None:
    sim = simulate({"open_question": 12.0}, reps=60, seed=8)
    slope = per_session_slope(sim.practice, "open_question", set(sim.person_ids), 2000, np.random.default_rng(1))
    assert slope is not None and slope.ci is not None
    assert slope.ci.covers(sim.true_slope["open_question"])
    assert slope.reps == 48 and slope.sessions == 48 * sim.sessions_per_rep


def test_outcomes_are_correlations_and_need_enough_reps() -> None:
    sim = simulate({"empathy": 15.0}, reps=100, seed=6)
    links = _measure(sim).outcomes
    (link,) = links
    assert link.metric == "csat" and link.n == 100
    assert link.pearson is not None and link.pearson > 0 and link.pearson_ci.low > 0  # type: ignore[union-attr]
    assert link.spearman is not None and link.spearman > 0
    few = [r for r in _measure(sim).behaviors[0].reps][:3]
    (thin,) = outcome_links({"empathy": few}, sim.outcomes, 5)
    assert thin.n == 3 and thin.pearson is None


def test_spearman_handles_ties_and_a_constant_metric_has_no_correlation() -> None:
    from bot.impact.effect import RepChange

    rows = [RepChange(p, PRACTICE, 50, 50 + d, 2) for p, d in enumerate([0, 0, 5, 5, 10, 10], start=1)]
    rising = [OutcomeValue(p, per, "conversion", v) for p in range(1, 7)
              for per, v in (("2026-01", 10.0), ("2026-02", 10.0 + (p - 1) // 2))]  # ties where the changes tie
    flat = [OutcomeValue(p, per, "aht", 300.0) for p in range(1, 7) for per in ("2026-01", "2026-02")]
    by_metric = {link.metric: link for link in outcome_links({"empathy": rows}, rising + flat, 5)}
    assert by_metric["conversion"].spearman == pytest.approx(1.0)
    assert by_metric["aht"].pearson is None and by_metric["aht"].n == 6


@pytest.mark.parametrize(("dof", "exact"), [(1, 12.7062), (2, 4.3027), (10, 2.2281), (30, 2.0423)])
def test_the_95_percent_t_quantile_is_exact_even_for_the_smallest_cohorts(dof: int, exact: float) -> None:
    # Published two-sided 95 % critical values; the old series gave 9.71 at 1 dof and 4.17 at 2.
    assert t_quantile(0.975, dof) == pytest.approx(exact, abs=1e-4)


def test_two_reps_widen_the_interval_by_the_exact_t_over_z() -> None:
    assert expansion(2) == pytest.approx(2**0.5 * 12.7062 / 1.95996, abs=1e-3)


def test_the_small_sample_correction_uses_students_t() -> None:
    assert t_quantile(0.975, 9) == pytest.approx(2.262, abs=0.002)
    assert t_quantile(0.975, 30) == pytest.approx(2.042, abs=0.002)
    assert t_quantile(0.975, 10**9) == pytest.approx(1.95996, abs=1e-4)
    assert expansion(10) == pytest.approx((10 / 9) ** 0.5 * 2.262 / 1.960, abs=0.003)
    assert expansion(1000) == pytest.approx(1.0, abs=0.003)
