"""Signals count what can be counted in a reply, and are plain JSON for the LLM judge."""

from __future__ import annotations

import json
from dataclasses import asdict

from scoring import extract_signals, is_product_pitch


def test_open_and_closed_questions_are_told_apart():
    s = extract_signals("Do you have a budget? What's making this a priority now? How many sites do you run?")
    assert (s.questions, s.open_questions, s.closed_questions, s.narrow_questions) == (3, 1, 1, 1)


def test_questions_about_the_business_are_told_from_questions_about_product():
    s = extract_signals("What happens to your biggest account if shipments stay late? Which features do you need?")
    assert s.business_questions == 1 and s.product_questions == 1
    assert s.business_question_first == 1 and s.product_pitch == 0


def test_talking_price_before_asking_about_the_buyer_is_a_product_pitch():
    assert is_product_pitch("Our platform starts at $40 per seat. What are your goals?")
    assert not is_product_pitch("What are your goals this quarter? Then I can tell you about pricing.")
    assert not is_product_pitch("That sounds like a tough quarter.")


def test_putting_the_buyers_pricing_request_on_hold_to_ask_about_the_business_is_not_a_pitch():
    assert not is_product_pitch("Happy to send pricing. Before I do, what's driving this for you right now?")
    s = extract_signals("Before we get to pricing, what's driving the change this quarter?")
    assert s.business_question_first == 1 and s.product_questions == 0
    assert is_product_pitch("Before we get to pricing, our platform has AI dashboards. What are your goals?")


def test_an_open_question_after_a_lead_in_clause_is_still_open():
    s = extract_signals("Before I do, what's driving this for you? When you say slow, what do you mean?")
    assert (s.open_questions, s.closed_questions, s.narrow_questions) == (2, 0, 0)


def test_is_product_pitch_never_raises_on_junk():
    assert is_product_pitch("") is False


def test_empathy_and_validation_phrases_are_counted():
    s = extract_signals("That sounds really frustrating. It makes sense you'd be upset.")
    assert s.sympathy_phrases >= 1 and s.validations == 1 and s.emotion_words >= 1


def test_restatement_is_measured_against_the_buyers_previous_line():
    context = "We missed our on-time target three months running."
    echo = extract_signals("So you've missed the on-time target for three months.", context)
    other = extract_signals("Our dashboard is great.", context)
    assert echo.restatements == 1 and echo.echoed_terms >= 2 and echo.context_overlap > other.context_overlap


def test_ownership_is_told_from_deflection():
    own = extract_signals("I'll fix the invoice myself today.")
    deflect = extract_signals("That's our policy, you'll have to call billing.")
    assert own.ownership_statements == 1 and own.deflections == 0
    assert deflect.deflections == 1 and deflect.ownership_statements == 0


def test_negative_and_positive_framing_are_counted():
    s = extract_signals("Unfortunately we can't do that. What I can do is credit next month.")
    assert s.negative_framing >= 2 and s.positive_framing >= 1


def test_a_next_step_needs_an_owner_and_an_action_and_may_have_a_time():
    s = extract_signals("I'll send the proposal by Thursday noon. Thanks for your time.")
    assert s.next_steps == 1 and s.next_steps_with_time == 1
    assert extract_signals("Let's stay in touch.").next_steps_with_time == 0


def test_length_is_counted():
    s = extract_signals("Yes. It syncs every five minutes.")
    assert s.words == 6 and s.sentences == 2 and s.excess_words == 0


def test_signals_serialise_to_json():
    s = extract_signals("What's driving this? I'll send it today.", "We need help.")
    assert json.loads(json.dumps(asdict(s)))["questions"] == 1
