"""Bad input fuzzing: the scenario loader and the score CLI never crash, they explain."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli.score import score_line
from scenarios.loader import ScenarioError, parse_scenario

EXAMPLE = yaml.safe_load((Path(__file__).parents[2] / "scenarios/library/discovery-procurement-stall.yaml").read_text())
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


@FAST
@given(st.text(max_size=400))
def test_any_text_as_a_scenario_file_is_loaded_or_explained(text: str) -> None:
    try:
        parse_scenario(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml") for p in exc.problems)


@FAST
@given(st.sampled_from(sorted(EXAMPLE)), json_values)
def test_a_scenario_with_one_field_replaced_by_junk_is_loaded_or_names_that_field(field: str, junk: object) -> None:
    data = {**EXAMPLE, field: junk}
    try:
        parse_scenario(yaml.safe_dump(data), "fuzz.yaml")
    except ScenarioError as exc:
        assert any(p.field.split(".")[0] == field or p.field == "(top level)" for p in exc.problems), exc.problems
        assert all(p.line is None or p.line >= 1 for p in exc.problems)


@FAST
@given(st.text(max_size=300))
def test_any_line_given_to_rehearse_score_yields_one_json_answer(line: str) -> None:
    out = score_line(line, 1)
    json.dumps(out)
    assert "error" in out or 0 <= out["score"] <= 100


@FAST
@given(st.dictionaries(st.sampled_from(["id", "behavior", "text", "context", "extra"]), json_values, max_size=5))
def test_any_json_object_given_to_rehearse_score_is_scored_or_explained(record: dict) -> None:
    out = score_line(json.dumps(record), 1)
    assert ("error" in out and isinstance(out["error"], str)) or (0 <= out["score"] <= 100 and isinstance(out["detected"], bool))
