"""Filler words, counted from the transcript the way a coach with a clicker would.

Hesitation sounds (um, uh, er, ...) always count. Verbal fillers count only in
their filler use: "like" is a filler in "it's, like, expensive" but not in
"I'd like a demo"; "you know" and "I mean" count unless they are the real
thing ("do you know who signs?", "what I mean is").
"""

from __future__ import annotations

import re

HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "hmm", "mm", "mhm"})
PHRASES = (("you", "know"), ("i", "mean"))
WORD_FILLERS = frozenset({"basically", "literally"})
#: "like" after these is a verb or comparison ("I like", "would like", "looks like"), not a filler.
_LIKE_NOT_FILLER_AFTER = frozenset({
    "i", "you", "we", "they", "he", "she", "would", "i'd", "we'd", "you'd", "they'd", "do",
    "don't", "did", "didn't", "does", "doesn't", "feel", "feels", "felt", "look", "looks",
    "looked", "sound", "sounds", "sounded", "seem", "seems", "just", "really", "also",
    "something", "anything", "nothing", "things", "more", "most", "much", "not", "is", "was",
    "be", "a", "the", "people", "customers", "teams", "might", "will", "to", "'d",
})
#: "you know" / "I mean" after these is a real question or statement ("do you know who...").
_PHRASE_NOT_FILLER_AFTER = frozenset({"do", "did", "don't", "didn't", "if", "as", "would", "will", "what", "that"})
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def find_fillers(text: str) -> list[str]:
    """Each filler occurrence, in order of appearance."""
    words = tokens(text)
    found: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        pair = tuple(words[i:i + 2])
        if pair in PHRASES:
            if i == 0 or words[i - 1] not in _PHRASE_NOT_FILLER_AFTER:
                found.append(" ".join(pair))
            i += 2
            continue
        if w in HESITATIONS or w in WORD_FILLERS:
            found.append(w)
        elif w == "like" and (i == 0 or words[i - 1] not in _LIKE_NOT_FILLER_AFTER) and i + 1 < len(words):
            # A trailing "like" ends a comparison ("feels like") more often than not; skip it.
            found.append(w)
        i += 1
    return found
