"""Issue 16, round 2: phrasings other coders count that the scorer missed, each with its gamed twin.

For every pattern added in this round: an honest reply tied to the other person's line is detected,
and a stock or content-free variant built from the same words is not. All texts are written for this
test; none come from a labelled corpus.
"""

from __future__ import annotations

import pytest

from scoring import score_reply

_WORK = "My manager keeps adding projects and I can't sleep, I'm so stressed about the Friday deadline."
_DOG = "My dog died last week and I still can't stop crying about it."
_ORDER = "I was charged twice for my order and nobody answers my emails."
_JOBS = "I've been applying for jobs for six months and I keep getting rejected; I'm starting to think something is wrong with me."
_SISTER = "My sister keeps borrowing money and never pays it back, and now she wants another $500."
_TEAM = "The new carrier keeps losing parcels and the team is drowning in complaints."

# (behavior, context, honest reply, gamed or stock variant of the same move)
PAIRS = [
    # A first-person acknowledgement keeps counting when advice follows it.
    ("empathy", _WORK,
     "I'm sorry the deadline is keeping you up. Have you talked to your manager about the extra projects?",
     "I'm sorry to hear that. I understand. That must be hard. I can imagine. I hear you. Have you talked to someone?"),
    ("empathy", _WORK,
     "I'm so sorry, a Friday deadline on top of new projects sounds exhausting. Try to block an hour tomorrow for it.",
     "So sorry. Sounds exhausting. I understand. That must be tough. I feel for you. Try something."),
    ("empathy", _ORDER,
     "We apologize for the double charge on your order, and for the silence on your emails.",
     "We apologize. We apologize for the inconvenience. Sorry about that. I understand. I hear you."),
    # "Sounds like a rough week" acknowledges what they went through.
    ("empathy", _WORK,
     "Sounds like a really rough week with the deadline and the new projects.",
     "Sounds like a rough week. Sounds like a nightmare. That's hard. I understand. So sorry."),
    # The shortest acknowledgements chat listeners give.
    ("empathy", _DOG,
     "That's too bad about your dog, I'm so sorry he's gone.",
     "That's too bad. How awful! Sad to hear that. My condolences. That's a shame."),
    ("empathy", _DOG,
     "How awful, losing your dog only last week. It's okay to cry about him.",
     "How awful! How sad! That's unfortunate. Sad to hear. My condolences."),
    # Acknowledgements as service agents say them.
    ("empathy", _ORDER,
     "I know it's been a rough few days chasing a double charge with no reply to your emails.",
     "I know this isn't easy. That's no fun. That would make me feel awful too. I understand. Sorry."),
    # An apology for oneself does not hide the acknowledgement that follows it.
    ("empathy", _DOG,
     "Sorry for the late reply, losing your dog last week sounds awful.",
     "Sorry for the late reply. Sorry, I don't understand. Sorry to bother you."),
    # Being there for them.
    ("empathy", _DOG,
     "I'm here for you if the evenings without your dog get too quiet.",
     "I'm here for you. I care about you. I feel for you. I understand. I hear you."),
    # Reflections: the person's inner state or recent experience, said back in the second person.
    ("paraphrase", _WORK,
     "You feel overwhelmed because your manager keeps piling on projects before the deadline.",
     "You feel that. You feel what you feel. You've been feeling it, right?"),
    ("paraphrase", _WORK,
     "You've been losing sleep over the Friday deadline.",
     "You've been saying that. You're thinking what you're thinking, right?"),
    ("paraphrase", "I just eat whatever, I never really thought about what's in it.",
     "Yeah, you're not really thinking about what goes into your meals?",
     "Yeah, you're saying what you said, right?"),
    # A reflection may name their state in one word.
    ("paraphrase", _SISTER, "It sounds like you feel used.", "It sounds like you feel it. You feel that, right?"),
    ("paraphrase", _SISTER, "You sound fed up with it.", "You sound like that. You seem like that, right?"),
    # Reflections of doubt and hard times.
    ("paraphrase", _JOBS,
     "You're starting to doubt yourself after six months of rejections.",
     "You're starting to say what you're saying, right?"),
    # Normalising and worth statements answer "something is wrong with me"; a run of stock comfort does not.
    ("reassurance", _JOBS,
     "Six months of rejections is normal in this market, and it's not a verdict on you.",
     "It's not you. Nothing is wrong with you. Everyone goes through this. It's normal. You have a lot to offer."),
    ("reassurance", _JOBS,
     "Rejections from big firms don't mean something is wrong with you; they get hundreds of applications for each job.",
     "Don't worry. You'll be fine. It's going to be okay. You've got this."),
    # Proposals in the first person plural and hedged advice.
    ("suggestion", _TEAM,
     "We should move the complaints queue to the Tuesday rota until the carrier is replaced.",
     "We should. We might as well. It would be good to. You should, you could, you might."),
    ("suggestion", _TEAM,
     "It would be interesting to run a week with the old carrier on the northern routes and compare losses.",
     "It would be interesting to do something. Maybe. Perhaps. We might as well do stuff."),
    # Advice said as a general truth about an action.
    ("suggestion", _WORK,
     "Setting a boundary with your manager about new projects before Friday is important.",
     "Doing things is important. Trying is key. Working on it is essential."),
    # "It might be time to …", and saying no as advice.
    ("suggestion", _SISTER,
     "It might be time to set a limit with your sister before lending her the $500.",
     "It might be time to do something. Maybe. Perhaps. It's time to think."),
    ("suggestion", _SISTER,
     "Perhaps lend her a smaller amount, and only once the last loan is paid back.",
     "Say no. Lend. Refuse. Decline. Say yes."),
    # A wider run of imperatives, and "I think just …".
    ("suggestion", _WORK,
     "Embrace the new projects for now, and ask your manager which one can slip past Friday.",
     "Embrace it. Accept it. Chill. Learn. Embrace. Accept it all."),
    ("suggestion", _WORK,
     "I think just tell your manager on Monday that the Friday deadline can't hold with the new projects.",
     "Just tell. Just ask. Just call. Just write. Just go."),
]


@pytest.mark.parametrize(("behavior", "context", "honest", "gamed"), PAIRS)
def test_honest_reply_detected_and_gamed_twin_not(behavior: str, context: str, honest: str, gamed: str) -> None:
    h = score_reply(behavior, honest, context)
    g = score_reply(behavior, gamed, context)
    assert h.detected, (honest, h.score, h.reason)
    assert not g.detected, (gamed, g.score)
    assert g.score < h.score


# Precision: what the new patterns must not take for the behavior.
NOT_DETECTED = [
    # A feeling as the object of help, or a prediction, names nobody's feeling now.
    ("empathy", _WORK, "Practicing mindfulness and going for a short walk can help with your stress."),
    ("empathy", _WORK, "Study a little each day, and the less stressed you will feel on Friday."),
    ("empathy", _ORDER, "I'm sorry, but we can't refund it until the bank confirms."),
    # Apologising for oneself acknowledges nothing of theirs.
    ("empathy", _DOG, "Sorry for the late reply."),
    ("empathy", _DOG, "Sorry, I don't understand."),
    ("empathy", _DOG, "Sorry to bother you, but can I ask something?"),
    # A greeting with "appreciate" is not an imperative.
    ("suggestion", "", "Hi, I'm Kathy. Appreciate you coming in today."),
    # "We have to" describes as often as it proposes.
    ("suggestion", _TEAM, "We have to deal with the same carrier every day."),
    # "You should be proud" affirms; it proposes nothing.
    ("suggestion", _WORK, "You should be proud of how much you've carried this month."),
]


@pytest.mark.parametrize(("behavior", "context", "text"), NOT_DETECTED)
def test_new_patterns_keep_precision(behavior: str, context: str, text: str) -> None:
    result = score_reply(behavior, text, context)
    assert not result.detected, (text, result.score)
