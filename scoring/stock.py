"""Stock phrases counted by clause: empathy salads and praise stacks in any shape.

The well-formedness gate (scoring.wellformed) used to count the *sentences*
that fired a sympathy or comfort pattern. A salad written as one sentence ("I'm
so sorry, I totally understand, that sounds really hard and I can only imagine
how you feel.") fired once and passed at 100. Here the unit is the clause: a
stretch between commas, semicolons, dashes or a joining "and"/"but". Each
clause that carries a stock phrase counts once, however the reply is
punctuated.

A praise stack ("That's amazing, great job, wonderful!") is the reassurance
twin: two or more praise words and nothing of what they did. Affirming a
specific strength or choice ("great job moving the review up a week") carries
their content and is not a stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scoring import lexicon as lx
from scoring.text import Sentence, stem

# Where one stock phrase ends and the next begins inside a sentence. "and"/"but"/"so" only join
# clauses when a subject or a stock opener follows: "sorry and it sounds hard" splits, "trains and
# buses" does not (a clause without a pattern in it counts for nothing anyway).
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:]|\s[-\u2013\u2014]+\s|\.{2,}|\s(?:and|but|so|plus)\s(?=(?:i|i'm|i've|it|it's|that|that's|this|you|you're|my|we|what|how|so|really)\b))\s*")

# The patterns that make up stock sympathy and comfort, read the way scoring.signals reads them.
_EMPATHY_PATTERNS: tuple[re.Pattern[str], ...] = (lx.SYMPATHY, lx.ACKNOWLEDGEMENT, lx.FEELING_REFLECTION, lx.VALIDATION, lx.REASSURANCE, lx.SUPPORT_OFFER)
_REASSURANCE_PATTERNS: tuple[re.Pattern[str], ...] = (lx.REASSURANCE,)

# One unit of praise. "Well done", "way to go" and "good for you" are one unit each, not two words.
_PRAISE_UNIT = re.compile(
    r"\b(?:well done|way to go|good for you|nice one|hats off|kudos|bravo|yay|wow|woo+(?:hoo+)?|congrat\w*|amazing|awesome|wonderful|fantastic|terrific|excellent|brilliant|great|superb|incredible|outstanding|stellar|phenomenal|fabulous|marvell?ous|perfect|impressive|proud|remarkable|spectacular|inspiring|legend(?:ary)?|superstar|rock ?star|champ(?:ion)?"
    # generic strengths, stock when stacked with nothing of theirs: "you're so strong and brave and capable"
    r"|strong|brave|capable|resilient|talented|special|smart|beautiful|inspiration(?:al)?)\b"
)
# Praise with the noun it praises ("great job", "amazing work", "keep it up"): taken out whole, so
# "working for yourself is great" keeps "working" as what is affirmed.
_PRAISE_PHRASE = re.compile(_PRAISE_UNIT.pattern + r"(?: (?:job|work|effort|efforts|stuff|one|going|news))?|\b(?:keep (?:it|that) up|keep going|nice (?:job|work))\b")
# Words around praise that say nothing of what the person did: "that's amazing, great job, so proud
# of you, amazing work!" is all frame.
PRAISE_FRAME = frozenset(
    stem(w)
    for w in ["good", "nice", "super", "totally", "absolutely", "truly", "seriously", "simply", "honestly", "incredibly", "massive", "huge", "big",
              "fan", "love", "loved", "best", "ever", "thing", "things", "person", "people", "yes", "yeah", "wonderfully", "amazingly", "brilliantly",
              "fantastically", "hats", "off", "rock", "star"]
)


def clauses(sentence: Sentence) -> list[str]:
    """The sentence's lower-cased clauses, in order, empty ones dropped."""
    return [c for c in _CLAUSE_BREAK.split(sentence.lower) if c.strip()]


def _stock_clauses(sentences: Iterable[Sentence], patterns: tuple[re.Pattern[str], ...]) -> int:
    count = 0
    for s in sentences:
        for clause in clauses(s):
            spelled = lx.spell_out_chat(clause) if lx.CHAT_SHORTHAND.search(clause) else clause
            if any(p.search(spelled) for p in patterns):
                count += 1
    return count


def sympathy_clauses(sentences: Iterable[Sentence]) -> int:
    """How many clauses carry a sympathy, feeling, validation or comfort phrase."""
    return _stock_clauses(sentences, _EMPATHY_PATTERNS)


def feeling_clauses(sentences: Iterable[Sentence]) -> int:
    """How many clauses carry a sympathy or comfort phrase, or talk about feelings at all ("emotions are hard")."""
    return _stock_clauses(sentences, (*_EMPATHY_PATTERNS, lx.EMOTION))


def comfort_clauses(sentences: Iterable[Sentence]) -> int:
    """How many clauses carry a comfort or affirmation phrase."""
    return _stock_clauses(sentences, _REASSURANCE_PATTERNS)


def praise_units(text_lower: str) -> int:
    """How many separate bits of praise the reply stacks up."""
    return len(_PRAISE_UNIT.findall(text_lower))


def without_praise(text_lower: str) -> str:
    """The text with its praise phrases taken out: what is left is what they are praised for."""
    return _PRAISE_PHRASE.sub(" ", text_lower)
