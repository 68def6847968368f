"""Enablement sets cadences: from the service the Slack and Discord forms use, from YAML and from the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.scheduling.cadences import (
    CadenceError,
    NotAllowed,
    UnknownTeam,
    parse_cadence,
    parse_cadence_yaml,
)
from bot.settings import get_settings
from scheduler.cadence import CadenceSpec
from tests.scheduler.conftest import Org

UTC = UTC
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def problems(data: dict) -> dict[str, str]:
    with pytest.raises(CadenceError) as caught:
        parse_cadence(data)
    return caught.value.by_field()


def test_the_default_cadence_is_three_spaced_sessions_in_working_hours() -> None:
    spec = CadenceSpec()
    assert (spec.sessions_per_week, spec.weekdays, spec.min_spacing_hours) == (3, (0, 1, 2, 3, 4), 24)
    assert (spec.window_start, spec.window_end) == (time(9), time(17))
    assert spec.describe().startswith("3× a week on Mon, Wed, Fri; 09:00-17:00 local time")


def test_loose_input_from_forms_is_understood() -> None:
    spec = parse_cadence({"sessions_per_week": "2", "weekdays": "Tuesday, thu", "window": "8:30-16:00",
                          "holidays_country": "gb", "nudge_after_hours": "", "start_date": "2027-01-04"})
    assert spec.weekdays == (1, 3) and spec.window_start == time(8, 30) and spec.window_end == time(16)
    assert spec.holidays_country == "GB" and spec.nudge_after_hours is None and spec.start_date == date(2027, 1, 4)


def test_each_mistake_is_named_under_its_field_with_what_to_do() -> None:
    assert problems({"sessions_per_week": 7}) == {"sessions_per_week": "must be from 1 to 5 (you gave 7)"}
    assert "whole number" in problems({"sessions_per_week": "three"})["sessions_per_week"]
    assert "'funday' is not a weekday" in problems({"weekdays": "mon,funday"})["weekdays"]
    assert "must end after it starts" in problems({"window": "17:00-09:00"})["window_end"]
    assert "HH:MM" in problems({"window_start": "9am-ish"})["window_start"]
    assert "only Mon, Tue are allowed" in problems({"weekdays": "mon,tue", "sessions_per_week": 3})["sessions_per_week"]
    assert "lower min_spacing_hours" in problems({"weekdays": "mon,tue", "sessions_per_week": 2,
                                                   "window": "09:00-10:00", "min_spacing_hours": 48})["min_spacing_hours"]
    assert "before the start date" in problems({"start_date": "2027-02-01", "end_date": "2027-01-01"})["end_date"]
    assert "unknown behavior charisma" in problems({"behaviors": "empathy,charisma"})["behaviors"]
    assert "ISO country code" in problems({"holidays_country": "Narnia"})["holidays_country"]
    assert "not a cadence setting" in problems({"sesions_per_week": 2})["sesions_per_week"]
    assert problems({"max_nudges": 3}) == {"max_nudges": "must be from 0 to 2 (you gave 3)"}


def test_yaml_errors_point_at_the_line() -> None:
    text = "team: Sales EMEA\nsessions_per_week: 3\nweekdays: [mon, wed]\nwindow_end: '25:00'\n"
    with pytest.raises(CadenceError) as caught:
        parse_cadence_yaml(text, "cadences/emea.yaml")
    assert str(caught.value).startswith("cadences/emea.yaml:4: Working hours end: '25:00' is not a time of day")
    with pytest.raises(CadenceError) as caught:
        parse_cadence_yaml("- team: A\n  sessions_per_week: 2\n- team: B\n  weekdays: [mon]\n", "two.yaml")
    assert str(caught.value).startswith("two.yaml:3: Sessions per week: 3 sessions a week need at least 3")
    with pytest.raises(CadenceError, match="not valid YAML"):
        parse_cadence_yaml("team: [unclosed\n", "bad.yaml")


def test_only_enablement_may_change_a_cadence_and_the_refusal_is_polite(sqlite_url: str) -> None:
    org = Org(sqlite_url, MONDAY)
    rep = org.rep("U-rep", "UTC")
    with pytest.raises(NotAllowed) as refused:
        org.cadences.set(rep.id, org.team.id, {"sessions_per_week": 2})  # type: ignore[arg-type]
    assert refused.value.user_message.startswith("Sorry, only your enablement team can change practice cadences")
    assert org.cadences.stored(org.team.id) is None  # type: ignore[arg-type]

    spec = org.cadences.set(org.admin.id, org.team.id, {"sessions_per_week": 2, "weekdays": "tue,thu"})  # type: ignore[arg-type]
    assert org.cadences.get(org.team.id) == spec  # type: ignore[arg-type]
    assert org.cadences.form_values(org.team.id)["weekdays"] == "tue,thu"  # type: ignore[arg-type]
    row = org.cadences.cadences.get(org.team.id)  # type: ignore[arg-type]
    assert row is not None and row.updated_by == org.admin.id


def test_scenarios_must_exist_and_teams_are_found_by_name(sqlite_url: str) -> None:
    org = Org(sqlite_url, MONDAY)
    with pytest.raises(CadenceError, match="no scenario called renewal-of-doom"):
        org.cadences.set(org.admin.id, org.team.id, {"scenario_ids": "pricing-objection,renewal-of-doom"})  # type: ignore[arg-type]
    assert org.cadences.team_named("sales emea").id == org.team.id
    with pytest.raises(UnknownTeam, match="Teams: Sales EMEA"):
        org.cadences.team_named("Sales APAC")


# ---- the CLI ----------------------------------------------------------------------


@pytest.fixture
def cli_org(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield Org(sqlite_url, MONDAY)
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["cadence", *args])
    return result.exit_code, result.output


def test_cli_sets_shows_and_clears_a_cadence(cli_org: Org) -> None:
    code, output = run("show")
    assert code == 0 and "Sales EMEA: no cadence set" in output
    code, output = run("set", "Sales EMEA", "--sessions", "2", "--weekdays", "tue,thu", "--window", "10:00-16:00")
    assert code == 0 and "2× a week on Tue, Thu; 10:00-16:00 local time" in output
    code, output = run("set", "Sales EMEA", "--holidays", "GB")  # other settings are kept
    assert code == 0 and "2× a week on Tue, Thu; 10:00-16:00" in output and "GB public holidays" in output
    code, output = run("show", "sales emea")
    assert "skipping GB public holidays" in output
    code, output = run("clear", "Sales EMEA")
    assert code == 0 and cli_org.cadences.stored(cli_org.team.id) is None  # type: ignore[arg-type]


def test_cli_refuses_bad_values_with_exit_code_2_and_unknown_teams_with_1(cli_org: Org) -> None:
    code, output = run("set", "Sales EMEA", "--sessions", "9")
    assert code == 2 and "Sessions per week: must be from 1 to 5 (you gave 9)" in output
    code, output = run("set", "Sales APAC", "--sessions", "2")
    assert code == 1 and "I don't know a team called 'Sales APAC'" in output


def test_cli_applies_a_yaml_file_all_or_nothing(cli_org: Org, tmp_path: Path) -> None:
    good = tmp_path / "cadences.yaml"
    good.write_text("- team: Sales EMEA\n  sessions_per_week: 2\n  weekdays: mon, thu\n  window: 08:00-12:00\n")
    code, output = run("apply", str(good))
    assert code == 0 and "2× a week on Mon, Thu; 08:00-12:00" in output
    bad = tmp_path / "bad.yaml"
    bad.write_text("- team: Sales EMEA\n  sessions_per_week: 4\n- team: Nobody\n  sessions_per_week: 1\n")
    code, output = run("apply", str(bad))
    assert code == 1 and "I don't know a team called 'Nobody'" in output
    assert cli_org.cadences.get(cli_org.team.id).sessions_per_week == 2  # type: ignore[arg-type]


def test_cli_status_shows_what_was_sent_and_what_needs_a_look(cli_org: Org) -> None:
    cli_org.clock.current = datetime.now(UTC)  # the CLI reads the real clock
    cli_org.set_cadence(sessions_per_week=1, weekdays="mon")
    cli_org.rep("U-1", "UTC")
    cli_org.rep("U-2", "UTC", deleted_at=MONDAY)
    cli_org.pushes.plan()
    code, output = run("status")
    assert code == 0 and "push" in output and "Next: push:" in output
