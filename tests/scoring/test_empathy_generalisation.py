"""Empathy and reassurance as other coders hear them (issue 16, round 3), and what still cannot buy them.

Empathy: acknowledging what happened to them counts even without the stock words ("that must have
hurt", "no wonder you're exhausted", "that's not fair to you"). Reassurance: affirming a specific
strength or choice of theirs counts ("asking these questions set you on the right path"). A run of
the same phrasings with nothing of theirs in it is still a salad: never detected, below its honest twin.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_DAD = "My dad passed away last month and I can't focus at work."
_MOVE = "We just moved cities and now my team is falling apart too."
_SHIFTS = "I've been working double shifts all week to cover for two people who quit."
_YELLED = "My manager yelled at me in front of the whole team on Monday."
_BREAKUP = "I feel so alone since the breakup, the flat is so quiet."
_BLAMED = "My team keeps missing deadlines and my boss blames me for all of it."
_REVIEW = "This is my first time running the quarterly review and I'm nervous the numbers won't add up."
_THERAPY = "I've started asking around about therapists but I feel stupid for needing one."


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        (_DAD, "I'm so sorry about your dad."),
        (_MOVE, "That's a lot to deal with on top of the move."),
        (_SHIFTS, "No wonder you're exhausted."),
        (_YELLED, "That must have hurt, being called out in front of everyone."),
        (_BREAKUP, "You must miss her a lot, especially with the flat so quiet."),
        (_BREAKUP, "I know how lonely it gets after a breakup."),
        (_BLAMED, "Being blamed for the whole team's misses isn't fair to you."),
        (_SHIFTS, "You've been through so much this week covering for two people."),
        (_REVIEW, "I can understand feeling nervous before your first quarterly review."),
        # The situation itself as the subject: only "it/this/that must feel ..." counted before.
        (_BLAMED, "Being blamed for the whole team's misses must feel awful, especially in front of the director."),
    ],
)
def test_acknowledging_their_situation_is_empathy(context: str, reply: str) -> None:
    result = score_reply("empathy", reply, context)
    assert result.detected, (reply, result.score, result.reason)


def test_naming_a_glad_feeling_is_empathy_too() -> None:
    result = score_reply("empathy", "You must be so proud of her, finishing the marathon after that injury.", "My daughter finished her first marathon after breaking her ankle last year!")
    assert result.detected


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        (_THERAPY, "Asking around about therapists already set you on the right path."),
        (_THERAPY, "Reaching out for a therapist is a brave step, and there's nothing wrong with needing one."),
        (_REVIEW, "Checking the numbers a week early is a good sign you'll catch anything that doesn't add up."),
        (_BLAMED, "You deserve better than taking the blame for deadlines you don't set."),
        (_REVIEW, "Congratulations on being trusted with the review in your first quarter."),
    ],
)
def test_affirming_a_specific_strength_or_choice_is_reassurance(context: str, reply: str) -> None:
    result = score_reply("reassurance", reply, context)
    assert result.detected, (reply, result.score, result.reason)


# Honest reply, then the same moves as a run of stock phrasings with nothing of theirs.
PAIRS: tuple[tuple[str, str, str, str], ...] = (
    ("empathy", _YELLED,
     "Being yelled at in front of the whole team must have hurt, and it wasn't fair to you.",
     "That must have hurt. I know what you mean. That's not fair to you. You've been through so much."),
    ("empathy", _SHIFTS,
     "Double shifts all week while covering for two people is brutal; no wonder you're worn out.",
     "I know how hard it gets. That's horrible. I bet you're exhausted. I guess I understand."),
    ("empathy", _BREAKUP,
     "After the breakup, coming home to a quiet flat must feel so lonely.",
     "You must miss it. That must have stung. I know what it's like. You're not alone in feeling this way."),
    ("empathy", _BLAMED,
     "Taking the blame for the whole team's missed deadlines sounds unfair and exhausting.",
     "That's brutal. That's the worst. That's unfair. That must have hurt."),
    ("empathy", "",
     "Losing your dad while trying to keep up at work is a lot to carry.",
     "I bet you're exhausted. That's horrible. You've been through so much."),
    ("empathy", "I'm going in for surgery on my knee next week and I'm dreading the recovery.",
     "Dreading the recovery makes sense, knee surgery is a lot. I'm rooting for you next week.",
     "I'm rooting for you. Sending hugs. I hope things get better. I'm thinking of you."),
    ("reassurance", _THERAPY,
     "Thanks for sharing this; asking around for a therapist is a smart first move, not a stupid one.",
     "Thanks for sharing. Glad you're here. Lucky you. You're a good human."),
    ("reassurance", _REVIEW,
     "Checking the numbers a week before your first review is exactly what catches mistakes in time.",
     "Congrats on that. That's a great first step. You're clearly very capable. It happens very often."),
    ("reassurance", _THERAPY,
     "Asking around for a therapist is a smart move, and plenty of people look for one after a hard year.",
     "There's nothing wrong with that. That's a good reason. You deserve support. I want to reassure you."),
    ("reassurance", "",
     "Finishing the migration plan a week early is a smart move: it gives your team a full week to test it.",
     "You must be a very strong person. You deserve better. Congratulations on everything. That's a good sign."),
    ("reassurance", "",
     "Writing down every charge since March was the right call; it gives the bank what it needs to reverse them.",
     "That's a huge step. You seem really thoughtful. Lucky to have you. That's a good sign."),
)


@pytest.mark.parametrize(("behavior", "context", "honest", "gamed"), PAIRS)
def test_a_run_of_the_new_phrasings_never_counts_and_scores_below_its_honest_twin(behavior: str, context: str, honest: str, gamed: str) -> None:
    fair = score_reply(behavior, honest, context)
    bought = score_reply(behavior, gamed, context)
    assert fair.detected, (honest, fair.score, fair.reason)
    assert not bought.detected, (gamed, bought.score)
    assert bought.score < fair.score
    assert bought.reason, "the scorecard says why it did not count"



def test_naming_the_feeling_before_the_advice_counts_and_after_it_scores_lower() -> None:
    # The catalog's definition: name the feeling before moving on to fixes.
    first = score_reply("empathy", "Losing your dad is so hard. You should ask HR about bereavement leave.", _DAD)
    after = score_reply("empathy", "You should ask HR about bereavement leave. Losing your dad is so hard.", _DAD)
    assert first.detected
    assert after.score < first.score


def test_normalising_their_experience_is_reassurance() -> None:
    result = score_reply("reassurance", "Freezing up in your first review is a very common reaction, and it fades once you've run one.", _REVIEW)
    assert result.detected


def test_praising_their_question_is_not_reassurance() -> None:
    # Affirming a strength or a choice counts; "good question" affirms neither.
    assert not score_reply("reassurance", "That's a good question you bring up about the review numbers.", _REVIEW).detected


_MIGRATION = "I'm worried the data migration will wipe our customer history."
_CHARGED = "You charged me twice this month and my rent is due on Friday."
_BLAMED_AUDIT = "My manager keeps moving my deadlines and I'm scared I'll get blamed when the audit slips."
_SCHOOL = "I'm scared my son won't make friends at the new school."


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        (_MIGRATION, "Nothing gets deleted during the migration; the old database stays read-only for 30 days."),
        (_MIGRATION, "We've moved over 200 customers this year without losing a single record."),
        (_CHARGED, "I've already reversed the second charge, so you'll see it back tomorrow."),
        (_REVIEW, "I'll go through the numbers with you on Thursday so nothing surprises you."),
        (_BLAMED_AUDIT, "The audit log shows every deadline change with his name on it, so the slip can't land on you."),
        (_SCHOOL, "Kids his age usually find their group within the first month at a new school."),
    ],
)
def test_a_fact_or_commitment_answering_their_worry_is_reassurance(context: str, reply: str) -> None:
    result = score_reply("reassurance", reply, context)
    assert result.detected, (reply, result.score, result.reason)


def test_the_same_answer_cues_without_their_worry_in_them_do_not_count() -> None:
    # The cue alone, about nothing they said, answers no worry.
    result = score_reply("reassurance", "Nothing gets deleted, I'll go through it, you'll see it tomorrow.", _SCHOOL)
    assert not result.detected


_NEWS = "My daughter just got into medical school!"


def test_naming_their_joy_or_relief_is_empathy() -> None:
    for reply in ("After all those years of studying, seeing your daughter get into medical school must be such a relief.",
                  "How exciting, your daughter is going to be a doctor!"):
        assert score_reply("empathy", reply, _NEWS).detected, reply


def test_a_run_of_stock_glad_phrases_is_a_salad_too() -> None:
    honest = score_reply("empathy", "After all those years of studying, seeing your daughter get into medical school must be such a relief.", _NEWS)
    gamed = score_reply("empathy", "That sounds exciting. How fun. That must be a relief. That sounds wonderful.", _NEWS)
    assert not gamed.detected
    assert gamed.score < honest.score
    assert gamed.reason


@pytest.mark.parametrize("reply", ["i understand ur situation", "sry to hear that", "u must feel terrible", "ur not alone in feeling this way"])
def test_empathy_typed_in_chat_shorthand_counts(reply: str) -> None:
    assert score_reply("empathy", reply, "my gf left me and i cant sleep").detected, reply


def test_chat_shorthand_does_not_turn_a_salad_into_empathy() -> None:
    gamed = score_reply("empathy", "sry. i understand u. u must feel terrible. thats rough.", "my gf left me and i cant sleep")
    assert not gamed.detected


def test_comfort_with_their_feeling_named_is_empathy_but_a_run_of_stock_comfort_is_not() -> None:
    context = "I'm worried the data migration will wipe our customer history."
    honest = score_reply("empathy", "You're not alone in worrying about your records; most teams feel that before a migration.", context)
    gamed = score_reply("empathy", "Don't worry. It's normal. You're not alone. It'll be fine.", context)
    assert honest.detected
    assert not gamed.detected
    assert gamed.reason


def test_dont_worry_waves_the_feeling_away_and_is_not_empathy() -> None:
    assert not score_reply("empathy", "Don't worry about it, you'll be fine.", "I'm worried the data migration will wipe our customer history.").detected
