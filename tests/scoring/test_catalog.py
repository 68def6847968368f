"""The behavior catalog is data that scenarios, the LLM judge and coaches read."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scoring import UnknownBehavior, all_behaviors, get_behavior, score_reply
from scoring.signals import SIGNAL_NAMES

REQUIRED = {
    "open_question", "empathy", "paraphrase", "reassurance", "suggestion",
    "business_impact_first", "impact_before_fix", "restate_goal", "acknowledge_objection",
    "patience", "ownership_language", "transparency", "next_steps", "positive_language", "concise",
}
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "library"


def test_catalog_has_every_behavior_the_issue_names():
    assert {b.id for b in all_behaviors()} >= REQUIRED


@pytest.mark.parametrize("behavior", sorted(REQUIRED))
def test_each_behavior_has_a_definition_a_five_level_rubric_with_examples_and_known_signals(behavior):
    b = get_behavior(behavior)
    assert b.name and b.definition and b.looks_like
    assert [r.level for r in b.rubric] == [0, 1, 2, 3, 4]
    assert all(r.description and r.example for r in b.rubric)
    assert b.signals and set(b.signals) <= set(SIGNAL_NAMES)


@pytest.mark.parametrize("behavior", sorted(REQUIRED))
def test_rubric_top_example_is_detected_and_bottom_example_is_not(behavior):
    b = get_behavior(behavior)
    top, bottom = score_reply(behavior, b.rubric[4].example), score_reply(behavior, b.rubric[0].example)
    assert top.detected and not bottom.detected
    assert top.score > bottom.score


def test_unknown_behavior_is_a_clear_error():
    with pytest.raises(UnknownBehavior, match="unknown behavior 'charisma'"):
        get_behavior("charisma")


def test_every_behavior_a_built_in_scenario_names_is_in_the_catalog():
    known = {b.id for b in all_behaviors()}
    for path in SCENARIOS.glob("*.yaml"):
        scenario = yaml.safe_load(path.read_text())
        named = set(scenario.get("behaviors", []))
        for fact in scenario.get("hidden_facts", []):
            named |= set(fact.get("unlocked_by", []))
        assert named <= known, f"{path.name} names {named - known}"
