"""Gaming the offline scorer never pays: an honest reply always beats a frame without content.

Each pair answers the same line from the other side. The gamed reply is built
the way a rep learns to game a keyword scorer (issue 16): a salad of stock
sympathy, a paraphrase frame with none of the other side's content, a stack of
praise as reassurance, a stack of modal verbs as a suggestion, and fragment or
keyword runs. It must score below its honest twin, never reach `detected`, and
the scorecard must say why it did not count.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scoring import score_reply


@dataclass(frozen=True)
class Pair:
    kind: str
    behavior: str
    context: str
    honest: str
    gamed: str


_HOLD = "I've been on hold for an hour and nobody can tell me where my order is."
_CHARGED = "You charged me twice this month and my rent is due on Friday."
_LAUNCH = "Our launch is in two weeks and the integration still drops about a third of the orders."
_CARRIER = "Since we switched carriers in March, late deliveries have doubled and the Halvorsen account is threatening to leave."
_BOSS = "My manager keeps moving my deadlines and I'm scared I'll get blamed when the audit slips."
_RENEWAL = "Honestly, I'm not sure we'll renew; the team barely logs in and finance is asking what we get for the money."
_MIGRATION = "I'm worried the data migration will wipe our customer history. We can't afford to lose five years of records."
_FIRST_CALL = "This is my first time running the quarterly review and I'm nervous the numbers won't add up."

PAIRS: tuple[Pair, ...] = (
    # --- empathy salad: varied stock sympathy that never mentions what they said ---------------
    Pair("empathy salad", "empathy", _HOLD,
         "An hour on hold with no answer about your order is maddening, and I'm sorry you had to chase us.",
         "I'm so sorry. That sounds really frustrating. I completely understand how you feel. That must be so hard. I hear you."),
    Pair("empathy salad", "empathy", _CHARGED,
         "Being charged twice right before your rent is due must be really stressful.",
         "Oh no, I'm sorry to hear that. That sounds awful. I totally get it. That's so difficult. My heart goes out to you."),
    Pair("empathy salad", "empathy", _LAUNCH,
         "Losing a third of your orders two weeks before launch sounds nerve-wracking for the whole team.",
         "That sounds tough. I understand. I'm sorry you're dealing with this. That must be frustrating. I can only imagine."),
    Pair("empathy salad", "empathy", _BOSS,
         "Having your deadlines moved and then worrying you'll take the blame for the audit sounds really unfair and scary.",
         "I'm sorry you feel that way. That sounds hard. I understand how you feel. It makes sense. That must be stressful."),
    Pair("empathy salad", "empathy", _MIGRATION,
         "Five years of customer records is a lot to put at risk, so it makes sense you're worried about the migration.",
         "I hear you. That sounds scary. I'm so sorry. I totally understand your feelings. That must be really difficult for you."),
    Pair("empathy salad", "empathy", _FIRST_CALL,
         "Running the quarterly review for the first time is a lot of pressure, and being nervous about the numbers is natural.",
         "Aw, I'm sorry. That sounds stressful. I understand. That must be tough. I feel for you, it sounds overwhelming."),
    Pair("empathy salad", "empathy", _RENEWAL,
         "It's hard to defend the renewal when the team barely logs in and finance wants numbers, I get that.",
         "I understand. I get it. I know the feeling. I feel you. I hope things get better."),
    # --- content-free paraphrase frame ----------------------------------------------------------
    Pair("content-free paraphrase frame", "paraphrase", _CARRIER,
         "So since the carrier switch in March your late deliveries have doubled, and now Halvorsen might walk — is that right?",
         "So what I'm hearing is what you said. You're saying that thing. So basically, it sounds like what you mean, right?"),
    Pair("content-free paraphrase frame", "paraphrase", _LAUNCH,
         "So the integration is still dropping about a third of orders with launch only two weeks out, is that right?",
         "You said what you said, and I heard you. So basically you're saying that, right? If I understand you correctly, that's it."),
    Pair("content-free paraphrase frame", "paraphrase", _RENEWAL,
         "So your team hardly uses it and finance wants to see what the money buys before you renew?",
         "So what you're telling me is what you told me. It sounds like you mean that. I hear what you're saying, right?"),
    Pair("content-free paraphrase frame", "paraphrase", _MIGRATION,
         "So your biggest worry is that moving the data could wipe five years of customer history, is that it?",
         "If I'm hearing you right, you're saying what you said. So basically that's the point, correct? You mean that, right?"),
    Pair("content-free paraphrase frame", "paraphrase", _CHARGED,
         "So you were billed twice this month, and with rent due Friday that money matters right now?",
         "So you're saying that. I heard you say it. It sounds like basically what you're saying is the thing you said, right?"),
    # --- praise stack as reassurance ------------------------------------------------------------
    Pair("praise stack as reassurance", "reassurance", _FIRST_CALL,
         "It's normal to be nervous the first time, and you've already pulled the numbers together, so we can check them line by line before the review.",
         "Amazing! Great job! You're awesome! Fantastic work! So proud! Brilliant!"),
    Pair("praise stack as reassurance", "reassurance", _MIGRATION,
         "Your records won't be lost: we keep a full backup of the old system for 90 days and check every account before switching.",
         "Wow! Incredible! You're doing great! Wonderful! Superb! Well done!"),
    Pair("praise stack as reassurance", "reassurance", _BOSS,
         "You're not the only one this happens to, and keeping a written log of each deadline change protects you if the audit slips.",
         "Great! Excellent! Perfect! You're a star! Amazing effort! Good job!"),
    Pair("praise stack as reassurance", "reassurance", _CHARGED,
         "You'll get the duplicate charge back: refunds like this land within two business days, well before Friday.",
         "Fantastic! You're great! Awesome! Brilliant customer! Super! Wonderful!"),
    Pair("praise stack as reassurance", "reassurance", _HOLD,
         "Your order left our warehouse this morning, so it will reach you tomorrow, and I'll stay on it until it does.",
         "Amazing! You're great! Wonderful!"),
    Pair("praise stack as reassurance", "reassurance", _LAUNCH,
         "Two weeks is enough to fix a dropped-order bug like this; we've done it for three launches this year and all went out on time.",
         "Amazing team! Great launch! Wonderful! You're awesome! Fantastic! So great!"),
    # --- modal stack as suggestion --------------------------------------------------------------
    Pair("modal stack as suggestion", "suggestion", _BOSS,
         "One option is to send your manager a short email after each change, listing the new date and what it moves, so the record is there before the audit.",
         "You should, you could, you might, maybe you can, how about, perhaps you would, why not?"),
    Pair("modal stack as suggestion", "suggestion", _LAUNCH,
         "Would it help to route the failing orders through the old connector for the two weeks before launch while we fix the integration?",
         "You could maybe try something. You might want to consider it. Perhaps you should. How about that?"),
    Pair("modal stack as suggestion", "suggestion", _RENEWAL,
         "How about a 30-minute session with your team next week to set up the two reports finance asks for?",
         "Maybe you should. Or you could. You might. Perhaps try? How about maybe considering options?"),
    Pair("modal stack as suggestion", "suggestion", _CHARGED,
         "Here's what I'll do: I'll refund the duplicate charge today and call you tomorrow at 10 to confirm it landed.",
         "You should maybe try. You could possibly. You might consider something. How about doing something?"),
    Pair("modal stack as suggestion", "suggestion", _HOLD,
         "Would you like me to reship the order by express today, so it reaches you tomorrow?",
         "Would you like me to? Shall I? Should we? You could maybe. I can suggest things."),
    Pair("modal stack as suggestion", "suggestion", _MIGRATION,
         "I'd suggest a trial run on a copy of last month's records first, so you can check every customer history before we move the real data.",
         "You could, you should, you might, you may, perhaps, maybe, how about, what about, why not try?"),
    # --- fragment and keyword runs (any behavior) -----------------------------------------------
    Pair("keyword run", "empathy", _HOLD,
         "I'm sorry you've waited an hour without news of your order; that would frustrate anyone.",
         "sorry frustrating understand feel hard difficult upsetting stressful awful empathy"),
    Pair("fragment list", "suggestion", _LAUNCH,
         "Let's move the launch-day orders to the old connector until the fix is tested.",
         "Options. Ideas. Steps. Plans. Actions. Next steps."),
    Pair("fragment list", "paraphrase", _CARRIER,
         "So the new carrier has doubled your late deliveries and Halvorsen may leave over it?",
         "Carrier. March. Late. Doubled. Halvorsen. Leave. Right?"),
)


def _id(pair: Pair) -> str:
    return f"{pair.kind}-{pair.behavior}-{PAIRS.index(pair)}"


@pytest.mark.parametrize("pair", PAIRS, ids=[_id(p) for p in PAIRS])
def test_the_honest_reply_counts_and_the_gamed_one_scores_lower(pair: Pair) -> None:
    honest = score_reply(pair.behavior, pair.honest, pair.context)
    gamed = score_reply(pair.behavior, pair.gamed, pair.context)
    assert honest.detected, f"honest reply not detected ({honest.score}): {pair.honest}"
    assert not gamed.detected, f"gamed reply detected ({gamed.score}): {pair.gamed}"
    assert gamed.score < honest.score


@pytest.mark.parametrize("pair", PAIRS, ids=[_id(p) for p in PAIRS])
def test_a_gamed_reply_hears_why_it_did_not_count(pair: Pair) -> None:
    gamed = score_reply(pair.behavior, pair.gamed, pair.context)
    if gamed.score == 0 and gamed.reason is None:
        return  # nothing in it even looked like the behavior: the usual "try next" applies
    assert gamed.reason, "a reply with the behavior's words that did not count says why"
    assert gamed.feedback.try_next == gamed.reason
    assert gamed.evidence == (), "nothing from a gamed reply is quoted back as good practice"


def test_every_kind_of_gaming_in_the_issue_has_five_varied_pairs() -> None:
    for kind in ("empathy salad", "content-free paraphrase frame", "praise stack as reassurance", "modal stack as suggestion"):
        pairs = [p for p in PAIRS if p.kind == kind]
        assert len(pairs) >= 5
        assert len({p.gamed for p in pairs}) == len(pairs)
        assert len({p.context for p in pairs}) == len(pairs)


def test_the_same_paraphrase_frame_counts_once_it_carries_their_content() -> None:
    frame = score_reply("paraphrase", "So what I'm hearing is that it's a problem, right?", _CARRIER)
    filled = score_reply("paraphrase", "So what I'm hearing is that the carrier switch doubled your late deliveries, right?", _CARRIER)
    assert filled.detected and not frame.detected


def test_one_stock_phrase_then_their_situation_is_empathy() -> None:
    result = score_reply("empathy", "I'm sorry — being charged twice with rent due Friday sounds really stressful.", _CHARGED)
    assert result.detected and result.reason is None
