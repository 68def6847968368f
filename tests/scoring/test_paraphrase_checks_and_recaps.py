"""Issue 16, round 4: understanding checks, summaries and reflections that restate in other shapes.

MRDA's coders credit a statement said as a question with one word of content ("those would
be the handhelds?") and summaries ("if I can summarize, ..."); MI's coders credit a "so" recap
of an earlier turn when the last line was only "Yeah." ("so she dropped you off here today"),
"I'm also hearing that...", "so we're talking about..." and the double-sided reflection ("part
of you wants..., and part of you..."). Each shape has a twin with none of their content, or a
run of their keywords, that must never count and must score below it. All texts are written
for this test; none come from a labelled corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_SCANNERS = "The scanners drop out whenever the forklifts drive past the racks."
_VENDORS = "We tried three vendors and all of them failed the load test, so we're building it ourselves."
# MI transcripts: the client's last line is often only this, and the reflection recaps what came before.
_BACKCHANNEL = "Yeah."
_TABLETS = "The tablets keep rebooting whenever the warehouse wifi drops."
_TABLE = "I'd like a table for four at Luigi's on Friday at 8."
_GRANDKIDS = "I want to be there for my grandchildren while they grow up."
_DEADLINES = "My manager keeps moving my deadlines without telling me."
_RENEWAL = "Finance won't sign the renewal unless we get 12% off."

RESTATED = [
    pytest.param(_SCANNERS, "Those would be the handhelds?", id="statement-as-question-one-word-of-content"),
    pytest.param(_BACKCHANNEL, "Hmm. I'm also hearing that you don't want to go back to the night shift.", id="also-hearing-that"),
    pytest.param(_BACKCHANNEL, "If I can summarize, none of the vendors passed the load test, so the build stays in house.", id="if-i-can-summarize"),
    pytest.param(_BACKCHANNEL, "So your your point is that more disk would keep the backups on site.", id="stuttered-your-point"),
    pytest.param(_BACKCHANNEL, "Okay, so she dropped you off at the clinic this morning.", id="so-recap-about-them"),
    pytest.param(_BACKCHANNEL, "Okay. So we're talking about spending fifty pounds a week on takeaways.", id="so-were-talking-about"),
    pytest.param(_BACKCHANNEL, "Part of you wants to stop drinking, and part of you is scared of losing your friends.", id="part-of-you"),
    pytest.param(_BACKCHANNEL, "On the one hand you enjoy the parties, and on the other hand the hangovers are costing you your job.", id="on-the-one-hand"),
    pytest.param(_TABLETS, "Only the older tablets or something?", id="hedged-guess-at-their-point"),
    pytest.param(_TABLE, "Booking a table for four at Luigi's on Friday at 8 pm.", id="order-read-back-as-the-step"),
    pytest.param(_TABLE, "Let's confirm: a table for four at Luigi's this Friday at 8 pm.", id="lets-confirm"),
    # The frames a coach teaches, which the lexicon missed: each carries a point of theirs here.
    pytest.param(_BACKCHANNEL, "Let me recap: the renewal jumped 40 percent without notice.", id="let-me-recap"),
    pytest.param(_BACKCHANNEL, "Let me play that back: the renewal price jumped 40 percent without notice.", id="let-me-play-that-back"),
    pytest.param(_BACKCHANNEL, "You're basically saying the renewal price jumped 40 percent without notice.", id="youre-basically-saying"),
    pytest.param(_BACKCHANNEL, "If I've got this right, the renewal jumped 40 percent without notice.", id="if-ive-got-this-right"),
    pytest.param(_BACKCHANNEL, "The way I understand it, the renewal jumped 40 percent without notice.", id="the-way-i-understand-it"),
    pytest.param(_BACKCHANNEL, "Am I hearing correctly that the renewal jumped 40 percent without notice?", id="am-i-hearing-correctly"),
    pytest.param(_BACKCHANNEL, "My sense is that the renewal price jump caught you off guard.", id="my-sense-is"),
    pytest.param(_BACKCHANNEL, "It seems to me the renewal price jump caught you off guard.", id="it-seems-to-me"),
    pytest.param(_BACKCHANNEL, "What you need is a price that holds for the full contract term.", id="what-you-need-is"),
    pytest.param(_GRANDKIDS, "Being there for your grandchildren matters a lot to you.", id="what-it-means-to-them"),
    pytest.param(_BACKCHANNEL, "From what I've read, it does seem that the move has left you without anyone to talk to.", id="it-does-seem-that-you"),
    pytest.param(_BACKCHANNEL, "I assume you're getting no warning before the deadlines move?", id="i-assume-you"),
    # The "I" of the frame is not the rep talking about themselves.
    pytest.param(_BACKCHANNEL, "Correct me if I'm wrong, but the renewal jumped 40 percent without notice.", id="correct-me-if-im-wrong"),
    pytest.param(_BACKCHANNEL, "Let me make sure I have this right: the renewal jumped 40 percent without notice.", id="let-me-make-sure-i-have-this-right"),
    # "that's what..." is a cleft checked back, not a question asking "what".
    pytest.param(_DEADLINES, "So the deadlines move without a word from your manager, and that's what has you on edge?", id="cleft-checked-back"),
]

NOT_RESTATED = [
    pytest.param(_BACKCHANNEL, "And that's changed over what period of time?", id="a-wh-word-left-in-place-asks"),
    pytest.param("I guess I'll try.", "And then we'll recheck your blood pressure next month, sound okay?", id="own-plan-as-a-question"),
    pytest.param("My brother is broke again.", "I lent my brother money once. So he spent it on a new phone.", id="so-inside-the-speakers-own-story"),
    pytest.param(_BACKCHANNEL, "So I think we should move the delivery to Friday.", id="so-and-a-plan"),
    pytest.param(_SCANNERS, "The scanners forklifts racks? Scanners racks?", id="their-keywords-as-questions"),
    pytest.param(_TABLETS, "Tablets wifi warehouse or something?", id="their-keywords-hedged"),
    pytest.param(_TABLE, "Booking table four Luigi's Friday.", id="their-keywords-as-a-read-back"),
    pytest.param(_BACKCHANNEL, "My sense is we'll be able to work pretty well together.", id="my-sense-as-an-opinion"),
    pytest.param(_BACKCHANNEL, "Let me send you the renewal terms tonight.", id="let-me-and-an-offer"),
    pytest.param(_BACKCHANNEL, "That must have been hard for you.", id="an-evaluation-names-nothing-of-theirs"),
]


@pytest.mark.parametrize(("context", "reply"), RESTATED)
def test_a_check_summary_or_reflection_in_a_new_shape_counts(context: str, reply: str) -> None:
    result = score_reply("paraphrase", reply, context)
    assert result.detected, f"{result.score}: {reply}"
    assert result.reason is None
    assert result.evidence, "the scorecard quotes the sentence that restated"


@pytest.mark.parametrize(("context", "reply"), NOT_RESTATED)
def test_a_question_plan_or_story_in_the_same_shape_does_not_count(context: str, reply: str) -> None:
    result = score_reply("paraphrase", reply, context)
    assert not result.detected, f"{result.score}: {reply}"


# (context, honest reply in a new shape, gamed reply in the same shape without their content)
PAIRS = [
    pytest.param(_SCANNERS, "Those would be the handhelds?", "That's it? It's that? Those are the things?", id="checks-of-nothing"),
    pytest.param(_SCANNERS, "Those are the old scanners by the racks?", "The scanners forklifts racks? Scanners racks?", id="keyword-run-checks"),
    pytest.param(_BACKCHANNEL, "Hmm. I'm also hearing that you don't want to go back to the night shift.",
                 "I'm also hearing that. I'm hearing you. I'm hearing that, right?", id="hearing-frames-stacked"),
    pytest.param(_VENDORS, "If I can summarize, none of the three vendors passed the load test, so you're building it in house.",
                 "If I can summarize: basically, what you said, right?", id="summary-of-nothing"),
    pytest.param(_BACKCHANNEL, "So your your point is that more disk would keep the backups on site.",
                 "So your your point is your point, right?", id="point-of-nothing"),
    pytest.param(_BACKCHANNEL, "Okay, so she dropped you off at the clinic this morning.",
                 "So you said that. So you're saying what you're saying. So your thing, right?", id="so-recaps-of-nothing"),
    pytest.param(_BACKCHANNEL, "Okay. So we're talking about spending fifty pounds a week on takeaways.",
                 "So we're talking about it. We're talking about what we're talking about, right?", id="talking-about-nothing"),
    pytest.param(_BACKCHANNEL, "Part of you wants to stop drinking, and part of you is scared of losing your friends.",
                 "Part of you wants it and part of you doesn't, right? On one hand, this. On the other hand, that.", id="two-sides-of-nothing"),
    pytest.param(_TABLETS, "Only the older tablets or something?", "Things and stuff or something? Or whatever? Kind of thing?", id="hedges-of-nothing"),
    pytest.param(_TABLE, "Booking a table for four at Luigi's on Friday at 8 pm.", "Booking it. Booking that. Booking now.", id="read-back-of-nothing"),
    pytest.param(_TABLE, "Let's confirm: a table for four at Luigi's this Friday at 8 pm.", "Let's confirm. Confirmation details, right?", id="confirmation-of-nothing"),
    pytest.param(_BACKCHANNEL, "Let me play that back: the renewal price jumped 40 percent without notice.",
                 "Let me play that back. You're basically saying that. If I've got this right, your main worry is that, right?", id="coach-frames-stacked"),
    pytest.param(_BACKCHANNEL, "Let me recap: the renewal jumped 40 percent without notice.",
                 "Let me recap. Let me make sure I have this right. The way I understand it, it seems to me that's it.", id="recap-frames-stacked"),
    pytest.param(_BACKCHANNEL, "My sense is that the renewal price jump caught you off guard.",
                 "My sense is that. I get the impression that you, you know. What you need is what you need.", id="sense-frames-stacked"),
    pytest.param(_GRANDKIDS, "Being there for your grandchildren matters a lot to you.",
                 "It's important to you. It matters to you. It's a big deal for you. It means a lot to you.", id="meaning-of-nothing"),
    pytest.param(_DEADLINES, "I assume you're getting no warning before the deadlines move?",
                 "I assume you. It does seem like that. From what I've heard, right?", id="assumptions-of-nothing"),
    # Pointing at what they said ("you mentioned that", "let me make sure I understand") is frame too.
    pytest.param(_RENEWAL, "Let me make sure I understand: finance won't sign unless the renewal comes down 12 percent?",
                 "Let me make sure I understand. You mentioned that. I heard you. So to recap, right?", id="pointers-at-nothing"),
    pytest.param(_RENEWAL, "So you described it this way: no 12 percent discount, no signature from finance.",
                 "You described it. You explained it. You shared that, and I noted it, clear?", id="you-described-nothing"),
]


@pytest.mark.parametrize(("context", "honest", "gamed"), PAIRS)
def test_the_same_shape_without_their_content_never_counts_and_scores_lower(context: str, honest: str, gamed: str) -> None:
    h = score_reply("paraphrase", honest, context)
    g = score_reply("paraphrase", gamed, context)
    assert h.detected, f"honest {h.score}: {honest}"
    assert not g.detected, f"gamed {g.score}: {gamed}"
    assert g.score < h.score
