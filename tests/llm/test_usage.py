"""`rehearse usage`: tokens and estimated cost per rep, team and month, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.llm.pricing import price_of
from bot.settings import get_settings
from storage import Repositories
from storage.models import PracticeSession
from storage.repos.usage import UsageRepo

NOV = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
DEC = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _seed(repos: Repositories) -> None:
    """Two reps on two teams, a rep without a team, usage across two months and two models."""
    ana, _ = repos.people.ensure_person("slack", "T1", "U-ana", NOV, "Ana")
    ben, _ = repos.people.ensure_person("slack", "T1", "U-ben", NOV, "Ben")
    cy, _ = repos.people.ensure_person("slack", "T1", "U-cy", NOV, "Cy")
    east = repos.people.ensure_team(ana.workspace_id, "East", NOV)
    west = repos.people.ensure_team(ana.workspace_id, "West", NOV)
    repos.people.update(ana.id, team_id=east.id)  # type: ignore[arg-type]
    repos.people.update(ben.id, team_id=west.id)  # type: ignore[arg-type]
    repos.sessions.create(PracticeSession(id="sess-ana", person_id=ana.id, scenario_id="x", platform="slack",  # type: ignore[arg-type]
                                          workspace="T1", offered_at=NOV, last_activity_at=NOV))
    usage = UsageRepo(repos.db)
    # Ana: found through her session; a million uncached input tokens and a failed call.
    usage.record(purpose="buyer", model="claude-sonnet-4-5", at=NOV, session_id="sess-ana", input_tokens=1_000_000,
                 output_tokens=100_000, cache_read_tokens=2_000_000, cache_write_tokens=400_000)
    usage.record(purpose="buyer", model="claude-sonnet-4-5", at=NOV, session_id="sess-ana", ok=False)
    usage.record(purpose="judge", model="claude-haiku-4-5", at=DEC, person_id=ana.id, input_tokens=10_000,
                 output_tokens=1_000)
    usage.record(purpose="buyer", model="claude-sonnet-4-5", at=DEC, person_id=ben.id, input_tokens=500,
                 output_tokens=50, cache_read_tokens=5_000)
    usage.record(purpose="judge", model="some-future-model", at=DEC, person_id=cy.id, input_tokens=7)


def test_usage_sums_per_rep_team_and_month(repos: Repositories) -> None:
    _seed(repos)
    usage = UsageRepo(repos.db)
    by_rep = {(t.label, t.model): t for t in usage.report("rep")}
    ana = by_rep[("Ana (U-ana)", "claude-sonnet-4-5")]
    assert (ana.calls, ana.failed, ana.input_tokens, ana.cache_read_tokens, ana.cache_write_tokens) == \
        (2, 1, 1_000_000, 2_000_000, 400_000)
    assert by_rep[("Ana (U-ana)", "claude-haiku-4-5")].input_tokens == 10_000
    by_team = {(t.label, t.model): t.input_tokens for t in usage.report("team")}
    assert by_team == {("East", "claude-sonnet-4-5"): 1_000_000, ("East", "claude-haiku-4-5"): 10_000,
                       ("West", "claude-sonnet-4-5"): 500, ("(no team)", "some-future-model"): 7}
    by_month = {(t.label, t.model): t.calls for t in usage.report("month")}
    assert by_month == {("2026-11", "claude-sonnet-4-5"): 2, ("2026-12", "claude-haiku-4-5"): 1,
                        ("2026-12", "claude-sonnet-4-5"): 1, ("2026-12", "some-future-model"): 1}
    december = usage.report("month", since=datetime(2026, 12, 1, tzinfo=UTC))
    assert {t.label for t in december} == {"2026-12"}


@pytest.fixture
def cli_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    get_settings.cache_clear()
    repos = Repositories.open(db_url)
    _seed(repos)
    repos.db.dispose()
    yield db_url
    get_settings.cache_clear()


def test_rehearse_usage_prices_each_model_and_says_when_it_cannot(cli_db: str) -> None:
    result = CliRunner().invoke(app, ["usage", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    reps = {ln["label"]: ln for ln in lines if ln["by"] == "rep"}
    sonnet, haiku = price_of("claude-sonnet-4-5"), price_of("claude-haiku-4-5")
    assert sonnet is not None and haiku is not None
    # $3 per million uncached input, $15 per million output, $0.30 per million cache reads, $3.75 per million writes.
    assert sonnet.cost(1_000_000, 100_000, 2_000_000, 400_000) == pytest.approx(3.0 + 1.5 + 0.6 + 1.5)
    assert reps["Ana (U-ana)"]["cost_usd"] == pytest.approx(6.6 + haiku.cost(10_000, 1_000, 0, 0))
    assert reps["Cy (U-cy)"]["cost_usd"] is None  # an unknown model is not priced
    assert {ln["label"] for ln in lines if ln["by"] == "team"} == {"East", "West", "(no team)"}
    assert {ln["label"] for ln in lines if ln["by"] == "month"} == {"2026-11", "2026-12"}


def test_rehearse_usage_prints_tables_and_explains_bad_options(cli_db: str) -> None:
    table = CliRunner().invoke(app, ["usage", "--by", "team"])
    assert table.exit_code == 0 and "East" in table.output and "1,010k" in table.output and "6.6150" in table.output
    bad = CliRunner().invoke(app, ["usage", "--by", "planet"])
    assert bad.exit_code == 2 and "choose rep, team or month" in bad.output
    bad_day = CliRunner().invoke(app, ["usage", "--since", "last tuesday"])
    assert bad_day.exit_code == 2 and "not a date" in bad_day.output


def test_usage_shows_each_provider_apart_and_prices_an_own_model_as_configured(
        cli_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    repos = Repositories.open(cli_db)
    ana = repos.people.ensure_person("slack", "T1", "U-ana", NOV, "Ana")[0]
    UsageRepo(repos.db).record(purpose="buyer", provider="openai", model="llama-3.1-8b-instruct", at=DEC,
                               person_id=ana.id, input_tokens=2_000_000, output_tokens=1_000_000)
    repos.db.dispose()
    free = CliRunner().invoke(app, ["usage", "--by", "rep"])
    assert free.exit_code == 0 and "Anthropic (Claude)" in free.output and "own model" in free.output
    monkeypatch.setenv("LLM_PRICE_INPUT_PER_MTOK", "0.5")
    monkeypatch.setenv("LLM_PRICE_OUTPUT_PER_MTOK", "1.5")
    get_settings.cache_clear()
    lines = [json.loads(x) for x in CliRunner().invoke(app, ["usage", "--by", "rep", "--json"]).output.splitlines()]
    own = [ln for ln in lines if ln["provider"] == "openai"]
    assert len(own) == 1 and own[0]["cost_usd"] == pytest.approx(2 * 0.5 + 1 * 1.5)
    assert {ln["provider"] for ln in lines} == {"anthropic", "openai"}
