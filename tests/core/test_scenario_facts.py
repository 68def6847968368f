"""A scenario's recorded version is the one its content names, however often /practice asks for it.

bot/practice/scenario_facts.py works out a scenario's checksum and stored body
once per scenario object; a changed scenario (a new object, as a re-parsed
library builds) must still get its own checksum.
"""

from __future__ import annotations

from bot.practice.scenario_facts import facts_of
from scenarios.loader import ScenarioLibrary, checksum

LIBRARY = ScenarioLibrary.load()


def test_a_scenario_is_recorded_with_its_own_checksum_and_body() -> None:
    for scenario in LIBRARY.all():
        facts = facts_of(scenario)
        assert facts.checksum == checksum(scenario)
        assert facts.body == scenario.model_dump(mode="json")
        assert facts_of(scenario) is facts  # worked out once


def test_an_edited_scenario_gets_a_new_checksum() -> None:
    scenario = LIBRARY.get(LIBRARY.ids()[0])
    edited = scenario.model_copy(update={"title": scenario.title + " (edited)"})
    assert facts_of(edited).checksum == checksum(edited) != facts_of(scenario).checksum
    assert facts_of(edited).body["title"] == edited.title
