"""Phrasings added in the recall pass: each behavior is detected in wordings a
counsellor or service agent would use, and plain facts or unrelated moves are not.

All texts are written for this test (none come from the licensed dev data).
"""

from __future__ import annotations

import pytest

from scoring import score_reply

CONTEXT = "I'm really stressed about work. My manager keeps adding projects and I can't keep up."

DETECTED = [
    ("empathy", "I, too, understand how hard things are for you right now."),
    ("empathy", "I can definitely imagine how stressful that deadline is."),
    ("empathy", "I can feel how anxious you are about this."),
    ("empathy", "I can't imagine what you're going through."),
    ("empathy", "That is a lot to have on your plate."),
    ("reassurance", "You're doing the best you can."),
    ("reassurance", "Chances are, others are struggling with this too."),
    ("reassurance", "What you're feeling is totally valid."),
    ("reassurance", "It's good that you told your manager how you feel."),
    ("reassurance", "Healing just takes time, and that's not a failure."),
    ("suggestion", "I would just tell him how you feel."),
    ("suggestion", "A good first step is to list what's on your plate."),
    ("suggestion", "Is working from home an option for you?"),
    ("suggestion", "If he raises it again, stay calm and ask for a day to think."),
    ("suggestion", "Have you guys thought about a weekly planning call?"),
    ("paraphrase", "It sounds to me like your manager keeps adding projects and you can't keep up."),
]

NOT_DETECTED = [
    ("empathy", "Please send me your order number."),
    ("empathy", "I don't understand why the form was rejected."),
    ("reassurance", "The office opens at nine on Mondays."),
    ("suggestion", "I felt the same way when I changed jobs."),
    ("suggestion", "Is the project due this week?"),
    ("paraphrase", "Our plans start at forty dollars a seat."),
]


@pytest.mark.parametrize(("behavior", "text"), DETECTED)
def test_phrasing_is_detected(behavior, text):
    assert score_reply(behavior, text, CONTEXT).detected, text


@pytest.mark.parametrize(("behavior", "text"), NOT_DETECTED)
def test_unrelated_reply_is_not_detected(behavior, text):
    assert not score_reply(behavior, text, CONTEXT).detected, text
