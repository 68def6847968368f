"""Issue 16: their point said back without a listed frame counts; a frame or a shape without their content does not.

MI reflections, meeting summaries and understanding checks, and service read-backs
restate the other side's content without "so what I'm hearing is": "your point
is...", a statement said as a question in their words, a "so" recap, a short
echo of their turn, "please confirm: <their details>". Each honest shape has a
content-free or keyword-run twin that must stay below it and never count. All
texts are written for this test; none come from a labelled corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_TEAM = "The new carrier keeps losing parcels and the team is drowning in complaints."
_SISTER = "My sister keeps borrowing money and never pays it back, and now she wants another $500."
_JOBS = "I've been applying for jobs for six months and I keep getting rejected; I'm starting to think something is wrong with me."
_DOG = "My dog died last week and I still can't stop crying about it."
_TABLE = "Book a table for two at Cafe Roma on Friday at 7."

RESTATED = [
    pytest.param(_TEAM, "Your point is that the new carrier loses parcels and the team can't keep up with the complaints.", id="your-point-is"),
    pytest.param(_JOBS, "It doesn't sound like six months of rejections says anything about what you're worth.", id="doesnt-sound-like"),
    pytest.param(_TEAM, "Those are the parcels the new carrier lost?", id="statement-as-question-in-their-words"),
    pytest.param(_TEAM, "So something changed when the new carrier started?", id="statement-as-question-in-other-words"),
    pytest.param(_SISTER, "Okay, so she wants another $500 even though the last loans never came back.", id="so-recap"),
    pytest.param(_DOG, "And you still can't stop crying about him.", id="echo-about-them"),
    pytest.param(_DOG, "Still can't stop crying.", id="short-echo"),
    pytest.param(_TABLE, "Please confirm: a table for 2 at Cafe Roma on Friday at 7 pm.", id="read-back-to-confirm"),
    pytest.param(_TABLE, "To verify: you'd like Cafe Roma for two people this Friday at 7.", id="to-verify"),
]

NOT_RESTATED = [
    pytest.param(_TABLE, "Please confirm.", id="confirm-alone"),
    pytest.param(_TABLE, "Please confirm the following details.", id="confirm-frame-without-details"),
    pytest.param("Can you find me the year of its release?", "The song was released in 2017.", id="an-answer-reuses-the-question"),
    pytest.param(_TEAM, "Email, phone?", id="a-fragment-asks"),
    pytest.param(_DOG, "If you were here I would hug you right now.", id="the-speaker-is-not-an-echo"),
]


@pytest.mark.parametrize(("context", "reply"), RESTATED)
def test_their_point_said_back_without_a_listed_frame_counts(context: str, reply: str) -> None:
    result = score_reply("paraphrase", reply, context)
    assert result.detected, f"{result.score}: {reply}"
    assert result.reason is None


@pytest.mark.parametrize(("context", "reply"), NOT_RESTATED)
def test_a_frame_or_an_answer_without_their_point_does_not_count(context: str, reply: str) -> None:
    result = score_reply("paraphrase", reply, context)
    assert not result.detected, f"{result.score}: {reply}"


# (context, honest reply in a new shape, gamed reply in the same shape without their content)
PAIRS = [
    pytest.param(_TEAM, "Your point is that the new carrier loses parcels and the team can't keep up with the complaints.",
                 "Your point is your point. What I hear is what you said. Please confirm that, right?", id="new-frames-stacked"),
    pytest.param(_TABLE, "Please confirm: a table for 2 at Cafe Roma on Friday at 7 pm.",
                 "Please confirm: the thing. To verify: that. Confirming what you said.", id="read-back-of-nothing"),
    pytest.param(_TEAM, "So something changed when the new carrier started?",
                 "So something happened? So the thing is the thing? So it's that?", id="vague-checks"),
    pytest.param(_TEAM, "And the team is drowning in complaints about the lost parcels.",
                 "Carrier parcels complaints team. Carrier parcels. Complaints team drowning.", id="keyword-run-echo"),
    pytest.param(_SISTER, "Okay, so she wants another $500 even though the last loans never came back.",
                 "So, so, so. Okay so. So that.", id="so-without-a-recap"),
]


@pytest.mark.parametrize(("context", "honest", "gamed"), PAIRS)
def test_a_gamed_version_of_a_new_shape_scores_below_the_honest_one(context: str, honest: str, gamed: str) -> None:
    h = score_reply("paraphrase", honest, context)
    g = score_reply("paraphrase", gamed, context)
    assert h.detected, f"honest {h.score}: {honest}"
    assert not g.detected, f"gamed {g.score}: {gamed}"
    assert g.score < h.score
