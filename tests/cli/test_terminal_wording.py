"""The terminal speaks terminal: what to type, lines that fit, the buyer's name after a resume (issue #17, section 6)."""

from __future__ import annotations

from tests.cli.conftest import Rehearse

LONG_REPLY = ("Before we get into pricing, what's driving the timing on your side, and what happens to the business "
              "if late shipments keep happening through the next quarter?")


def test_the_card_says_type_done_not_press_finish_or_reply_in_a_thread(rehearse: Rehearse) -> None:
    ran = rehearse("practice", "pricing-objection", stdin="skip\n")
    assert ran.code == 0, ran.err
    said = " ".join(ran.out.replace("│", " ").split())
    assert "Type `done` to get your scorecard, or `skip` to skip." in said
    assert "press Finish" not in said and "Reply in this thread" not in said and "[Finish]" not in said
    assert "`/practice`" not in said and "type `rehearse practice` whenever you're ready" in said


def test_buyer_lines_wrap_to_the_terminals_width(rehearse: Rehearse) -> None:
    ran = rehearse("practice", "discovery-procurement-stall", stdin=LONG_REPLY + "\ndone\n", columns=60)
    assert ran.code == 0, ran.err
    assert max(len(line) for line in ran.out.splitlines()) <= 60
    assert "Dana Whitfield:" in ran.out


def test_a_resumed_session_keeps_the_personas_name(rehearse: Rehearse) -> None:
    first = rehearse("practice", "discovery-procurement-stall", stdin=LONG_REPLY + "\n")
    assert first.code == 0 and "rehearse practice --resume" in first.out
    resumed = rehearse("practice", "--resume", stdin="done\n")
    assert resumed.code == 0, resumed.err
    before_card = resumed.out.split("Scorecard")[0]
    assert "Dana Whitfield:" in before_card and "Buyer:" not in before_card


def test_finishing_before_answering_points_to_rehearse_practice(rehearse: Rehearse) -> None:
    ran = rehearse("practice", "pricing-objection", stdin="done\n")
    assert ran.code == 0, ran.err
    said = " ".join(ran.out.split())
    assert "Type `rehearse practice` to try again." in said and "/practice" not in said
