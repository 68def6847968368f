"""Scenario choice: spaced repetition over behaviors, never the same scenario twice in a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler.picker import MASTERED, ScenarioOption, ScoreEvent, behavior_states, pick_scenario

UTC = UTC
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OPTIONS = [
    ScenarioOption("empathy-a", ("empathy",)),
    ScenarioOption("empathy-b", ("empathy", "open_question")),
    ScenarioOption("patience-a", ("patience",)),
    ScenarioOption("objection-a", ("acknowledge_objection", "open_question")),
]


def scores(*items: tuple[str, int, int]) -> list[ScoreEvent]:
    """(behavior, score, days ago)"""
    return [ScoreEvent(b, s, NOW - timedelta(days=d)) for b, s, d in items]


def test_the_weakest_behavior_comes_next() -> None:
    history = scores(("empathy", 70, 3), ("patience", 30, 3), ("acknowledge_objection", 75, 3))
    assert pick_scenario(OPTIONS, history, [], NOW) == "patience-a"


def test_a_behavior_never_practised_comes_before_a_recent_middling_one() -> None:
    history = scores(("empathy", 55, 1), ("patience", 55, 1))
    assert pick_scenario(OPTIONS, history, ["patience-a", "empathy-a"], NOW) == "objection-a"


def test_the_least_recently_practised_wins_between_equally_weak_behaviors() -> None:
    history = scores(("empathy", 50, 12), ("patience", 50, 2), ("acknowledge_objection", 50, 1))
    assert pick_scenario(OPTIONS, history, [], NOW) in {"empathy-a", "empathy-b"}


def test_never_the_same_scenario_twice_in_a_row() -> None:
    history = scores(("patience", 10, 1), ("empathy", 90, 1), ("acknowledge_objection", 90, 1))
    # Patience is by far the weakest, but its only scenario was the last one: the next weakest goes.
    choice = pick_scenario(OPTIONS, history, ["patience-a"], NOW)
    assert choice is not None and choice != "patience-a"


def test_a_behavior_with_two_scenarios_alternates_between_them() -> None:
    only_empathy = [o for o in OPTIONS if o.target == "empathy"]
    history = scores(("empathy", 40, 1))
    assert pick_scenario(only_empathy, history, ["empathy-a"], NOW) == "empathy-b"
    assert pick_scenario(only_empathy, history, ["empathy-b", "empathy-a"], NOW) == "empathy-a"


def test_a_mastered_behavior_rests_and_returns_at_growing_intervals() -> None:
    def due_after(streak: int) -> timedelta:
        history = scores(*[("empathy", MASTERED + 5, 0)] * streak)
        state = behavior_states(history, ["empathy"])["empathy"]
        assert state.due_at is not None
        return state.due_at - NOW

    assert [due_after(n).days for n in (1, 2, 3, 4)] == [7, 14, 28, 56]
    only_two = [OPTIONS[0], OPTIONS[2]]
    mastered_yesterday = scores(("empathy", 95, 1), ("patience", 60, 20))
    assert pick_scenario(only_two, mastered_yesterday, [], NOW) == "patience-a"
    # Eight days later the mastered behavior's rest is over and it can come back.
    mastered_long_ago = scores(("empathy", 95, 8), ("patience", 90, 1), ("patience", 90, 2))
    assert pick_scenario(only_two, mastered_long_ago, ["patience-a"], NOW) == "empathy-a"


def test_a_slip_after_mastery_brings_the_behavior_straight_back() -> None:
    history = scores(("empathy", 95, 30), ("empathy", 95, 20), ("empathy", 40, 2), ("patience", 85, 2))
    state = behavior_states(history, ["empathy"])["empathy"]
    assert state.streak == 0 and state.is_due(NOW)
    assert pick_scenario([OPTIONS[0], OPTIONS[2]], history, ["patience-a"], NOW) == "empathy-a"


def test_the_cadence_can_focus_the_rotation_on_some_behaviors() -> None:
    history = scores(("patience", 5, 1))
    assert pick_scenario(OPTIONS, history, [], NOW, focus=["empathy"]) in {"empathy-a", "empathy-b"}


def test_no_options_means_no_choice_and_one_option_is_always_it() -> None:
    assert pick_scenario([], [], [], NOW) is None
    assert pick_scenario([OPTIONS[0]], [], ["empathy-a"], NOW) == "empathy-a"
