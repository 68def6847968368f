"""The LLM blend flags a question barrage by the offline scorer's own rule, so the two never disagree."""

from __future__ import annotations

from bot.practice.judges.blend import gaming_flags


def test_a_row_of_questions_is_flagged_as_a_barrage() -> None:
    assert gaming_flags(["What happened? Why then? Who knew? When did it start? How did it go?"])["question_barrages"] == 1


def test_a_long_reply_that_asks_along_the_way_is_not_a_barrage() -> None:
    # Four questions among many sentences of the rep's own: the scorer pays no barrage penalty, nor does the blend.
    reply = (
        "I moved cities last year and the first months were rough. I didn't know a soul. "
        "What helped me was a running club on Tuesdays. It took a few weeks before anyone talked to me. "
        "Then it got easier, and now two of them are close friends. It's slow, and that's normal. "
        "What do your evenings look like now? Is there anything you used to enjoy back home? "
        "How do you feel about groups? Would a small one be easier?"
    )
    assert gaming_flags([reply])["question_barrages"] == 0
