"""Stock sympathy and stock comfort never outscore a reply that names their situation (issue 16, round 5).

After "I was charged twice and now my rent payment bounced, I'm furious.", salads
that never touch what the person said were detected, some at 100: stacked
sympathy verbs ("I empathize with you and I sympathize with you and I feel your
pain deeply."), feelings talked about in the abstract ("Feelings are valid.
Emotions are hard."), and "I understand how you feel" + "sorry you feel that way"
+ "that must be hard". On the reassurance side, comfort with nothing under it
("Rest assured, we've got you, it's going to be okay.") was detected, while a fix
made or promised ("the duplicate charge is reversed today") scored 0.

Each pair below: the honest reply is detected, the gamed one is not, and the
gamed one scores lower. Sentences are our own, written for these tests.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_RENT = "I was charged twice and now my rent payment bounced, I'm furious."
_RENT_WORRY = "I'm worried the double charge means my rent bounces and I'll get evicted."
_MIGRATION = "I'm scared the migration will wipe our customer data."
_FLIGHT = "My flight got cancelled and I'm terrified I'll miss my sister's wedding tomorrow."
_PARCEL = "The parcel with my daughter's birthday present still isn't here and I'm so upset."

EMPATHY_PAIRS = (
    # stacked stock sympathy verbs, one sentence joined by "and"
    (_RENT, "Being charged twice right when rent is due is awful, no wonder you're furious.",
     "I empathize with you and I sympathize with you and I feel your pain deeply."),
    # abstract feelings talk, four short sentences
    (_RENT, "Being charged twice right when rent is due is awful, no wonder you're furious.",
     "Feelings are valid. Emotions are hard. Sorry for the feelings. I empathize."),
    # "I understand how you feel" + "sorry you feel that way" + "that must be hard"
    (_RENT, "Being charged twice right when rent is due is awful, no wonder you're furious.",
     "I totally understand how you feel and I'm really sorry you feel that way, that must be hard."),
    # the sympathy verbs in British spelling, comma-joined
    (_RENT, "A double charge bouncing your rent would make anyone furious.",
     "I sympathise, I empathise, and I truly feel for you."),
    # their feelings as a category, never the feeling they voiced
    (_RENT, "You're furious because the second charge made your rent bounce, and that's fair.",
     "Your emotions matter. Your feelings are real. I hear your feelings."),
    (_FLIGHT, "A cancelled flight the night before your sister's wedding is terrifying, of course you're scared of missing it.",
     "I can relate to your feelings and I respect your emotions completely."),
    # generic "that must be hard" + apology combos
    (_FLIGHT, "A cancelled flight the night before your sister's wedding is terrifying, of course you're scared of missing it.",
     "I'm sorry you feel that way. I understand your feelings. It must be difficult."),
    (_PARCEL, "Waiting on your daughter's birthday present with the day so close is upsetting, I'd be upset too.",
     "Emotions are tough, feelings are valid, and I'm sorry for all of it."),
    (_PARCEL, "Waiting on your daughter's birthday present with the day so close is upsetting, I'd be upset too.",
     "I deeply empathize. I sincerely sympathize. That must be really difficult."),
    (_PARCEL, "Waiting on your daughter's birthday present with the day so close is upsetting, I'd be upset too.",
     "I apologize for how this makes you feel, I understand your emotions, and that must be hard."),
)

REASSURANCE_PAIRS = (
    # comfort with nothing under it, against a fix already made
    (_RENT_WORRY, "I've put a block on the duplicate charge and the refund lands in 3 days.",
     "Rest assured, we've got you, it's going to be okay."),
    (_RENT_WORRY, "The duplicate charge is reversed today, so your rent payment will go through on Monday.",
     "Hang in there, it'll work out, everything happens for a reason."),
    (_RENT_WORRY, "The second charge has been refunded, so the rent money is back in your account.",
     "Relax, it's nothing, you'll be okay."),
    # the rubric's levels 1 and 2, against a promised fix tied to their worry
    (_RENT_WORRY, "We'll cover the bounced-rent fee, and I'll send your landlord a letter saying the error was ours.",
     "Don't worry, you'll be fine!"),
    (_RENT_WORRY, "You won't be evicted over one bounced payment; landlords have to give written notice first.",
     "Everything will be alright, I promise, don't you worry."),
    # lone praise, against a fact about what they fear
    (_MIGRATION, "Your data stays safe: we copy everything before the migration starts.",
     "Great job!"),
    (_MIGRATION, "Your data stays safe: we copy everything before the migration starts.",
     "You've got this, you'll be fine, stay positive."),
)


@pytest.mark.parametrize(("context", "honest", "gamed"), EMPATHY_PAIRS)
def test_an_empathy_salad_never_counts_and_scores_below_naming_their_situation(context: str, honest: str, gamed: str) -> None:
    good = score_reply("empathy", honest, context)
    bad = score_reply("empathy", gamed, context)
    assert good.detected, honest
    assert not bad.detected, gamed
    assert bad.score < good.score
    assert bad.reason, "the scorecard says why the salad did not count"


@pytest.mark.parametrize(("context", "honest", "gamed"), REASSURANCE_PAIRS)
def test_stock_comfort_never_counts_and_scores_below_answering_their_worry(context: str, honest: str, gamed: str) -> None:
    good = score_reply("reassurance", honest, context)
    bad = score_reply("reassurance", gamed, context)
    assert good.detected, honest
    assert not bad.detected, gamed
    assert bad.score < good.score


@pytest.mark.parametrize(
    "reply",
    ["You must be a very strong and caring person.", "You seem like a really caring parent.", "Congratulations, you took the first step!"],
)
def test_one_affirmation_of_the_person_counts_but_never_above_a_specific_answer(reply: str) -> None:
    # MI's coders code these as Affirm (the rubric's level 2, "affirms, but vaguely"): counted, capped at the threshold.
    vague = score_reply("reassurance", reply, _RENT_WORRY)
    specific = score_reply("reassurance", "The second charge has been refunded, so the rent money is back in your account.", _RENT_WORRY)
    assert vague.detected, reply
    assert vague.score < specific.score


@pytest.mark.parametrize("reply", ["You're so strong, brave and amazing!", "Great job! You're so strong! Amazing!"])
def test_a_stack_of_praise_is_still_not_reassurance(reply: str) -> None:
    assert not score_reply("reassurance", reply, _RENT_WORRY).detected
