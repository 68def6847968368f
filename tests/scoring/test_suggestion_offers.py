"""An option put in front of the other person to take or leave is a suggestion; an empty offer frame is not.

Issue 16, round 3: service agents offer options ("would you be interested in the 8 pm showing?",
"there's also one that leaves at 6:20") and coders call them suggestions. A plain "there is a hotel
called X" is information, and a frame with no option in it ("would you be interested in something?")
names no step.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_FLIGHT = "I need a flight to Denver on Friday morning, as cheap as possible."
_LAUNCH = "Our launch is in two weeks and the integration still drops about a third of the orders."


@pytest.mark.parametrize(
    ("context", "reply"),
    [
        (_FLIGHT, "There's also one that leaves at 6:20 am for $88, would that interest you?"),
        (_FLIGHT, "Frontier is another available choice: it leaves at 7:15 and costs $92."),
        (_LAUNCH, "Would you be interested in moving the launch of the two failing regions to the week after?"),
        (_FLIGHT, "The 6:20 with one stop may be just what you're looking for at $88."),
    ],
)
def test_an_option_offered_to_take_or_leave_is_a_suggestion(context: str, reply: str) -> None:
    result = score_reply("suggestion", reply, context)
    assert result.detected, (reply, result.score, result.reason)


def test_a_question_about_their_preference_is_not_an_offer() -> None:
    assert not score_reply("suggestion", "Which city are you interested in?", _FLIGHT).detected


def test_an_offer_frame_with_no_option_in_it_never_counts_and_scores_below_a_real_offer() -> None:
    honest = score_reply("suggestion", "Would you be interested in moving the launch of the two failing regions to the week after?", _LAUNCH)
    gamed = score_reply("suggestion", "Would you be interested in something? That may be what you're looking for. Another option is available.", _LAUNCH)
    assert not gamed.detected
    assert gamed.score < honest.score
    assert gamed.reason


@pytest.mark.parametrize(
    "reply",
    [
        "What about routing the failing orders through the old connector until launch?",
        "We could have a daily check-in on dropped orders until launch.",
        "A staged rollout to the two stable regions might be a good idea.",
        "The safest thing to do is keep the old connector running beside the new one until launch.",
    ],
)
def test_a_proposal_as_meetings_make_it_is_a_suggestion(reply: str) -> None:
    result = score_reply("suggestion", reply, _LAUNCH)
    assert result.detected, (reply, result.score, result.reason)


def test_a_proposal_frame_with_nothing_proposed_never_counts() -> None:
    gamed = score_reply("suggestion", "We could have something. That might be good. What about doing things? The best thing to do is something.", _LAUNCH)
    assert not gamed.detected
    assert gamed.reason
