"""Issue 16 item 6 for open questions: a row of bare question words never pays, and honest questions are not a barrage.

Two ways the old scorer got this wrong: "What? Why? How? What else? Where?" was
detected (each bare word read as an open question), and a long, honest reply that
tells its own story and asks two or three real questions along the way paid the
question-barrage penalty meant for interrogations. Each honest reply below has a
gamed twin built from the same question words; the gamed one is never detected and
always scores below. All texts are written for this test.
"""

from __future__ import annotations

import pytest

from scoring import score_reply
from scoring.scorer import barrage_questions
from scoring.signals import extract_signals

_JOBS = "I've been applying for jobs for six months and I keep getting rejected."
_TEAM = "The new carrier keeps losing parcels and the team is drowning in complaints."
_CUTOVER = "Finance wants the old system gone by January and I don't see how we make it."
_MIGRATION = "I'm worried the migration will wipe five years of customer history."
_LONELY = "Since I moved here I don't know anyone, and the evenings are the worst."

BARE_WORDS = [
    pytest.param(
        _JOBS,
        "What's made the last six months hardest for you?",
        "What? Why? How? What else? Where?",
        id="what-why-how-what-else-where",
    ),
    pytest.param(
        _TEAM,
        "How has the team been handling the complaints so far?",
        "How? Why? What then? Where? Who?",
        id="how-why-what-then",
    ),
    pytest.param(
        _CUTOVER, "Why do you think finance picked January?", "Why? What? How come? What else?", id="why-what-how-come"
    ),
    pytest.param(
        _MIGRATION,
        "Where do things stand with the migration plan right now?",
        "What else? Why? How so? Where? Which one?",
        id="what-else-first",
    ),
    pytest.param(
        _LONELY,
        "What would a good evening look like for you here?",
        "Which? What? Why not? How? When?",
        id="which-what-why-not",
    ),
    pytest.param(
        _JOBS, "Why? Six months of rejections is a long stretch.", "Why? How so? What?", id="three-bare-follow-ups"
    ),
]

# An honest reply that asks two or three real questions among its own sentences, and a run of
# fragments carrying the same question words.
HONEST_QUESTIONS = [
    pytest.param(
        _LONELY,
        "I moved cities two years ago and the evenings were the hardest part for me too. What are your evenings like right now? "
        "I found it helped to have one person I could text, even with nothing to say. Who have you met so far, even in passing? "
        "What would make next week a little less lonely?",
        "Evenings? What? Who? Why? How? What else?",
        id="peer-support-story-with-questions",
    ),
    pytest.param(
        _JOBS,
        "Six months is a long time to keep going. Which roles have you been going for? "
        "When I was job hunting, the feedback calls told me more than the rejections did. What have the recruiters said when you asked them?",
        "Roles? What? Why? Recruiters? How?",
        id="job-search-two-questions",
    ),
    pytest.param(
        _CUTOVER,
        "January is tight, I agree. What would have to be true for March to be acceptable to finance? "
        "And what's the worst part of running both systems for a quarter, from where you sit?",
        "January? What? Why? Finance? How? What else?",
        id="cutover-two-questions",
    ),
    pytest.param(
        _TEAM,
        "That's a rough few weeks for the team. How are they keeping up with the complaints? "
        "We had a carrier problem last year and the fix started with one shared log of every lost parcel. What are you tracking at the moment?",
        "Team? How? Why? Parcels? What?",
        id="carrier-two-questions",
    ),
    pytest.param(
        _MIGRATION,
        "Five years of history is worth protecting. What parts of it does your team use most? "
        "We always take a full backup before we start, and we check it together. How would you like to see that check done?",
        "History? What? How? Backup? Why? Where?",
        id="migration-two-questions",
    ),
]


@pytest.mark.parametrize(("context", "honest", "gamed"), [*BARE_WORDS, *HONEST_QUESTIONS])
def test_a_barrage_of_bare_words_or_fragments_never_beats_honest_questions(
    context: str, honest: str, gamed: str
) -> None:
    h = score_reply("open_question", honest, context)
    g = score_reply("open_question", gamed, context)
    assert h.detected, f"honest {h.score}: {honest}"
    assert not g.detected, f"gamed {g.score}: {gamed}"
    assert g.score < h.score
    assert g.evidence == (), "no bare word or fragment is quoted back as a good question"


def test_a_long_reply_that_asks_along_the_way_pays_no_barrage_penalty() -> None:
    story = (
        "I went through the same thing last spring. The first month I barely slept. What's keeping you up at the moment? "
        "For me it was the mortgage more than the job itself. I ended up making a list of every bill and its date. "
        "Is money the main worry, or is it something else? My sister helped me sort the list into what could wait. "
        "Who could you go through yours with? It took about three weeks before it felt lighter. "
        "How are you sleeping now? And what does a normal day look like for you this week?"
    )
    sig = extract_signals(story)
    assert sig.questions > 3 and barrage_questions(sig) == 0
    assert score_reply("open_question", story, _JOBS).detected


def test_the_same_questions_fired_in_a_row_cost_the_barrage_penalty() -> None:
    questions = (
        "What's keeping you up at the moment? Is money the main worry, or is it something else? "
        "Who could you go through yours with? How are you sleeping now? What does a normal day look like for you this week?"
    )
    with_story = (
        "I went through the same thing last spring, and the first month I barely slept. What's keeping you up at the moment? "
        "For me it was the mortgage more than the job. Is money the main worry, or is it something else? "
        "My sister helped me sort every bill into what could wait. Who could you go through yours with? "
        "It took about three weeks before it felt lighter. How are you sleeping now? "
        "I kept a simple routine, even on bad days. What does a normal day look like for you this week?"
    )
    assert barrage_questions(extract_signals(questions)) > 0
    assert score_reply("open_question", questions, _JOBS).score < score_reply("open_question", with_story, _JOBS).score
