"""Bad input gets a clear error per item and never a crash."""

from __future__ import annotations

import pytest

from scoring import (
    InvalidReply,
    UnknownBehavior,
    extract_signals,
    score_reply,
    score_session,
)
from scoring.types import Turn


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 50_000, "limit"),
        ("\x00\x01\x02\xff\xfe" * 40, "binary"),
        (b"\xff\xfe\x00junk", "UTF-8"),
        ("?!... ---", "no words"),
        (None, "must be text"),
    ],
)
def test_unscorable_text_raises_invalid_reply_with_a_reason(text, reason):
    with pytest.raises(InvalidReply, match=reason):
        score_reply("empathy", text)


def test_unknown_behavior_raises_before_looking_at_the_text():
    with pytest.raises(UnknownBehavior):
        score_reply("charisma", "")


def test_junk_context_is_ignored_not_fatal():
    assert score_reply("paraphrase", "So you're worried about cost.", context="\x00\x01" * 100).behavior == "paraphrase"


def test_long_but_valid_reply_is_scored():
    result = score_reply("concise", "We can help with that. " * 500)
    assert 0 <= result.score <= 100 and not result.detected


def test_unicode_and_emoji_are_fine():
    assert score_reply("empathy", "Ugh, that's so frustrating 😞 — I’m sorry.").detected


def test_a_session_skips_unscorable_rep_turns_and_scores_the_rest():
    turns = [Turn("buyer", "Can you just send pricing?"), Turn("rep", ""), Turn("buyer", "Well?"), Turn("rep", "What's driving the timing?")]
    [result] = score_session(["open_question"], turns)
    assert result.detected


def test_extract_signals_rejects_empty_text():
    with pytest.raises(InvalidReply):
        extract_signals("")
