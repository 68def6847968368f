"""The guard rails every draft passes, and the short form's scenario (pure: no database, no network)."""

from __future__ import annotations

import pytest

from scenarios.drafting import DraftInvalid, finish_draft, gives_away, guard_rail_problems, scenario_from_form
from scenarios.scrub import personal_data, scrub_text
from scenarios.topics import topic_problems
from tests.authoring.conftest import CLINIC, LIBRARY, clinic_data


def test_the_short_form_makes_a_valid_scenario_with_the_concern_and_each_fact_as_a_topic() -> None:
    drafted = finish_draft(scenario_from_form(CLINIC), CLINIC.behaviors)
    s = drafted.scenario
    assert s.id == "clinic-double-bookings" and s.behaviors == ["empathy", "next_steps"]
    assert [t.id for t in s.topics] == ["the_double_bookings", "the_patients_who_waited", "the_board_review"]
    assert s.concern == "the_double_bookings"
    assert {f for t in s.topics for f in t.facts} == {f.id for f in s.hidden_facts}
    assert "bookings" in s.topics[0].words and "booking" in s.topics[0].words  # "booking" is not matched by "bookings"
    assert topic_problems(s) == []
    assert drafted.yaml.startswith("id: clinic-double-bookings\n")


def test_a_draft_must_name_a_behavior_the_author_asked_for() -> None:
    with pytest.raises(DraftInvalid) as refused:
        finish_draft(clinic_data(), requested=["open_question"])
    assert any(p.startswith("behaviors: names none of the behaviors asked for (open_question)")
               for p in refused.value.problems)


def test_a_draft_without_a_catalog_behavior_is_refused_by_the_validator() -> None:
    with pytest.raises(DraftInvalid) as refused:
        finish_draft(clinic_data(behaviors=["charm"]))
    assert any("unknown behavior id(s) charm" in p for p in refused.value.problems)
    with pytest.raises(DraftInvalid):
        finish_draft(clinic_data(behaviors=[]))


def test_a_hidden_fact_unlocked_only_by_a_behavior_the_scenario_does_not_coach_is_refused() -> None:
    data = clinic_data()
    data["hidden_facts"][0]["unlocked_by"] = ["open_question"]
    with pytest.raises(DraftInvalid) as refused:
        finish_draft(data)
    (problem,) = refused.value.problems
    assert problem.startswith("hidden_facts.0.unlocked_by: hidden fact 'the_patients_who_waited' is unlocked only by "
                              "open_question")


@pytest.mark.parametrize("opening", [
    "Two of our patients were elderly and waited an hour in the corridor, and I've had enough.",  # the fact itself
    "We have a board review on Friday and your double bookings are on the agenda.",  # four words in a row
    "I've got the board on Friday about switching providers because of you.",  # most of its words
])
def test_an_opening_line_that_gives_a_hidden_fact_away_is_refused(opening: str) -> None:
    with pytest.raises(DraftInvalid) as refused:
        finish_draft(clinic_data(opening_line=opening))
    assert any(p.startswith("opening_line: gives away hidden fact") for p in refused.value.problems)


def test_a_figure_from_a_hidden_fact_in_the_opening_gives_it_away() -> None:
    assert gives_away("We're paying 30% more than last year.", "Quillhub quoted us 30% less.") == "it says 30"


def test_no_shipped_scenario_trips_an_authoring_guard_rail() -> None:
    """The rails refuse what a careless draft does, not what the library's careful authors did."""
    assert {s.id: guard_rail_problems(s) for s in LIBRARY.all() if guard_rail_problems(s)} == {}


def test_an_email_and_a_phone_number_in_a_draft_are_left_out_and_reported() -> None:
    data = clinic_data()
    data["persona"]["background"] = ("Runs a busy GP clinic. Reach her at dana.reed@northside-clinic.co.uk "
                                     "or on +44 7700 900123.")
    data["opening_line"] = "It's Dana, call me back on (020) 7946-0958. Your booking system double-booked us again."
    drafted = finish_draft(data)
    text = drafted.yaml
    assert "dana.reed@" not in text and "7700" not in text and "7946" not in text
    assert drafted.scenario.persona.background == "Runs a busy GP clinic. Reach her."
    assert set(drafted.removed) == {"dana.reed@northside-clinic.co.uk", "+44 7700 900123", "(020) 7946-0958"}


def test_figures_that_are_not_contact_details_stay() -> None:
    text = "We have 3,000 seats, 40% growth in 2026, a Q3 budget of 120000 and 14 sites."
    assert personal_data(text) == []
    assert scrub_text(text) == (text, [])
