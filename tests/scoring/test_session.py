"""A whole session: turns aggregated the way a coach would, with delivery for voice."""

from __future__ import annotations

import pytest

from scoring import Delivery, Turn, UnknownBehavior, score_session

OPEN = "Look, can you just send me pricing? I'll loop in procurement."


def session(*rep_lines: str, buyer: str = "Go on.") -> list[Turn]:
    turns = [Turn("buyer", OPEN)]
    for i, line in enumerate(rep_lines):
        if i:
            turns.append(Turn("buyer", buyer))
        turns.append(Turn("rep", line))
    return turns


def test_one_score_per_behavior_in_the_order_asked():
    results = score_session(["open_question", "empathy", "next_steps"], session("What's driving the timing?"))
    assert [r.behavior for r in results] == ["open_question", "empathy", "next_steps"]


def test_unknown_behavior_raises():
    with pytest.raises(UnknownBehavior):
        score_session(["open_question", "charisma"], session("Hi"))


def test_business_questions_before_product_talk_beat_the_same_questions_after_a_pitch():
    curious = session(
        "Happy to. Before I do, what's making shipping a priority this quarter?",
        "What does a late truck cost you?",
        "Our routing module handles that; plans start at $40 a seat.",
    )
    pitched = session(
        "Our routing module handles that; plans start at $40 a seat.",
        "Happy to. Before I do, what's making shipping a priority this quarter?",
        "What does a late truck cost you?",
    )
    [good] = score_session(["business_impact_first"], curious)
    [bad] = score_session(["business_impact_first"], pitched)
    assert good.detected and not bad.detected and good.score > bad.score
    assert "turn 1" in bad.feedback.try_next


def test_impact_named_before_the_fix_beats_the_fix_first():
    first = [Turn("buyer", "Nothing has synced since Monday!"), Turn("rep", "Your team has been stuck without orders since Monday. I've restarted the sync.")]
    fix_first = [Turn("buyer", "Nothing has synced since Monday!"), Turn("rep", "I've restarted the sync."), Turn("buyer", "Fine."), Turn("rep", "I know this has cost you orders.")]
    [good] = score_session(["impact_before_fix"], first)
    [bad] = score_session(["impact_before_fix"], fix_first)
    assert good.score > bad.score and good.detected and not bad.detected


def test_evidence_is_quoted_only_from_rep_turns():
    turns = [Turn("buyer", "That sounds really frustrating, honestly."), Turn("rep", "I'm sorry you've had such a rough week.")]
    [result] = score_session(["empathy"], turns)
    rep_text = " ".join(t.text for t in turns if t.speaker == "rep")
    assert result.evidence and all(q in rep_text for q in result.evidence)


def test_feedback_with_nothing_to_praise_has_no_went_well_but_a_try_next_and_a_rewrite():
    [result] = score_session(["open_question"], session("Do you have a budget?", "Is it approved?"))
    assert not result.detected
    assert result.feedback.went_well == ""  # "went well" only when something did (issue #17)
    assert result.feedback.try_next and result.feedback.rewrite


def test_fast_speech_during_the_objection_is_named_in_feedback_and_costs_patience():
    calm = Delivery(duration_s=12, words_per_minute=140, pause_count=3, longest_pause_s=0.8, silence_share=0.2, filler_count=0)
    rushed = Delivery(duration_s=12, words_per_minute=190, pause_count=0, longest_pause_s=0.1, silence_share=0.02, filler_count=0)
    line = "That's a fair concern. Go on, what's behind it?"
    make = lambda d: [Turn("buyer", "Your price is 20% higher than the other vendor."), Turn("rep", line, delivery=d)]  # noqa: E731
    [slow] = score_session(["acknowledge_objection"], make(calm))
    [fast] = score_session(["acknowledge_objection"], make(rushed))
    assert fast.score < slow.score
    assert "190 words per minute during the objection" in fast.feedback.try_next and "slow down" in fast.feedback.try_next
    [patient_slow], [patient_fast] = score_session(["patience"], make(calm)), score_session(["patience"], make(rushed))
    assert patient_fast.score < patient_slow.score


def test_fillers_in_a_voice_reply_cost_concise_and_are_named():
    d = Delivery(duration_s=20, words_per_minute=150, pause_count=2, longest_pause_s=0.6, silence_share=0.1, filler_count=9, fillers=("um", "like"))
    clean = Delivery(duration_s=20, words_per_minute=150, pause_count=2, longest_pause_s=0.6, silence_share=0.1, filler_count=0)
    make = lambda dv: [Turn("buyer", "Does it sync?"), Turn("rep", "Yes, every five minutes.", delivery=dv)]  # noqa: E731
    [filler], [plain] = score_session(["concise"], make(d)), score_session(["concise"], make(clean))
    assert filler.score < plain.score and "fillers" in filler.feedback.try_next


def test_replying_before_the_buyer_could_finish_costs_patience():
    long_line = "So what happened was the truck left late, then the depot was closed, then nobody answered the phone for two days and we lost the slot."
    quick = [Turn("buyer", long_line), Turn("rep", "Go on, tell me more.", latency_s=0.5)]
    considered = [Turn("buyer", long_line), Turn("rep", "Go on, tell me more.", latency_s=12)]
    [fast], [slow] = score_session(["patience"], quick), score_session(["patience"], considered)
    assert fast.score < slow.score and "read it all" in fast.feedback.try_next


def test_tone_behaviors_count_every_turn():
    [steady] = score_session(["positive_language"], session("Here's what I can do: ship it tomorrow.", "I can credit the fee too."))
    [slip] = score_session(["positive_language"], session("Here's what I can do: ship it tomorrow.", "No, we can't, unfortunately that's not possible and you didn't ask."))
    assert steady.score > slip.score


def test_next_steps_are_judged_at_the_close():
    [closing] = score_session(["next_steps"], session("What's driving this?", "I'll send the case study by Thursday noon."))
    [early] = score_session(["next_steps"], session("I'll send the case study by Thursday noon.", "Thanks for your time.", "Bye."))
    assert closing.detected and closing.score > early.score


def test_a_session_with_no_rep_turns_scores_zero_with_guidance():
    [result] = score_session(["empathy"], [Turn("buyer", "Hello?")])
    assert result.score == 0 and not result.detected and result.feedback.try_next


def test_a_flat_voice_costs_empathy_and_the_scorecard_says_so():
    line = "Three missed deliveries before your launch sounds really stressful; I'm sorry you've had to chase us."
    lively = Delivery(duration_s=8, words_per_minute=145, pause_count=2, longest_pause_s=0.6, silence_share=0.15, filler_count=0, pitch_variation_st=3.2)
    flat = Delivery(duration_s=8, words_per_minute=145, pause_count=2, longest_pause_s=0.6, silence_share=0.15, filler_count=0, pitch_variation_st=0.8)
    make = lambda d: [Turn("buyer", "We've had three missed deliveries and our launch is Monday."), Turn("rep", line, delivery=d)]  # noqa: E731
    [warm], [monotone] = score_session(["empathy"], make(lively)), score_session(["empathy"], make(flat))
    assert monotone.score < warm.score
    assert "flat" in monotone.feedback.try_next and "0.8 semitones" in monotone.feedback.try_next
    assert "flat" not in warm.feedback.try_next
    [typed] = score_session(["empathy"], [Turn("buyer", "We've had three missed deliveries."), Turn("rep", line)])
    assert "flat" not in typed.feedback.try_next


def test_a_scorecard_reads_each_rep_turn_once_however_many_behaviors_it_scores(monkeypatch: pytest.MonkeyPatch):
    import scoring.session

    read: list[str] = []
    real = scoring.session.analyse
    monkeypatch.setattr(scoring.session, "analyse", lambda text, context="": read.append(text) or real(text, context))
    turns = session("What's driving the timing?", "That sounds stressful.", "Shall we book Tuesday?")
    behaviors = ["open_question", "empathy", "next_steps", "paraphrase"]
    shared = score_session(behaviors, turns)
    assert sorted(read) == sorted(t.text for t in turns if t.speaker == "rep")
    assert shared == [score_session([b], turns)[0] for b in behaviors]  # the same cards as scored one by one
