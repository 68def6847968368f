"""Issue 16, round 4: more shapes of an open question count, and their closed or narrow twins still do not.

Seen in other coding schemes' conversations (meetings, MI sessions, peer support): the
question after a condition ("if we move the cutover, what happens?"), a bare "anything
else...?", the question named before it is asked ("so the question is where they go"),
a wish to hear said as a statement, a transcript's fillers around its own "you know",
"can you recall a time when...". All texts are written for this test; none come from a
labelled corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_CUTOVER = "We could push the cutover to March, but finance wants the old system gone by January."
_CLASS = "My doctor talked me into trying a tai chi class last week."
_HABIT = "I only drink at weekends, really, and my wife says it's too much."
_LOW = "I used to love painting and now I can't even pick up a brush."

OPEN = [
    pytest.param(_CUTOVER, "If we move the cutover to March, what happens?", id="what-happens-after-a-condition"),
    pytest.param(_CUTOVER, "so if finance holds the january date what happens then", id="what-happens-in-a-transcript"),
    pytest.param(
        _CUTOVER, "Anything else you'd like to add before we plan it?", id="anything-else-you-would-like-to-add"
    ),
    pytest.param(_CUTOVER, "So I guess the question is where the old data goes.", id="the-question-is-where"),
    pytest.param(
        _CUTOVER, "but just conceptually, where does the old system fit after March?", id="where-after-a-lead-in"
    ),
    pytest.param(
        _CLASS, "I wanted to check in with you and see how the tai chi class went.", id="check-in-and-see-how"
    ),
    pytest.param(_CLASS, "I'd love to hear what you made of the class.", id="a-wish-to-hear-what"),
    pytest.param(
        _HABIT, "Mm-hmm, so how would you know, if it ever did become too much?", id="transcript-keeps-its-own-you-know"
    ),
    pytest.param(_HABIT, "Okay, and how about your weekends now, compared with a year ago?", id="how-about-your"),
    pytest.param(_LOW, "Can you recall a time when painting still felt good?", id="recall-a-time-when"),
    pytest.param(_LOW, "Any reason you stopped around then?", id="any-reason-you"),
]

NOT_OPEN = [
    pytest.param(_CUTOVER, "Is there anything else I can help with today?", id="a-closing-yes-no-shell"),
    pytest.param(
        _CUTOVER, "So I guess the question is how long the migration takes.", id="a-named-question-that-is-narrow"
    ),
    pytest.param(_CUTOVER, "How about an email to finance asking for March?", id="how-about-an-action-is-a-suggestion"),
    pytest.param(_LOW, "Why am I even asking, I know how it is.", id="why-am-i-asks-oneself"),
    pytest.param(_LOW, "So you feel what happened to your painting was unfair?", id="what-happened-as-a-free-relative"),
    pytest.param(_LOW, "I wanted to check in with you.", id="a-check-in-without-a-question"),
]


@pytest.mark.parametrize(("context", "reply"), OPEN)
def test_an_open_question_in_one_more_shape_counts(context: str, reply: str) -> None:
    result = score_reply("open_question", reply, context)
    assert result.detected, f"{result.score}: {reply}"
    assert result.evidence, "the question is quoted back as what went well"


@pytest.mark.parametrize(("context", "reply"), NOT_OPEN)
def test_its_closed_narrow_or_rhetorical_twin_does_not(context: str, reply: str) -> None:
    result = score_reply("open_question", reply, context)
    assert not result.detected, f"{result.score}: {reply}"
