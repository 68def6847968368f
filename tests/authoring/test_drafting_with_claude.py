"""Drafting from a description with Claude: the real SDK against the fake Messages API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.app import make_drafter
from bot.authoring.service import NO_LLM, NoDrafter
from bot.settings import Settings
from scenarios.drafting import DraftInvalid
from tests.authoring.conftest import Studio, clinic_data
from tests.fakes.anthropic_api import FakeAnthropic, Reply

DESCRIPTION = ("A clinic manager whose booking system double-books patients; she is angry. Her email is "
               "dana.reed@northside-clinic.co.uk and her mobile +44 7700 900123. Practise empathy and next steps.")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as api:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        yield api


@pytest.fixture
def claude_studio(fake: FakeAnthropic, db_url: str) -> Iterator[Studio]:
    settings = Settings(_env_file=None, database_url=db_url, anthropic_api_key="sk-ant-test-0123456789abcdef",  # type: ignore[call-arg]
                        anthropic_base_url=fake.url, anthropic_max_retries=0)
    studio = Studio(db_url)
    studio.authoring.drafter = make_drafter(settings, studio.repos)
    yield studio
    studio.repos.db.dispose()


def drafted(data: dict[str, Any]) -> Reply:
    return Reply.tool("draft_scenario", data)


def request_text(fake: FakeAnthropic) -> str:
    return json.dumps([r.body for r in fake.requests])


def test_a_good_draft_is_validated_and_saved_as_a_draft(claude_studio: Studio, fake: FakeAnthropic) -> None:
    fake.script(drafted(clinic_data()))
    s = claude_studio
    draft = s.authoring.from_description(s.ws(s.enablement), DESCRIPTION, ["empathy", "next_steps"], by=s.enablement)
    assert draft.status == "draft" and draft.version == 1 and draft.scenario.id == "clinic-double-bookings"
    (call,) = fake.calls("draft_scenario")
    assert call.body["tool_choice"] == {"type": "tool", "name": "draft_scenario"}
    assert "<description>" in request_text(fake) and "empathy, next_steps" in request_text(fake)
    assert [d.row_id for d in s.authoring.drafts(s.ws(s.enablement))] == [draft.row_id]
    assert "clinic-double-bookings" not in s.libraries.for_workspace(s.ws(s.enablement))  # a draft is not published


def test_an_invalid_draft_is_sent_back_once_with_the_problems_and_the_fix_is_saved(
        claude_studio: Studio, fake: FakeAnthropic) -> None:
    bad = clinic_data(opening_line="Two of our patients were elderly and waited an hour in the corridor. Again!")
    fake.script(drafted(bad), drafted(clinic_data()))
    s = claude_studio
    draft = s.authoring.from_description(s.ws(s.enablement), DESCRIPTION, ["empathy"], by=s.enablement)
    first, second = fake.calls("draft_scenario")
    retry = second.body["messages"]
    assert [m["role"] for m in retry] == ["user", "assistant", "user"]
    assert json.loads(retry[1]["content"][0]["text"])["opening_line"] == bad["opening_line"]  # its own draft back
    assert "opening_line: gives away hidden fact 'the_patients_who_waited'" in retry[2]["content"][0]["text"]
    assert draft.scenario.opening_line.startswith("Your booking system put two patients")


def test_a_draft_still_invalid_after_the_retry_is_reported_and_not_saved(
        claude_studio: Studio, fake: FakeAnthropic) -> None:
    no_topic = clinic_data()
    no_topic["topics"][1]["facts"] = []  # the patients fact sits on no topic: no rep could earn it
    fake.script(drafted(no_topic), drafted(no_topic))
    s = claude_studio
    with pytest.raises(DraftInvalid) as refused:
        s.authoring.from_description(s.ws(s.enablement), DESCRIPTION, ["empathy"], by=s.enablement)
    assert any("hidden fact 'the_patients_who_waited' is on no topic" in p for p in refused.value.problems)
    assert len(fake.calls("draft_scenario")) == 2  # the draft and one fix, no more
    assert s.authoring.versions(s.ws(s.enablement)) == []


def test_contact_details_in_the_description_reach_neither_the_model_nor_the_draft(
        claude_studio: Studio, fake: FakeAnthropic) -> None:
    leaky = clinic_data()
    leaky["persona"]["background"] = "Runs a GP clinic; reach her on dana.reed@northside-clinic.co.uk."
    fake.script(drafted(leaky))
    s = claude_studio
    draft = s.authoring.from_description(s.ws(s.enablement), DESCRIPTION, ["empathy"], by=s.enablement)
    sent = request_text(fake)
    assert "dana.reed@" not in sent and "7700 900123" not in sent
    assert "dana.reed@" not in draft.yaml and "7700" not in draft.yaml
    assert set(draft.removed) == {"dana.reed@northside-clinic.co.uk", "+44 7700 900123"}


def test_without_an_llm_drafting_from_a_description_says_so_and_offers_the_form(db_url: str) -> None:
    s = Studio(db_url)
    try:
        assert not s.authoring.can_describe
        with pytest.raises(NoDrafter) as refused:
            s.authoring.from_description(s.ws(s.enablement), DESCRIPTION, ["empathy"], by=s.enablement)
        assert refused.value.user_message == NO_LLM and "short form" in NO_LLM
    finally:
        s.repos.db.dispose()
