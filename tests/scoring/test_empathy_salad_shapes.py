"""Stock sympathy and praise in new shapes never count; being there for them and naming their feeling do.

Round 4 of issue 16. The salad gate used to count the sentences that fired a
sympathy pattern, so a salad joined by commas, semicolons or "and" into one
sentence read as one phrase and scored 100; and "That's amazing, great job,
wonderful!" (one sentence, no exclamation run) was detected as reassurance.
Every gamed reply here must stay undetected, score below its honest twin, and
hear why it did not count.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_HOLD = "I've been on hold for an hour and nobody can tell me where my order is."
_CHARGED = "You charged me twice this month and my rent is due on Friday."
_BOSS = "My manager keeps moving my deadlines and I'm scared I'll get blamed when the audit slips."
_REVIEW = "This is my first time running the quarterly review and I'm nervous the numbers won't add up."
_MOVE = "We just moved cities and my daughter cries every night because she misses her friends."
_LAYOFF = "They laid off half my team on Friday and I don't know if I'm next."
_PITCH = "I finally pitched my idea to the board today and they asked for a pilot."

EMPATHY_PAIRS = (
    # one sentence, commas
    (_HOLD,
     "An hour on hold with nobody able to find your order is maddening, and I'm sorry we left you waiting.",
     "I'm so sorry, I totally understand, that sounds really hard, and I can only imagine how you feel."),
    # semicolons
    (_CHARGED,
     "Being charged twice with rent due on Friday must be really stressful.",
     "I'm sorry; that's awful; I understand; that must be hard; I feel for you."),
    # joined by "and", no punctuation at all
    (_BOSS,
     "It sounds scary to have your deadlines moved and then worry the audit slip will land on you.",
     "I understand how you feel and I'm sorry and it sounds frustrating and it must be hard and I hear you"),
    # exclamations and an emoji inside one sentence
    (_MOVE,
     "It must be heartbreaking to hear your daughter cry every night for the friends she left behind.",
     "Oh no!! I'm so sorry to hear that, my heart goes out to you, I can't even imagine, that's just awful ❤️"),
    # situation words that are stock too ("situation", "a lot to deal with", "sending hugs")
    (_LAYOFF,
     "Losing half your team on Friday and not knowing if you're next sounds frightening, and it makes sense you're on edge.",
     "That's a tough situation to be in, I'm sorry you're going through all of this, it must be a lot to deal with, sending hugs."),
    # offers to be there, stacked with comfort, never touching what they said
    (_REVIEW,
     "Running the quarterly review for the first time is a lot of pressure, and being nervous about the numbers is natural.",
     "I'm here for you, feel free to message me, you can always talk to me, my door is always open."),
    (_HOLD,
     "An hour on hold with no news of your order would wear anyone down; I'm sorry.",
     "I'm here for you. DM me anytime. You're not alone. Sending hugs."),
    # chat shorthand, one sentence
    (_HOLD,
     "sry u had to wait an hour on hold for ur order, thats awful",
     "u must feel awful, sry, i understand ur feelings, thats so hard"),
)


def _gamed_loses(behavior: str, context: str, honest: str, gamed: str, why: str) -> None:
    """The honest reply counts; the gamed one does not, scores lower, and the scorecard says why."""
    fair = score_reply(behavior, honest, context)
    game = score_reply(behavior, gamed, context)
    assert fair.detected, fair
    assert not game.detected, game
    assert game.score < fair.score
    assert game.reason and why in game.reason


@pytest.mark.parametrize(("context", "honest", "gamed"), EMPATHY_PAIRS)
def test_a_salad_in_any_shape_never_counts_and_scores_below_its_honest_twin(context: str, honest: str, gamed: str) -> None:
    _gamed_loses("empathy", context, honest, gamed, "scripted")


REASSURANCE_PAIRS = (
    # the known hole: one sentence, commas, no run of "!"
    (_REVIEW,
     "Pulling the numbers together two days early was a smart move, so we have time to check them line by line.",
     "That's amazing, great job, wonderful!"),
    (_REVIEW,
     "It's normal to be nervous the first time, and you've already reconciled the totals, so the review will hold up.",
     "Great job, that's amazing and wonderful, well done!"),
    (_PITCH,
     "A pilot after your first pitch to the board is a really good sign: they want to see the idea work.",
     "Wow, great job, so proud, amazing work."),
    (_PITCH,
     "Pitching it to the board yourself was a brave step, and a pilot is how most new ideas there get funded.",
     "Amazing work, keep it up, you're a superstar, so proud of you!"),
    (_CHARGED,
     "You'll get the duplicate charge back: refunds like this land within two business days, well before Friday.",
     "Congratulations, great job, you did it!"),
    (_BOSS,
     "Keeping a written log of each deadline change was the right call: it shows the audit slipped because the dates moved, not because of you.",
     "You're amazing and awesome and wonderful."),
    # generic strengths stacked, nothing of theirs
    (_REVIEW,
     "You're strong with numbers, and reconciling the totals twice before the review is exactly what catches mistakes in time.",
     "You're so strong and brave and capable and I believe in you!"),
)


@pytest.mark.parametrize(("context", "honest", "gamed"), REASSURANCE_PAIRS)
def test_a_praise_stack_is_never_reassurance_however_it_is_punctuated(context: str, honest: str, gamed: str) -> None:
    _gamed_loses("reassurance", context, honest, gamed, "Praise alone")


def test_praising_a_specific_choice_of_theirs_still_counts() -> None:
    reply = "Great job getting the slides done two days early, that gives you time to rehearse."
    assert score_reply("reassurance", reply, "I'm worried my presentation tomorrow will go badly.").detected


@pytest.mark.parametrize(
    "reply",
    [
        "If you need someone to talk to, I'm here.",
        "Feel free to message me if you need to talk.",
        "We're all here for you, take a deep breath and talk to us.",
        "If you ever want to vent about it, you can DM me.",
    ],
)
def test_being_there_for_them_is_empathy(reply: str) -> None:
    context = "I'm in a bad place right now and I could really use a friend."
    assert score_reply("empathy", reply, context).detected


def test_a_stock_offer_to_listen_scores_below_naming_their_situation() -> None:
    offer = score_reply("empathy", "I'm always here for you if you need to talk.", _HOLD)
    honest = score_reply("empathy", EMPATHY_PAIRS[0][1], _HOLD)
    assert offer.score < honest.score


def test_an_agent_greeting_is_not_empathy() -> None:
    assert not score_reply("empathy", "I'm here to help with your order.", _HOLD).detected


def test_asking_what_lies_behind_a_feeling_they_voiced_names_it() -> None:
    context = "I am worthless. I can't do anything right."
    assert score_reply("empathy", "What's making you feel so worthless right now?", context).detected
    assert not score_reply("empathy", "How does that make you feel?", context).detected
    assert not score_reply("empathy", "What makes you feel like that?", context).detected


@pytest.mark.parametrize(
    "reply",
    [
        "Relaxation techniques can help you a lot in reducing your stress and anxiety.",
        "It's worth finding a psychologist to talk to if this is a field you might be interested in.",
    ],
)
def test_advice_about_their_stress_is_not_empathy(reply: str) -> None:
    assert not score_reply("empathy", reply, "").detected


@pytest.mark.parametrize(
    "reply",
    [
        "You're a very resourceful person.",
        "You worked really hard on that.",
        "You handled that really well.",
        "It took a lot of courage to tell him.",
        "I appreciate your honesty.",
        "You've come a long way.",
        "You know yourself best.",
        "That shows how much you care.",
        "You stuck with it even when it was hard.",
        "You took a big step today.",
    ],
)
def test_affirming_a_strength_effort_or_choice_of_theirs_is_reassurance(reply: str) -> None:
    assert score_reply("reassurance", reply, "").detected


@pytest.mark.parametrize("reply", ["You have to work hard.", "I appreciate your time.", "You're not very patient."])
def test_demands_and_thanks_are_not_affirmations(reply: str) -> None:
    assert not score_reply("reassurance", reply, "").detected


def test_saying_the_feared_thing_will_not_happen_answers_the_worry() -> None:
    worry = "I'm worried the update will break our reports before the board meeting on Thursday."
    assert score_reply("reassurance", "The update doesn't change the reports at all, so Thursday's numbers look the same.", worry).detected
    assert not score_reply("reassurance", "I can't cancel the update before Thursday.", worry).detected


def test_stock_comfort_that_only_shares_the_word_worry_does_not_answer_the_worry() -> None:
    worry = "I'm worried the update will break our reports before the board meeting on Thursday."
    stock = score_reply("reassurance", "Don't worry, you'll be fine, it's normal, you've got this, everything will work out.", worry)
    honest = score_reply("reassurance", "Your reports are safe: the update only touches the login page, and I'll check them myself on Wednesday.", worry)
    assert honest.detected and not stock.detected
    assert stock.score < honest.score


_INVOICE = "The invoice was wrong again and my CFO is furious with me."


@pytest.mark.parametrize(
    "reply",
    [
        "That puts you in an awkward position with your CFO.",
        "Nobody wants to explain the same invoice error twice to their CFO.",
        "It's embarrassing to go back to your CFO with another error.",
        "What a rotten position to be put in by our invoice.",
    ],
)
def test_acknowledging_the_spot_it_puts_them_in_is_empathy(reply: str) -> None:
    assert score_reply("empathy", reply, _INVOICE).detected


@pytest.mark.parametrize("reply", ["What a great position to be in.", "The last thing you need to do is sign the order form."])
def test_the_same_words_about_something_else_are_not_empathy(reply: str) -> None:
    assert not score_reply("empathy", reply, _INVOICE).detected


def test_advice_framed_as_a_good_idea_is_not_affirming_their_choice() -> None:
    assert not score_reply("reassurance", "Perhaps it's a good idea to back off a bit when those fights come up.", "").detected
    assert score_reply("reassurance", "That's a good idea, and asking your sister first is a smart step.", "").detected
