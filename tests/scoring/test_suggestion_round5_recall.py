"""A concrete proposed action counts however it is phrased, in any conversation (issue 16, round 5).

An option offered and checked back ("... at 12:30 if that works for you", "Does that work for you?"
after the slot), advice from where the speaker stands ("I'd stick with the annual plan", "I wouldn't
sign it yet"), and a proposal for the group ("my preference is to run one pilot", "we need a second
server") all put a step in front of the other person.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_BOOKING = "Can you book me in with the accountant on Thursday at noon?"
_CONTRACT = "They sent a three-year contract and want it signed by Friday."
_PLANNING = "The test runs keep failing overnight and nobody knows why."


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        (_BOOKING, "Noon is taken, but she's free on Thursday at 12:30 if that works for you."),
        (_BOOKING, "Noon is taken. There's a slot with her at 2 pm on Thursday. Does that work for you?"),
        (_BOOKING, "Would you like the 12:30 on Thursday or the 9:00 on Friday?"),
        (_CONTRACT, "I wouldn't sign a three-year term before you've seen the renewal price cap."),
        (_CONTRACT, "Honestly, I'd stick with the one-year option until the first review."),
        (_PLANNING, "My preference is to run the suite on one machine tonight and compare the logs."),
        (_PLANNING, "That's something you should discuss with the build team before Monday."),
    ],
)
def test_a_proposed_action_counts_however_it_is_phrased(context: str, reply: str) -> None:
    result = score_reply("suggestion", reply, context)
    assert result.detected, (reply, result.score, result.reason)


@pytest.mark.parametrize(
    "reply",
    [
        "Does that work for you? How does that sound? Is this what you're looking for?",
        "There are some options. Does that work for you?",
        "I wouldn't do anything different, I'd just stick with whatever works.",
        "My preference is to do something about things.",
    ],
)
def test_a_check_back_or_a_preference_with_no_option_in_it_never_counts(reply: str) -> None:
    result = score_reply("suggestion", reply, _BOOKING)
    assert not result.detected, (reply, result.score)


def test_a_stated_reluctance_is_not_advice() -> None:
    # "I wouldn't know" and "I wouldn't feel comfortable" say how the speaker feels, not what to do.
    assert not score_reply("suggestion", "I wouldn't know where to start with that.", _CONTRACT).detected
