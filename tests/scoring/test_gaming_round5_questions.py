"""Issue 16, round 5: pointing at what they said is not a paraphrase, and a question word is not an open question.

Paraphrase: a frame that points at their words ("you mentioned some things", "you
told me about your situation", "there's something on your mind") carries none of
their content, however many frames it stacks. Its honest twin plays back their own
facts (their numbers, names, problem) in the rep's words.

Open question: a yes/no question with "what" stuck in front, a row of closed
questions, a barrage of bare or narrow question words, or a suggestion said as
"why not" asks nothing that lets them tell their story. Its honest twin invites
their own account of the same situation.

In every pair the gamed reply is never detected and scores below its honest twin.
All texts are written for this test.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_RENT = "My landlord raised the rent by 30 percent and I might have to move out of the city."
_INVOICE = "The invoice went out twice and my manager is furious about the 400 euro overcharge."
_DEPLOY = "Our deploys fail every Friday because the test suite times out after an hour."
_SLEEP = "Since my dad's surgery I've been sleeping maybe four hours a night."
_VENDOR = "We signed with the new vendor in March and support tickets have doubled since."
_SWIM = "My daughter quit the swim team and won't tell me why."

POINTING_FRAMES = [
    pytest.param(
        _INVOICE,
        "So the invoice was sent twice, and your manager is angry about being overcharged 400 euro — have I got that right?",
        "So, just to confirm, you mentioned some things, yes?",
        id="just-to-confirm-you-mentioned-some-things",
    ),
    pytest.param(
        _RENT,
        "So a 30 percent rent rise might force you out of the city altogether, is that right?",
        "Let me make sure I have this right: you told me about your situation and the things going on, correct?",
        id="you-told-me-about-your-situation",
    ),
    pytest.param(
        _DEPLOY,
        "What I'm hearing is the test suite runs past an hour, so every Friday deploy falls over.",
        "What I'm hearing is that you said what you said, and I heard it.",
        id="you-said-what-you-said",
    ),
    pytest.param(
        _SLEEP,
        "It sounds like since your dad's operation you've been getting about four hours of sleep a night.",
        "It sounds like there's something going on for you, if I hear you correctly, yeah?",
        id="something-going-on-for-you",
    ),
    pytest.param(
        _VENDOR,
        "If I've got this right, tickets doubled after you moved to the new vendor in March?",
        "If I've got this right, you brought up a topic earlier and described it, right?",
        id="you-brought-up-a-topic",
    ),
    pytest.param(
        _SWIM,
        "So your daughter has left the swim team and she isn't telling you the reason.",
        "So basically, you shared your situation with me. Got it. Noted. Understood.",
        id="you-shared-your-situation-noted",
    ),
]

QUESTION_SHAPES = [
    pytest.param(
        _RENT,
        "What would leaving the city mean for you and your work?",
        "What? Do you want to move? Is it the rent? Yes?",
        id="what-before-yes-no-questions",
    ),
    pytest.param(
        _INVOICE,
        "How did your manager react when the duplicate charge came through?",
        "So what, is your manager angry, yes or no?",
        id="so-what-comma-yes-no",
    ),
    pytest.param(
        _DEPLOY,
        "What have you tried so far to keep the suite under an hour?",
        "Have you tried anything? Did it work? Will it work? Is it fixed?",
        id="row-of-closed-questions",
    ),
    pytest.param(
        _SLEEP,
        "How have the short nights been affecting your days?",
        "How? Why? What? How? Why?",
        id="bare-question-words",
    ),
    pytest.param(
        _VENDOR,
        "What changed about the tickets after the switch in March?",
        "Tell me? Tell me? Tell me? Tell me?",
        id="tell-me-repeated",
    ),
    pytest.param(
        _SWIM,
        "How much does not knowing her reason worry you?",
        "How many? How much? How long? When?",
        id="narrow-word-barrage",
    ),
    pytest.param(
        _SWIM,
        "What do you think is behind her decision?",
        "Why not just ask her why, right?",
        id="why-not-suggestion",
    ),
]


@pytest.mark.parametrize(("context", "honest", "gamed"), POINTING_FRAMES)
def test_a_frame_that_only_points_at_what_they_said_is_not_a_paraphrase(context: str, honest: str, gamed: str) -> None:
    good = score_reply("paraphrase", honest, context)
    bad = score_reply("paraphrase", gamed, context)
    assert good.detected, good
    assert not bad.detected, bad
    assert bad.score < good.score


@pytest.mark.parametrize(("context", "honest", "gamed"), QUESTION_SHAPES)
def test_question_words_without_an_invitation_are_not_an_open_question(context: str, honest: str, gamed: str) -> None:
    good = score_reply("open_question", honest, context)
    bad = score_reply("open_question", gamed, context)
    assert good.detected, good
    assert not bad.detected, bad
    assert bad.score < good.score


@pytest.mark.parametrize(
    "question",
    [
        # A degree, asked like "how hard is it?": their account of how it weighs on them.
        "How much does the overcharge bother you?",
        "How much worse have the Fridays got since the suite grew?",
        # How long or how often their feeling or trouble has gone on opens the story of it.
        "How long have you been feeling like this?",
        "How often does that happen?",
    ],
)
def test_asking_how_much_it_weighs_on_them_or_how_long_they_have_felt_it_is_open(question: str) -> None:
    assert score_reply("open_question", question, _INVOICE).detected


@pytest.mark.parametrize(
    "question",
    [
        # A count, a time or a person: a fact to fill in (MI coders call these closed).
        "How many invoices went out?",
        "How long have you been with this vendor?",
        "How long have you been doing that?",
        "When did the deploys start failing?",
        "Who sent the invoice?",
    ],
)
def test_counts_times_and_people_stay_narrow(question: str) -> None:
    assert not score_reply("open_question", question, _INVOICE).detected
