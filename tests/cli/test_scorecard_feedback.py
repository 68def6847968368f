"""Feedback a coach would sign, read off the scorecard of real terminal sessions (issue #17, section 2)."""

from __future__ import annotations

import re

from scoring import Turn, score_session
from scoring.feedback import short, tidy
from scoring.types import Setting
from tests.cli.conftest import Rehearse


def _scorecard(out: str) -> str:
    """The scorecard panel's text on one line: borders, quote bars and the terminal's wrapping removed."""
    card = out[out.index("Scorecard:"):]
    return " ".join(card.replace("│", " ").replace("▌", " ").replace("╰", " ").replace("─", " ").split())


def _practise(rehearse: Rehearse, scenario: str, *replies: str) -> str:
    ran = rehearse("practice", scenario, stdin="\n".join([*replies, "done"]) + "\n", columns=200)
    assert ran.code == 0, ran.err
    return _scorecard(ran.out)


def test_a_brush_off_is_never_praised_and_a_service_call_gets_a_service_rewrite(rehearse: Rehearse) -> None:
    card = _practise(rehearse, "contact-centre-efficiency",
                     "Okay, unplug the grey cable and put it in the green hole.",
                     "You'll have to call back if it's still not working.")
    assert "Went well: You set a clear next step" not in card
    praised = re.findall(r"Went well: [^“]*“([^”]*)”", card)
    assert all("call back" not in quote for quote in praised)
    example = card[card.index("For example:"):]
    # A pensioner's broadband call gets no sales template, and the customer's own goal is in the rewrite.
    assert "send that over" not in example and "Thursday at 10" not in example and "pilot" not in example
    assert "call you back" in example and "get back online today" in example
    assert "You'll have to call back" not in example  # the brush-off is replaced, not kept beside the fix


def test_went_well_appears_only_beside_something_that_went_well(rehearse: Rehearse) -> None:
    card = _practise(rehearse, "contact-centre-efficiency", "Okay.", "Bye.")
    for block in re.split(r"(?=\b\d+/100\b)", card)[1:]:
        if block.startswith("0/100"):
            assert "Went well" not in block.split("Try next time")[0]
    assert "You kept the conversation moving" not in card and "You closed politely" not in card


def test_the_rewrite_keeps_the_reps_own_feeling_word(rehearse: Rehearse) -> None:
    card = _practise(rehearse, "contact-centre-empathy",
                     "That sounds really frightening, and I'm sorry. What did the letter say?",
                     "I'll put a hold on the account today and call you back on Thursday at 10.")
    advice = card[card.index("Try next time"):]
    assert "frustrating" not in advice and "frightening" in advice


def test_no_doubled_punctuation_after_a_quoted_question(rehearse: Rehearse) -> None:
    card = _practise(rehearse, "discovery-procurement-stall",
                     "What's driving this for you right now, and what does a late shipment cost you each month?")
    assert "Went well" in card
    assert not re.search(r"[.!?]”[.!?]", card), card


def test_a_sales_call_keeps_a_sales_next_step_with_the_buyers_goal() -> None:
    [score] = score_session(["next_steps"], [Turn("buyer", "We need to fix this."), Turn("rep", "Sounds good, thanks.")],
                            Setting("sales", "cut late shipments"))
    assert score.feedback.rewrite is not None and "Thursday at 10" in score.feedback.rewrite
    assert "cut late shipments" in score.feedback.rewrite


def test_shortened_quotes_never_cut_a_number_or_a_quotation() -> None:
    text = ("We can do the whole bundle for £1,299.99 and that includes training for all forty of your staff, which "
            "is what you asked about last week, plus onboarding and the “premium support package” at 99.99 a month")
    for limit in range(40, len(text)):
        cut = short(text, limit)
        assert len(cut) <= limit
        body = cut.rstrip("…")
        assert text.startswith(body)
        assert body == text or text[len(body)] in " ,"  # cut between words, so never inside "1,299.99"
        assert body.count("“") == body.count("”")  # never inside a quotation
        assert not body.endswith((",", " "))


def test_a_quote_that_ends_a_sentence_gets_one_mark() -> None:
    assert tidy("You asked: “What does it cost you?”.") == "You asked: “What does it cost you?”"
    assert tidy("You were upfront: “I can't do that.”.") == "You were upfront: “I can't do that.”"
    assert tidy("Wait... what?") == "Wait... what?"
