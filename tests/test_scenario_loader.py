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
