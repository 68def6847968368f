"""One line of stock comfort or praise is not reassurance; a specific answer to their worry is.

Round 5 of issue 16. After "I'm worried the migration will lose our data.",
"Great job!" and "Don't worry, you're doing great." scored 80 and were detected,
while "Nothing gets lost: the migration copies everything first ..." scored 60:
empty cheer beat the honest answer. The catalog's rubric puts "Don't worry!" at
level 1 and "You'll be fine." at level 2. Here every gamed reply is a single
stock line (no run, no exclamation stack, so no earlier gate catches it), some
with their own noun or worry dropped in: it must stay undetected, score below
its honest twin, and say what would have counted.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_MIGRATION = "I'm worried the migration will lose our data."
_REVIEW = "It's my first quarterly review on Monday and I'm scared the numbers won't add up."
_CHARGED = "You charged me twice and my rent is due on Friday. I'm really worried."
_LAYOFF = "They laid off half my team and I'm afraid I'm next."
_INTERVIEW = "I have my first job interview in ten years tomorrow and I'm so nervous."
_DELIVERY = "The order still isn't here and the party is on Saturday. I'm stressing out."
_EXAM = "I failed the mock exam and the real one is in three weeks."

PAIRS = (
    # praise alone, one sentence
    (_MIGRATION,
     "Nothing gets lost: the migration copies everything first and we keep the old system read-only for 30 days.",
     "Great job!"),
    # stock comfort plus praise
    (_MIGRATION,
     "Your data won't be lost, because we keep a full backup of the old system for 90 days.",
     "Don't worry, you're doing great."),
    # the rubric's level 2, answered with a commitment
    (_CHARGED,
     "I've already refunded the duplicate charge, so you'll see it back on your card before Friday.",
     "You'll be fine."),
    # normalising, said as stock versus said about their situation
    (_REVIEW,
     "Nerves before a first quarterly review are very common, and we can check the numbers line by line on Friday.",
     "I'm confident you will do it."),
    # affirming their choice versus empty confidence
    (_LAYOFF,
     "Flagging this early was the right call: it gives us time to update your CV before anything changes.",
     "You can get through this."),
    # a named strength versus a generic one
    (_INTERVIEW,
     "You've already prepared answers for the three questions they always ask, and that preparation is what carries an interview.",
     "Don't worry, you've got this."),
    # a fact about their order versus hope
    (_DELIVERY,
     "Your order left our warehouse this morning, so it will reach you tomorrow, well before the party.",
     "Everything will work out."),
    # their noun dropped into stock comfort and praise
    (_MIGRATION,
     "A first migration always feels risky, and yours has a full rollback plan.",
     "Don't worry about the migration, you're doing great."),
    # their noun plus "is fine": the words of an answer with no fact in it
    (_MIGRATION,
     "The migration only reads from the old database, so your data stays where it is until we switch over.",
     "Don't worry. The migration is fine."),
    # their worry echoed back
    (_INTERVIEW,
     "You've already prepared answers for the three questions they always ask, and that preparation is what carries an interview.",
     "Don't be nervous about the interview, you'll be fine."),
    # no stated worry at all: a specific basis still beats a stock line
    (_EXAM,
     "Three weeks is enough to redo the mock paper twice, and knowing which topics you missed puts you ahead of where you were.",
     "You deserve better."),
)


@pytest.mark.parametrize(("context", "honest", "gamed"), PAIRS)
def test_a_stock_line_is_never_reassurance_and_scores_below_a_specific_answer(context: str, honest: str, gamed: str) -> None:
    good = score_reply("reassurance", honest, context)
    bad = score_reply("reassurance", gamed, context)
    assert good.detected, honest
    assert not bad.detected, gamed
    assert bad.score < good.score
    assert bad.level <= 2
    assert bad.reason, "the scorecard says why the stock line did not count"


@pytest.mark.parametrize("reply", ["Great job!", "Don't worry, you're doing great.", "You'll be fine.", "Don't worry!"])
def test_the_scorecard_says_what_would_have_counted(reply: str) -> None:
    result = score_reply("reassurance", reply, _MIGRATION)
    said = " ".join([result.reason or "", result.feedback.try_next]).lower()
    assert "worry" in said and ("fact" in said or "what they did well" in said)
    assert result.evidence == ()


def test_a_specific_answer_to_their_worry_reaches_the_upper_rubric_levels() -> None:
    honest = score_reply("reassurance", PAIRS[0][1], _MIGRATION)
    assert honest.score >= 70 and honest.level >= 3


def test_affirming_a_specific_choice_of_theirs_stays_reassurance() -> None:
    result = score_reply("reassurance", "Flagging this early was the right call: it gives us time to fix it.", _MIGRATION)
    assert result.detected and result.evidence


@pytest.mark.parametrize(("context", "reply"), [
    ("I've started looking for a therapist but I feel stupid for needing one.", "Reaching out for a therapist is a brave step."),
    ("Hello, I'm here to talk about my anxiety over the pandemic.", "With everything going on, it's normal to feel some anxiety about the pandemic."),
    (_REVIEW, "Nerves before a first quarterly review are very common."),
])
def test_affirming_their_act_or_normalising_their_situation_in_their_own_words_counts(context: str, reply: str) -> None:
    assert score_reply("reassurance", reply, context).detected


def test_their_own_feeling_echoed_back_is_not_their_situation() -> None:
    assert not score_reply("reassurance", "Don't be anxious, you'll be fine.", "I'm so anxious about tomorrow.").detected


# --- the same shape in empathy -------------------------------------------------------------------
# "I understand how you feel." scored 100 and "I'm so sorry, that must be hard." 82, above replies that
# name their feeling and tie it to what they said (62, or 8 when no pattern knew the phrasing). People
# who code empathy (ESConv, EPITOME, MI) count a stock line, so it stays detected; but it is the
# catalog's level 1 and is capped at the threshold, below any reply that names something of theirs.
_DEADLINE = "My manager moved my deadline up a week and I'm panicking about the demo."
EMPATHY_PAIRS = (
    ("Losing a whole week right before the demo would make anyone panic.", "I'm so sorry, that must be hard."),
    ("You sound panicked about the demo now that the deadline moved up a week.", "I understand how you feel."),
    ("No wonder you're panicking: a week less to get the demo ready is a lot.", "That sounds really frustrating."),
    ("It sounds stressful to have the demo pulled a week closer with no warning.", "I'm sorry to hear that."),
)


@pytest.mark.parametrize(("honest", "stock"), EMPATHY_PAIRS)
def test_a_stock_sympathy_line_never_outscores_naming_their_feeling_in_their_situation(honest: str, stock: str) -> None:
    good = score_reply("empathy", honest, _DEADLINE)
    bad = score_reply("empathy", stock, _DEADLINE)
    assert good.detected, honest
    assert bad.score < good.score
    assert bad.level <= 2
    assert "specific" in bad.feedback.try_next.lower()
