"""Scenario files: the shipped library loads, and a broken file is reported by file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios.loader import ScenarioError, ScenarioLibrary, load_file, parse_scenario

EXAMPLE = (Path(__file__).parents[1] / "scenarios" / "library" / "discovery-procurement-stall.yaml").read_text()


def test_the_shipped_library_covers_the_field() -> None:
    library = ScenarioLibrary.load()
    practice = library.all(kind="practice")
    assert len(practice) >= 10
    for needed in ["discovery-procurement-stall", "enterprise-outage-escalation", "renewal-gone-cold",
                   "pricing-objection", "contact-centre-patience", "contact-centre-empathy", "contact-centre-trust",
                   "contact-centre-efficiency", "contact-centre-positive-language"]:
        assert needed in library
    assert len(library.all(kind="assessment")) >= 15


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_misspelled_field_names_file_line_and_field(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("opening_line:", "openning_line:")
    path = _write(tmp_path, "discovery-procurement-stall", broken)
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    line = broken.splitlines().index(next(ln for ln in broken.splitlines() if ln.startswith("openning_line"))) + 1
    messages = [str(p) for p in err.value.problems]
    assert f"{path}:{line}: openning_line: unknown field" in "\n".join(messages)
    assert any(": opening_line: Field required" in m for m in messages)


def test_an_unknown_behavior_id_is_named_with_its_line(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("behaviors: [business_impact_first, open_question]", "behaviors: [business_impact_first, smiling]")
    path = _write(tmp_path, "discovery-procurement-stall", broken)
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    problem = err.value.problems[0]
    assert problem.field == "behaviors" and problem.line == 6 and "smiling" in problem.message


def test_a_wrong_type_deep_in_the_file_points_at_that_line(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("max_turns: 6", "max_turns: lots")
    path = _write(tmp_path, "discovery-procurement-stall", broken)
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    problem = err.value.problems[0]
    assert problem.field == "max_turns"
    assert broken.splitlines()[problem.line - 1].startswith("max_turns")  # type: ignore[operator]


def test_broken_yaml_reports_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad", "id: bad\ntitle: [unclosed\n")
    with pytest.raises(ScenarioError, match=r"bad.yaml:\d+: not valid YAML"):
        load_file(path)


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = _write(tmp_path, "other-name", EXAMPLE)
    with pytest.raises(ScenarioError, match="must match the file name"):
        load_file(path)


def test_a_hidden_fact_unlocked_by_an_unknown_behavior_is_refused() -> None:
    with pytest.raises(ScenarioError, match="unknown behavior 'charm'"):
        parse_scenario(EXAMPLE.replace("unlocked_by: [business_impact_first]", "unlocked_by: [charm]"))


def test_one_broken_file_in_an_extra_folder_is_reported_not_silently_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "broken", "id: broken\n")
    with pytest.raises(ScenarioError, match="broken.yaml"):
        ScenarioLibrary.load(tmp_path)


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = _write(tmp_path, "discovery-procurement-stall", text)
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    return [str(p) for p in err.value.problems]


def _line(text: str, starts: str) -> int:
    return next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith(starts))


def test_the_shipped_scenarios_all_name_their_topics_and_concern() -> None:
    for scenario in ScenarioLibrary.load().all():
        assert scenario.topics and scenario.concern in {t.id for t in scenario.topics}
        placed = {f for t in scenario.topics for f in t.facts}
        assert placed == {f.id for f in scenario.hidden_facts}, scenario.id


def test_a_concern_that_is_not_a_topic_is_named_with_its_line(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("concern: pricing", "concern: prices")
    [problem] = _problems(tmp_path, broken)
    assert f":{_line(broken, 'concern:')}: concern: 'prices' is not a topic; use one of: pricing, problem" in problem


def test_a_hidden_fact_on_no_topic_could_never_be_earned_and_is_refused(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("    facts: [cost_of_delay]\n", "")
    [problem] = _problems(tmp_path, broken)
    assert f":{_line(broken, '- id: cost_of_delay')}: hidden_facts.1.id: hidden fact 'cost_of_delay' is on no topic" in problem


def test_a_topic_listing_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("facts: [cfo_deadline]", "facts: [cfo_deadline, cfo_mood]")
    [problem] = _problems(tmp_path, broken)
    assert "topics.3.facts.1: no hidden fact 'cfo_mood'" in problem
    assert f":{_line(broken, 'facts: [cfo_deadline, cfo_mood]')}:" in problem


def test_a_topic_free_line_that_names_a_topic_is_refused(tmp_path: Path) -> None:
    # A pushback line about a price answered a rep who had never mentioned one (issue 17).
    broken = EXAMPLE.replace('    - "I hear that from every vendor."', '    - "Fine, but how much is it?"')
    [problem] = _problems(tmp_path, broken)
    line = _line(broken, '- "Fine, but how much')
    assert f":{line}: reactions.pitch_pushback.0: names 'how much' (topic 'pricing')" in problem


def test_a_line_written_twice_is_refused_so_the_buyer_cannot_repeat_itself(tmp_path: Path) -> None:
    broken = EXAMPLE.replace('    - "I hear that from every vendor."', '    - "Hm. What do you mean?"')
    [problem] = _problems(tmp_path, broken)
    assert "reactions.pitch_pushback.0: the same line is already at reactions.unclear.1" in problem


def test_too_few_topic_free_lines_for_the_turns_is_refused(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("max_turns: 6", "max_turns: 12")
    [problem] = _problems(tmp_path, broken)
    assert f":{_line(broken, 'max_turns:')}: max_turns: 12 turns need 11 topic-free lines" in problem
    assert "proposal hold 10" in problem


def test_topic_problems_are_all_reported_in_one_pass(tmp_path: Path) -> None:
    broken = EXAMPLE.replace("concern: pricing", "concern: prices").replace("facts: [cfo_deadline]", "facts: [cfo_mood]")
    problems = _problems(tmp_path, broken)
    assert any("concern" in p for p in problems) and any("cfo_mood" in p for p in problems)
    assert any("'cfo_deadline' is on no topic" in p for p in problems)
