"""Phrasings other coding schemes count, checked one by one (issue 16: definitions that hold in any conversation).

Each case is written here from what the behavior means; none is copied from a corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply
from scoring.signals import analyse

_HOLD = "I've been on hold for an hour and my order still hasn't arrived."
_PRICE = "Just tell me what it costs."


def test_putting_price_on_hold_to_ask_what_drives_them_is_curiosity_not_a_pitch() -> None:
    # Issue 16 item 7: this exact line scored 35 with a note about pitching price first.
    result = score_reply("business_impact_first", "Before we talk price, what's driving this?", _PRICE)
    assert result.detected and result.score >= 60
    assert not analyse("Before we talk price, what's driving this?").signals.product_pitch
    assert "price" not in result.feedback.try_next.lower()


@pytest.mark.parametrize("text", [
    "What happened? Tell us. We'll listen.",
    "Sorry you're dealing with that, but how did the order get lost?",
    "Wait, why did they cancel it?",
    "I wanted to ask you how the last delivery went?",
    "Whats going on with the order?",
])
def test_open_questions_after_a_lead_in_or_in_short_sentences_count(text: str) -> None:
    result = score_reply("open_question", text, _HOLD)
    assert result.detected, (result.score, result.reason)


@pytest.mark.parametrize("text", [
    "I understand, an hour on hold with no news of your order is too long.",
    "Sorry for the wait on your order; an hour is far too long.",
    "I know the feeling of waiting on an order that never shows up.",
    "I've been there too, chasing an order for an hour is exhausting.",
])
def test_acknowledging_their_situation_without_a_feeling_word_is_empathy(text: str) -> None:
    assert score_reply("empathy", text, _HOLD).detected


def test_a_run_of_acknowledgements_with_nothing_of_theirs_is_still_a_salad() -> None:
    result = score_reply("empathy", "I understand. I know the feeling. I've been there too. That sucks. Sorry for that.", _HOLD)
    assert not result.detected and result.reason


@pytest.mark.parametrize("text", [
    "We could split the shipment so the first half leaves today.",
    "Why don't we move the launch-day orders to the old connector?",
])
def test_proposals_in_the_first_person_plural_are_suggestions(text: str) -> None:
    assert score_reply("suggestion", text, "Our launch is in two weeks and the integration still drops orders.").detected


def test_wishing_one_could_help_is_not_an_offer() -> None:
    assert not score_reply("suggestion", "I wish I could help.", _HOLD).detected


def test_a_specific_commitment_that_answers_their_stated_problem_is_reassurance() -> None:
    # Issue 16: "a reassurance tied to the person's own situation scored 0".
    honest = score_reply("reassurance", "We'll have the order to you by Friday, and I'll track it myself.", _HOLD)
    praise = score_reply("reassurance", "Amazing! You're great! Wonderful!", _HOLD)
    assert honest.detected and not praise.detected and honest.score > praise.score


@pytest.mark.parametrize("text", [
    "I hope things get better for you soon; an hour on hold is awful.",
    "Im sorry",
    "Its ok to feel fed up after an hour on hold.",
])
def test_warmth_and_chat_spellings_of_acknowledgement_count(text: str) -> None:
    assert score_reply("empathy", text, _HOLD).detected


def test_a_statement_about_them_said_as_a_question_checks_understanding() -> None:
    # "You ordered them already?" restates in the rep's words; MRDA codes it an understanding check.
    result = score_reply("paraphrase", "You already paid for express shipping on it?", "I need this order by Friday for the trade show.")
    assert result.detected, (result.score, result.reason)
    closed = score_reply("paraphrase", "Do you want express shipping?", "I need this order by Friday for the trade show.")
    assert not closed.detected


def test_an_invitation_to_tell_the_story_is_open_without_a_question_mark() -> None:
    result = score_reply("open_question", "Tell me a little bit about what happened with the order.", _HOLD)
    assert result.detected, (result.score, result.reason)


@pytest.mark.parametrize("text", [
    "It might not be a bad idea to reship it to your office instead.",
    "You could maybe swap the delivery to Saturday morning.",
])
def test_hedged_advice_is_still_a_suggestion(text: str) -> None:
    assert score_reply("suggestion", text, _HOLD).detected


def test_how_about_you_asks_them_and_proposes_nothing() -> None:
    assert score_reply("open_question", "I'm well, thanks. How about you?", "Hi, how are you?").detected
    assert not score_reply("suggestion", "I'm well, thanks. How about you?", "Hi, how are you?").detected


@pytest.mark.parametrize("text", [
    "Would you like me to book the earlier delivery slot?",
    "Shall I reserve the replacement for you today?",
])
def test_offering_a_next_step_is_a_suggestion(text: str) -> None:
    assert score_reply("suggestion", text, _HOLD).detected


def test_asking_what_they_want_proposes_nothing() -> None:
    assert not score_reply("suggestion", "Where do you want it delivered?", _HOLD).detected
    assert not score_reply("suggestion", "What do you want us to do about the order?", _HOLD).detected


def test_a_one_line_check_naming_their_thing_is_a_paraphrase_and_an_empty_one_is_not() -> None:
    carrier = "Since we switched carriers in March, late deliveries have doubled."
    assert score_reply("paraphrase", "You mean the carrier?", carrier).detected
    assert not score_reply("paraphrase", "You mean that?", carrier).detected


def test_a_rating_question_asks_for_a_number_not_a_story() -> None:
    assert not score_reply("open_question", "On a scale of 1 to 10, how confident are you that the rollout lands?", _HOLD).detected
    assert score_reply("open_question", "How confident are you that the rollout lands, and what would raise it?", _HOLD).detected


def test_asking_when_they_started_feeling_low_does_not_name_the_feeling() -> None:
    assert not score_reply("empathy", "When did you notice you're feeling low again?", _HOLD).detected
