"""Open questions that do not open with their question word.

`scoring.lexicon.OPEN_QUESTION` reads a question from its first word: "What's
driving this?", "How did that go?". People ask open questions in other shapes
too, and every coding scheme we measured still calls them open (issue 16: on
the tune halves, recall was the loss, P .96 / R .46-.57):

- after a false start or a lead-in, said or typed: "the question is, what were
  you planning?", "this is what -- what's in the paper?", "so-so what sort of
  things do you need?" (`embedded_open`, `collapse_restarts`);
- as a wish to hear, with no question mark: "I wonder what you make of that",
  "..., tell me about when you were diagnosed" (`asks_without_mark`);
- with a yes/no shell around the person's own thinking: "have you thought about
  how you might do that?", "do you have a sense of what worried her?"
  (`reflective_ask`): the answer is their account, not a yes;
- with where/which: a situation or a choice in their own words (`open_wh`);
  the narrow questions are quantities, times and people;
- with a narrow word, when it asks for their own view rather than a fact:
  "where would you like to start?", "which do you think matters most?"
  (`own_view`). Quantities stay narrow ("how much do you think you drink?" asks
  for a number; MI coders call it closed), and so do plain facts ("where did
  you copy it to?").

A question that opens as yes/no ("is that what you mean?", "do you see what I
mean?") stays closed whatever wh-word sits inside it: the shell decides what it
asks for. Patterns run on lower-cased sentences (scoring.text.normalise).
"""

from __future__ import annotations

import re

from scoring.lexicon import LEAD
from scoring.prefilter import Alternation

# "what-what", "so-so", "of-of": a word said twice across a hyphen in a transcript is one word.
_HYPHEN_REPEAT = re.compile(r"\b([a-z']+)(?:-\1\b)+")
# "whe-when", "i-i-it": a word cut off and started again, joined by a hyphen.
_CUT_PREFIX = re.compile(r"\b([a-z]+)-(?=\1)")

_AUX = r"(?:is|are|am|was|were|do|does|did|have|has|had|can|could|would|will|shall|should|may|might|must|isn't|aren't|don't|doesn't|didn't|haven't|hasn't|won't|wouldn't|can't|couldn't|shouldn't)"
_SUBJECT = r"(?:you|we|they|i|he|she|it|there|that|this|these|those|the|your|our|their|his|her|my|people|folks|things|anyone|everyone|somebody|someone)"
# Yes/no shells: the first word (after fillers) is an auxiliary, so the question asks for a yes or a no.
_YES_NO_SHELL = re.compile(r"^(?:(?:oh|ah|okay|ok|and|so|but|yeah|yes|right|well|um|uh|hmm|mm)[,\s]+)*" + _AUX + r"\b")
# A direct open question inside a longer line: an open wh-word followed by its inverted auxiliary
# and subject ("what were you", "how does it", "why would they", "what's"). Inversion is what a
# direct question looks like; "depends on what the activity is" or "you know what I mean" have none.
# "what happens", "what made": a wh-word that is itself the subject asks as directly without inversion
# ("if I move this parameter, what happens?").
# Only where it ends the line: "so you feel what happened was unfair?" is a free relative, not a question
# (read anywhere in the line, it cost ESConv's paraphrase .01, a restatement read as an open question).
_WH_SUBJECT_VERB = (
    r"(?:happens|happened|would happen|will happen|could happen|changed|changes|helps|helped|matters|went wrong|goes wrong)"
    r"(?: (?:next|then|now|there|here|after that|afterwards|to (?:you|them|him|her|it|that|this)|with (?:you|them|it|that|this)))?\s*\??$"
)
# "...and that's what has you furious?" is a cleft (a statement of what it is, checked back), not a
# question asking "what": a wh-word right after "that's"/"it's"/"this is" is never asked.
_EMBEDDED = re.compile(
    r"\b(?<!that's )(?<!that is )(?<!it's )(?<!it is )(?<!this is )(?<!which is )(?:what(?:'s|'re| " + _AUX + r" " + _SUBJECT + r"\b| " + _WH_SUBJECT_VERB + r")"
    r"|how(?!\s+(?:many|much|long|old|often|far|about|come)\b)(?:'s| " + _AUX + r" " + _SUBJECT + r"\b)"
    r"|why(?:'s| " + _AUX + r" " + _SUBJECT + r"\b)"
    r"|where(?:'s| " + _AUX + r" " + _SUBJECT + r"\b))"
)
# "why don't we...", "why not...": a suggestion dressed as a question, never open.
_SUGGESTING = re.compile(r"\bwhy (?:not|don't (?:we|you|i)|wouldn't (?:we|you))\b")

# A wish to hear that needs no question mark, anywhere after a clause break.
_INVITE = re.compile(
    r"(?:^|[,;:\u2014\u2013-]\s*|\b(?:so|and|but|well|now|okay|ok|yeah)\s+)"
    r"(?:i(?:'m| am)? wonder(?:ing)?|i(?:'m| am) curious)(?: about)? (?:what|how|why)\b(?=[^.?!]*\byou)"
    r"|(?:^|[,;:\u2014\u2013-]\s*|\b(?:so|and|but|well|now|okay|ok|yeah|just)\s+)"
    r"(?:tell (?:me|us)|remind me|talk (?:me|us) through|walk (?:me|us) through|help (?:me|us) understand)"
    r"(?: again)?(?: (?:a (?:little|bit|little bit|bit more)|some|more|a little more))?"
    r"(?: (?:about|of))? (?:what|how|why|when|where|who|about|your|you|the|that|this|more)\b"
)
# Asked of every sentence without a question mark: branch by branch (scoring.prefilter) 5.4 -> 1.6 µs a
# sentence over the dev file's replies.
_INVITE_OCCURS = Alternation(_INVITE)
# The question named and then asked, with or without inversion: "so i guess the question is where they go",
# "the question I have for you is, where would you start?". Narrow words stay narrow.
_OPEN_WORD = r"(?:what|why|where|which|how(?!\s+(?:many|much|long|old|often|far|about)\b))"
_NAMED_QUESTION = re.compile(
    r"\bquestion (?:(?:i have|i'd ask|i want to ask)(?: for you)? )?(?:is|was|would be|becomes)\b[,:]?(?: (?:i suppose|i guess|i think|really|then|just|simply|that i have for you is)[,:]?)*"
    r" " + _OPEN_WORD + r"\b"
)
# Asking them to tell, in so many words: "I need you to tell me a little more about your smoking history"
# ("I need you to tell me your date of birth" asks for a fact and does not count).
_TELL_ME = re.compile(
    r"\b(?:i (?:need|want)|i'd like|i would like|i'd love) you to (?:tell|talk|walk) (?:me|us)(?: through)?"
    r"(?: (?:a little bit more|a little bit|a little more|a bit more|a little|a bit|some|more))?(?: (?:about|of) \w| (?:what|how|why)\b)"
)
# A condition and its question, typed or transcribed without the mark: "if we move it, what happens then".
_IF_WHAT_HAPPENS = re.compile(
    r"\bif\b.{3,}\bwhat (?:happens|would happen|will happen|changes|would change)(?: then| next| now| to (?:us|you|them|it|that|this))?\s*[?.]?$"
)
# A wish to hear, said as a statement: "I wanted to check in with you and see how tai chi went",
# "I'd love to hear what you make of it".
_WISH_TO_HEAR = re.compile(
    r"\bi(?:'d| would) (?:like|love|be (?:interested|curious|keen)) to (?:\w+ )?(?:hear|know|understand|learn|find out|see)(?: more)?(?: about)? "
    + _OPEN_WORD
    + r"\b"
    r"|\bi(?:'m| am)? (?:want(?:ed)?|hop(?:ed|ing)|(?:interested|curious|keen)) to (?:\w+ )?(?:hear|understand|learn|find out|see)(?: more)?(?: about)? "
    + _OPEN_WORD
    + r"\b"
    r"|\bcheck in(?: with you)? (?:and|to) (?:see|hear|find out) " + _OPEN_WORD + r"\b"
)
# A yes/no shell around their own thinking: the answer is their account.
_REFLECTIVE = re.compile(
    r"\b(?:have you (?:\w+ )?(?:thought|wondered)(?: at all| much)? (?:about|of) (?:how|what|why|where|which)"
    r"|do you have (?:a|an|any|some) (?:sense|idea|ideas|thoughts?|feeling|picture|hunch)(?: (?:of|about|on|as to|for))? (?:how|what|why|where|which)"
    r"|(?:can|could|would) you (?:say|share|tell (?:me|us)) (?:a (?:little|bit) )?(?:more )?(?:about )?(?:how|what|why)"
    r"|(?:can|could) you (?:recall|remember|think (?:of|back to)|picture|describe) (?:a time|times|a moment|an example|a situation|when|what|how))\b"
)
# "Anything else?", "anything I forgot?", "anything you'd like to add?": an open floor, whatever they
# choose to put on it (MI's and the meeting coders code it open; tune annomi .677 -> .683, mrda .727 ->
# .745). Put in a yes/no shell ("Is there anything else you'd like to talk about?") it stays closed:
# ESConv's coders read that as winding down (tune .99 -> .91 when it counted). "Want to talk about it?"
# was measured too and dropped: nothing on the tune halves, EPITOME held -.01.
_MORE = re.compile(
    LEAD
    + r"(?:anything|something) (?:else|i (?:missed|forgot|left out)|you(?:'d| would)? (?:like|want|wanna) to (?:say|add|tell|share|talk))\b"
)
# "How about your family?": a topic opened for them to talk about; "any reason you stopped?" asks why.
# A "how about" that names an action ("how about an email?", "how about trying...") is a suggestion.
_TOPIC_OPENER = re.compile(
    LEAD
    + r"(?:how about (?:your|yours|his|her|their|them|those|then|in terms of|for you|on your end|at home|at work)|any (?:particular |specific )?reason (?:why|for|you|this|that|it))\b"
)
# Chat questions typed without the apostrophe or the mark: "whats up man", "hows the new job".
_CHAT_ASK = re.compile(LEAD + r"(?:whats|hows|wats|wat|wut|whys) \w")
_OPEN_WH = re.compile(LEAD + r"(?:where|which|where's)\b")
# "How much worse is it?", "how much does that bother you?": a degree, asked like "how hard is it?", not a count.
# "How much do you drink?" and "how many warehouses?" ask for a number and stay narrow (MI coders: closed).
_DEGREE = re.compile(
    LEAD + r"how (?:much|many|far) (?:\w+er|more|less|worse|better|fewer|of (?:a|an|the|that|this|it|your)"
    r"|(?:does|did|has) (?:\w+ ){1,5}?(?:matter(?:ed)?|bother(?:ed)?|affect(?:ed)?|worr(?:y|ied)|help(?:ed)?|hurt|mean|upset|weigh(?:ed)? on)"
    r"|do you (?:care|want|mind|miss|need|trust|like|enjoy|worry|value))\b"
)
_WHY_ALONE = frozenset([("why",), ("how", "so"), ("how", "come"), ("why", "so"), ("in", "what", "way")])
# "How long have you been feeling like this?", "how often does it happen?": how long or how often their
# feeling or trouble has gone on opens the story of it (held EPITOME and MRDA up, AnnoMI unchanged). The
# span of a fact or a habit stays narrow: "how long have you been with them?", "how long have you been
# doing that?" (MI coders: closed).
_FEELING_SPAN = re.compile(
    LEAD + r"how (?:long|often) (?:have|had|has|do|does|did) (?:you|things|it|this|that)(?: \w+)?(?: been)?"
    r" (?:feel\w*|felt|deal\w*|struggl\w*|suffer\w*|going through|been going on|been like|been happening|happen\w*"
    r"|(?:been )?(?:depressed|anxious|lonely|sad|down|stressed|worried|scared|angry))\b"
)
# A narrow word that asks for their own view: "where would you like to start?"
_OWN_VIEW = re.compile(
    LEAD + r"(?:where|which|who|whom|whose|when)\b(?: \w+){0,3}? (?:would|do|will|could|might|are)"
    r" you (?:\w+ )?(?:think|feel|see|want|like|prefer|imagine|suppose|say|reckon|picture|hope|expect|wish|thinking|feeling|hoping|planning|wanting)\b"
)


# A question the speaker asks of themselves ("Why am I so unlucky?", "Why me?") or a rebuke ("How dare
# you...?"): nothing in it invites the other person to tell their story. Only "why ... I": "what do I
# do with the logs?" and "how should I start?" ask the others for their account (MRDA tune .745 -> .708
# and ESConv .990 -> .979 when every wh-word with "I" was read as self-directed).
_SELF_DIRECTED = re.compile(
    LEAD
    + r"(?:why (?:on earth |the hell )?(?:am|was|do|did|can't|couldn't|don't|didn't|must|should) i\b|why (?:always |only )?me\b|how dare\b)"
)


def self_directed(asked: str) -> bool:
    """ "Why am I like this?", "How dare you?": asked of oneself or at them, not inviting their account."""
    return bool(_SELF_DIRECTED.match(asked))


def open_wh(asked: str) -> bool:
    """A where/which question (a situation or a choice, named in their own words), a degree ("how much
    does it bother you?") or the span of their feeling or trouble ("how long have you felt like this?").

    The catalog's narrow questions are quantities, times and people ("how many", "when", "who").
    Measured on the tune halves: reading where/which as open moved open_question kappa MRDA .65 -> .70,
    EPITOME .46 -> .47, AnnoMI .66 -> .66; "when" as well cost AnnoMI .04 (MI coders call a date
    closed). "How much worse...?", "how much does it bother you?" ask a degree, like "how hard is it?",
    and count too (round 5: held EPITOME .459 -> .466, no source lower); a count stays narrow. "who"
    asks for a name, a fact like a date: it stays narrow, which also keeps "So the close is the pain.
    Who else is involved?" a paraphrase (an open question costs paraphrase 0.1).
    """
    return bool(_OPEN_WH.match(asked) or _DEGREE.match(asked) or _FEELING_SPAN.match(asked))


# Words a bare question is made of: "What? Why? How? What else? Where?" asks nothing in particular.
_BARE_WH_WORDS = frozenset(
    [
        "what",
        "why",
        "how",
        "where",
        "when",
        "who",
        "whom",
        "whose",
        "which",
        "else",
        "so",
        "come",
        "not",
        "then",
        "now",
        "exactly",
        "really",
        "huh",
        "one",
    ]
)


def bare_wh(words: tuple[str, ...]) -> bool:
    """A question of one or two question words and nothing else ("What?", "What else?", "How so?")."""
    return 0 < len(words) <= 2 and words[0] in _BARE_WH_WORDS and all(w in _BARE_WH_WORDS for w in words)


def asks_why(words: tuple[str, ...]) -> bool:
    """ "Why?", "How so?", "How come?": a question of one or two words that still asks them to explain."""
    return words in _WHY_ALONE


def collapse_restarts(low: str) -> str:
    """A transcribed line with hyphen-joined repeats said once: "so-so what-what" -> "so what", "whe-when" -> "when"."""
    return _CUT_PREFIX.sub("", _HYPHEN_REPEAT.sub(r"\1", low))


def embedded_open(asked: str) -> bool:
    """A direct open question after a false start or a lead-in, in a line that is not a yes/no shell."""
    if _YES_NO_SHELL.match(asked) or _SUGGESTING.search(asked):
        return False
    found = _EMBEDDED.search(asked)
    return found is not None and found.start() > 0


def asks_without_mark(low: str) -> bool:
    """A wish to hear ("I wonder what...", "..., tell me about...") asks even without a question mark."""
    return bool(
        _INVITE_OCCURS.occurs(low)
        or _NAMED_QUESTION.search(low)
        or _WISH_TO_HEAR.search(low)
        or _CHAT_ASK.match(low)
        or _IF_WHAT_HAPPENS.search(low)
        or _TELL_ME.search(low)
    )


def reflective_ask(asked: str) -> bool:
    """A yes/no shell around the person's own thinking: "have you thought about how you might...?"."""
    return bool(_REFLECTIVE.search(asked))


def invites_more(asked: str) -> bool:
    """ "Anything else?", "how about your family?": an open floor, or a topic opened for them."""
    return bool(_MORE.match(asked) or _TOPIC_OPENER.match(asked))


def own_view(asked: str) -> bool:
    """A when/where/which/who question that asks for their view, not a fact."""
    return bool(_OWN_VIEW.match(asked))
