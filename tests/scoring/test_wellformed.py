"""A reply counts only when it is a real sentence about the other person; the scorecard says why not."""

from __future__ import annotations

import json

from scoring import score_reply, score_session
from scoring.advice import WEIGHTS_PATH, advice_probability
from scoring.types import Turn

WORRY = "I'm worried the migration will wipe five years of our customer history."


def test_fragments_never_count_whatever_words_they_contain() -> None:
    result = score_reply("empathy", "Sorry. Frustrating. Hard. Understand. Feel you.", WORRY)
    assert not result.detected
    assert result.reason and "fragments" in result.reason


def test_an_exclamation_stack_is_cheering_not_reassurance() -> None:
    result = score_reply("reassurance", "Great! Amazing! Wonderful! You're awesome!", WORRY)
    assert not result.detected and result.reason


def test_the_scorecard_says_what_would_have_counted_instead_of_quoting_the_frame() -> None:
    result = score_reply("paraphrase", "So what I'm hearing is what you said, right?", WORRY)
    assert not result.detected
    assert result.evidence == ()
    assert result.feedback.try_next == result.reason
    assert "their" in (result.reason or "")


def test_a_plain_honest_reply_is_not_gated() -> None:
    for behavior, text in [
        ("paraphrase", "So you're worried the move could erase five years of customer history?"),
        ("empathy", "Losing five years of history would be frightening; it makes sense you're worried."),
        ("reassurance", "Your history won't be lost: we keep a full backup of the old system for 90 days."),
        ("suggestion", "I'd suggest a trial run on a copy of last month's records before we move anything."),
    ]:
        result = score_reply(behavior, text, WORRY)
        assert result.detected and result.reason is None, (behavior, result.score, result.reason)


def test_a_short_honest_reply_is_too_short_to_judge_its_form() -> None:
    assert score_reply("empathy", "Oh no, that sounds stressful.", WORRY).reason is None


def test_praise_alone_is_not_reassurance_but_an_answer_to_their_worry_is() -> None:
    praise = score_reply("reassurance", "Wow, that's amazing, wonderful and fantastic.", WORRY)
    answer = score_reply("reassurance", "It's common to worry about this, and your records are safe: we migrate a copy and keep the original.", WORRY)
    assert not praise.detected
    assert answer.detected and answer.score > praise.score


def test_a_commitment_with_an_owner_and_a_time_is_a_concrete_suggestion() -> None:
    result = score_reply("suggestion", "Here's what I'll do: I'll refund the duplicate charge today and call you tomorrow at 10.", "You charged me twice!")
    assert result.detected
    assert any("refund" in q for q in result.evidence)


def test_advice_phrased_in_ways_no_pattern_lists_still_counts() -> None:
    result = score_reply("suggestion", "A good place to start would maybe be some counselling and a regular sleep routine.", "I can't sleep and I'm exhausted.")
    assert result.detected


def test_the_advice_weights_ship_inside_the_package_and_are_deterministic() -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert "MIT" in data["source"] and data["weights"]
    assert WEIGHTS_PATH.parent.name == "scoring"
    p = advice_probability("You should talk to your manager about it this week.")
    assert p == advice_probability("You should talk to your manager about it this week.")
    assert p > 0.5 > advice_probability("My newborn was pretty easy until three months.")


def test_putting_price_on_hold_to_ask_about_the_business_is_not_a_pitch() -> None:
    result = score_reply("business_impact_first", "Before we talk price, what's driving this?", "Just send me your pricing.")
    assert result.detected
    assert "Hold product and price" not in result.feedback.try_next


def test_a_rewrite_does_not_repeat_the_reps_own_sentence() -> None:
    text = "Before we talk price, what's driving this?"
    rewrite = score_reply("business_impact_first", text, "Just send me your pricing.").feedback.rewrite or ""
    assert text not in rewrite


def test_a_transcribed_open_question_counts_despite_its_disfluencies() -> None:
    assert score_reply("open_question", "um wha- what what's been the hardest part of the rollout?", "The rollout has been rough.").detected
    assert score_reply("open_question", "can I ask, uh, how does the team handle returns today?", "Returns are a mess.").detected


def test_a_session_of_gamed_turns_never_shows_the_behavior() -> None:
    turns = [
        Turn("buyer", WORRY),
        Turn("rep", "I'm so sorry. That sounds hard. I understand how you feel. That must be stressful. I hear you."),
        Turn("buyer", "So what happens to our records?"),
        Turn("rep", "Oh no. That's awful. I totally get it. So sorry. That's so difficult."),
    ]
    [empathy] = score_session(["empathy"], turns)
    assert not empathy.detected
    assert empathy.reason and empathy.feedback.try_next == empathy.reason
    assert empathy.evidence == ()


def test_a_rewrite_does_not_add_a_line_the_rep_already_said() -> None:
    text = "Do you have a budget? What's been the hardest part of that for you?"
    rewrite = score_reply("open_question", text, "Our rollout has been rough.").feedback.rewrite
    assert rewrite is None or rewrite.count("hardest part") == 0


def test_reassurance_tied_to_their_own_situation_counts() -> None:
    cases = [
        ("I'm nervous about presenting to the board tomorrow.", "You know these numbers better than anyone in that room, and you've presented to tougher audiences."),
        ("What if the shipment doesn't arrive before the event?", "The shipment left the warehouse this morning and is due Thursday, two days before your event."),
        ("I'm worried I'll lose my job because of this mistake.", "One mistake on a report won't cost you your job; you flagged it yourself."),
    ]
    for context, text in cases:
        result = score_reply("reassurance", text, context)
        assert result.detected, (text, result.score)
        assert result.evidence and all(q in text for q in result.evidence)
