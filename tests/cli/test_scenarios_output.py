"""`rehearse scenarios`: output that survives a pipe (issue #15) and a validator that shows every problem."""

from __future__ import annotations

from pathlib import Path

import yaml
from rich.console import Console
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.output import table
from scenarios.loader import ScenarioLibrary, load_file
from tests.cli.conftest import Rehearse


def test_a_piped_scenario_show_is_valid_yaml_that_validates_as_a_scenario(rehearse: Rehearse, tmp_path: Path) -> None:
    ran = rehearse("scenarios", "show", "contact-centre-efficiency", columns=80)  # `> file.yaml`: not a terminal
    assert ran.code == 0, ran.err
    target = tmp_path / "contact-centre-efficiency.yaml"
    target.write_text(ran.out)
    assert load_file(target) == ScenarioLibrary.load().get("contact-centre-efficiency")


def test_every_shipped_scenario_shows_as_yaml_that_round_trips(tmp_path: Path) -> None:
    runner = CliRunner()  # stdout is not a terminal here either
    for scenario in ScenarioLibrary.load().all():
        shown = runner.invoke(app, ["scenarios", "show", scenario.id])
        assert shown.exit_code == 0, shown.output
        target = tmp_path / f"{scenario.id}.yaml"
        target.write_text(shown.stdout)
        assert yaml.safe_load(shown.stdout)["id"] == scenario.id
        assert load_file(target) == scenario  # the whole scenario, long lines included


def test_validate_prints_error_in_colour_words_not_markup_and_every_problem_in_one_pass(
        rehearse: Rehearse, tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: other\nkind: sometimes\nmax_turns: many\n")
    missing = tmp_path / "missing.yaml"
    ran = rehearse("scenarios", "validate", str(bad), str(missing))
    assert ran.code == 2
    assert "[red]" not in ran.out and "[/red]" not in ran.out
    problems = [line for line in ran.out.splitlines() if line.startswith("error ")]
    fields = " ".join(problems)
    for field in ("kind:", "max_turns:", "title:", "persona:", "opening_line:"):
        assert field in fields, ran.out
    assert any(str(missing) in line for line in problems)  # the next file is still checked
    assert "id: 'other' must match the file name 'broken'" in fields  # beside the field errors, not after a fix


def test_a_piped_scenario_list_has_whole_ids_one_row_per_scenario(rehearse: Rehearse) -> None:
    ran = rehearse("scenarios", "list", columns=40)
    assert ran.code == 0, ran.err
    rows = [line.split("\t") for line in ran.out.splitlines()[1:]]
    assert {r[0] for r in rows} == set(ScenarioLibrary.load().ids())
    assert all(len(r) == 5 for r in rows)


def test_the_scenario_table_keeps_whole_ids_in_a_narrow_terminal() -> None:
    ids = ScenarioLibrary.load().ids()
    console = Console(width=50, record=True, force_terminal=False)
    console.print(table(("id", "title"), [(i, "a long title that must wrap instead of the id") for i in ids]))
    shown = console.export_text()
    for scenario_id in ids:
        assert scenario_id in shown
