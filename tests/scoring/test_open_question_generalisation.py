"""Issue 16: open questions that do not open with their question word still count; narrow and yes/no ones still do not.

Other coding schemes (MI, meeting dialogue acts, peer support) call these open: the
question comes after a false start or a lead-in, as "I wonder what you...", as
"tell us more about...", as a yes/no shell around the person's own thinking, with
a narrow word that asks for their view, or with where/which (the catalog's
narrow questions are quantities, times and people: "how many", "when", "who").
Round 4 adds the question after a condition ("if we move the cutover, what happens?"), a
bare "anything else...?", the question named before it is asked ("so the question is where
they go"), a wish to hear said as a statement, a transcript's own "you know", and "can you
recall a time when...". Each honest shape has a gamed or narrow twin that must not count.
All texts are written for this test; none come from a labelled corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_TEAM = "The new carrier keeps losing parcels and the team is drowning in complaints."
_SISTER = "My sister keeps borrowing money and never pays it back, and now she wants another $500."
_CUTOVER = "We could push the cutover to March, but finance wants the old system gone by January."
_CLASS = "My doctor talked me into trying a tai chi class last week."
_HABIT = "I only drink at weekends, really, and my wife says it's too much."
_LOW = "I used to love painting and now I can't even pick up a brush."
_JOBS = "I've been applying for jobs for six months and I keep getting rejected; I'm starting to think something is wrong with me."

OPEN = [
    pytest.param(
        _TEAM, "I wonder what you make of the new carrier's numbers so far.", id="i-wonder-what-you-without-a-mark"
    ),
    pytest.param(
        _TEAM,
        "Okay, so-so what sort of things would need to change for the team to cope?",
        id="hyphen-restart-in-a-transcript",
    ),
    pytest.param(
        _TEAM, "Before I answer, the question is, what were you hoping the new carrier would fix?", id="after-a-lead-in"
    ),
    pytest.param(
        _TEAM, "this is what what do you uh what's the worst part of the complaints?", id="after-a-false-start"
    ),
    pytest.param(
        _SISTER,
        "Have you thought about how you'd like to answer your sister this time?",
        id="yes-no-shell-around-their-thinking",
    ),
    pytest.param(_JOBS, "Where would you like to start with the job search?", id="narrow-word-asking-their-view"),
    pytest.param(_TEAM, "Tell us more about what happened with the complaints.", id="tell-us-more"),
    pytest.param(_TEAM, "Which part of the complaints is hitting the team hardest?", id="which-in-their-words"),
    pytest.param(_SISTER, "Where do things stand with your sister now?", id="where-in-their-words"),
    pytest.param(_JOBS, "Why?", id="why-alone-asks-them-to-explain"),
    pytest.param(_JOBS, "How so? Six months is a long stretch.", id="how-so"),
    pytest.param(
        _TEAM, "Right, and tell me a bit about how the team is coping, if you can.", id="tell-me-after-a-clause"
    ),
    # round 4: after a condition, a bare "anything else", the question named, a wish to hear, a transcript's own "you know"
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
    pytest.param(_HABIT, "I need you to tell me a bit more about your weekends.", id="i-need-you-to-tell-me-about"),
]

NOT_OPEN = [
    pytest.param(_TEAM, "How many parcels went missing last week?", id="a-quantity-stays-narrow"),
    pytest.param(_JOBS, "When did you start applying?", id="a-date-stays-narrow"),
    pytest.param(_SISTER, "Who else in the family knows about the money?", id="a-name-stays-narrow"),
    pytest.param(_TEAM, "Is that what you mean?", id="yes-no-shell-with-what-inside"),
    pytest.param(_TEAM, "Do you see what I mean?", id="do-you-see-what-i-mean"),
    pytest.param(_JOBS, "Where do you see yourself on that scale from 1 to 10?", id="a-rating-asks-for-a-number"),
    pytest.param(_JOBS, "I wonder why they bother.", id="wondering-aloud-is-not-asking"),
    pytest.param(_TEAM, "Why don't we call the carrier together?", id="a-suggestion-dressed-as-a-question"),
    # round 4: the closed, narrow and rhetorical twins of the new shapes
    pytest.param(_CUTOVER, "Is there anything else I can help with today?", id="a-closing-yes-no-shell"),
    pytest.param(
        _CUTOVER, "So I guess the question is how long the migration takes.", id="a-named-question-that-is-narrow"
    ),
    pytest.param(_CUTOVER, "How about an email to finance asking for March?", id="how-about-an-action-is-a-suggestion"),
    pytest.param(_LOW, "Why am I even asking, I know how it is.", id="why-am-i-asks-oneself"),
    pytest.param(_LOW, "So you feel what happened to your painting was unfair?", id="what-happened-as-a-free-relative"),
    pytest.param(_LOW, "I wanted to check in with you.", id="a-check-in-without-a-question"),
    pytest.param(_HABIT, "I need you to tell me your date of birth.", id="tell-me-a-fact"),
]


@pytest.mark.parametrize(("context", "reply"), OPEN)
def test_an_open_question_in_another_shape_counts(context: str, reply: str) -> None:
    result = score_reply("open_question", reply, context)
    assert result.detected, f"{result.score}: {reply}"
    assert result.evidence, "the question is quoted back as what went well"


@pytest.mark.parametrize(("context", "reply"), NOT_OPEN)
def test_narrow_yes_no_and_disguised_questions_still_do_not_count(context: str, reply: str) -> None:
    result = score_reply("open_question", reply, context)
    assert not result.detected, f"{result.score}: {reply}"


# (context, honest reply in a new shape, gamed reply built from the same words)
PAIRS = [
    pytest.param(
        _TEAM,
        "I wonder what you make of the new carrier's numbers so far.",
        "I wonder what. I wonder how. I wonder why.",
        id="wonder-stack",
    ),
    pytest.param(
        _TEAM,
        "Before I answer, the question is, what were you hoping the new carrier would fix?",
        "The question is, the question is, the question is.",
        id="lead-in-without-a-question",
    ),
    pytest.param(
        _SISTER,
        "Have you thought about how you'd like to answer your sister this time?",
        "Have you thought about it? Have you thought about it? Have you thought about it?",
        id="repeated-shell",
    ),
    pytest.param(
        _TEAM,
        "Tell us more about what happened with the complaints.",
        "I wonder what you think, I wonder what you think, I wonder what you think.",
        id="repeated-wonder",
    ),
    pytest.param(
        _JOBS,
        "Where would you like to start with the job search?",
        "Where? Which one? Who? Whose?",
        id="wh-word-barrage",
    ),
    pytest.param(
        _TEAM,
        "Which part of the complaints is hitting the team hardest?",
        "Which? Where? Which one? Where?",
        id="which-where-stack",
    ),
    pytest.param(_JOBS, "Why?", "Why? Why? Why?", id="repeated-why"),
]


@pytest.mark.parametrize(("context", "honest", "gamed"), PAIRS)
def test_a_gamed_version_of_a_new_shape_scores_below_the_honest_one(context: str, honest: str, gamed: str) -> None:
    h = score_reply("open_question", honest, context)
    g = score_reply("open_question", gamed, context)
    assert h.detected, f"honest {h.score}: {honest}"
    assert not g.detected, f"gamed {g.score}: {gamed}"
    assert g.score < h.score
