"""Restatements that do not open with a paraphrase frame.

`scoring.lexicon.RESTATEMENT` knows the frames ("so what I'm hearing is", "it
sounds like", "you're saying"). Coders in other schemes (MI reflections,
MRDA's summaries and understanding checks, EPITOME's interpretations) also
credit the other person's point said back without one (issue 16, tune halves:
paraphrase recall .2-.4):

- more frames: "what I hear is", "your point is", "as I understand it", "it
  doesn't sound like", and playing details back to be confirmed: "please
  confirm: a table for 2 on March 1st", "to verify: ..." (`FRAME`);
- a statement said as a question that carries their words: "those are the NSA
  meetings?", "sum the differences?" (`checks_their_words`);
- a recap that opens with "so" and carries their words: "okay, so she dropped
  you off here today", "so timit's hand-labelled" (`so_recap`);
- a short echo that is mostly their words: "And it's fun." after "and it's
  fun" (`echo`). MI calls this a simple reflection.

Round 4 (issue 16) added, each kept only when no source's held half went
down (`benchmarks/scoring_accuracy.py --split held`):

- the frames a coach teaches that the lexicon missed ("let me recap / play
  that back", "you're basically saying", "if I've got this right", "my sense
  is that you...", "your main worry is", "I assume you're...") (`_MORE_FRAMES`);
- a statement said as a question with one word of content ("those would be
  the handhelds?"), or a guess left open ("for announcements and things?")
  (`checks_their_words`, `hedged_check`);
- a "so" recap about them that opens the reply, when their last line was only
  "Yeah." (`recap_about_them`); MI's double-sided reflection (`two_sided`) and
  reflection of meaning ("your family's important to you", `means_to_them`);
- a service read-back of their order ("Booking 2 tickets for ... on March
  10th") (`read_back`).

Tried and dropped, because a held half went down: statements said as
questions from the "so/you/it's/the" branch of `scoring.signals` (MRDA up,
AnnoMI down .02), "you worked with p files" (their own past: MRDA up, AnnoMI
down), shared experience ("I've been lonely too": EPITOME +.014, ESConv -.03,
whose coders call it self-disclosure), advice excluded from mirrored
sentences (EPITOME down).

Every one of these needs the other side's content words (stemmed, from
`scoring.signals.content_stems`) except the frames, and the paraphrase gate in
`scoring.wellformed` still requires content for those, not counting the
frame's own words (`frame_words`): a frame with nothing of theirs in it, and a
run of their keywords said as a question (`keyword_run`), never count.
"""

from __future__ import annotations

import re

from scoring import lexicon as lx
from scoring.lexicon import LEAD
from scoring.prefilter import Alternation
from scoring.text import stem

FRAME = re.compile(
    r"\b(?:what i(?:'m| am)? hear(?:ing)? (?:is|you)|(?:your|the) (?:main )?point (?:is|being|was)\b|what you(?:'re| are| were)? (?:saying|describing|getting at|telling me|asking) (?:is|was)"
    r"|^(?:\w+[,.]? )?(?:please |can you |could you |kindly |just )?(?:check and )?(?:confirm|verify|double-check)(?:ing)?\b|\b(?:to|let me|let's|let us|i'd like to|i want to|i'll) (?:confirm|verify|double-check|read (?:that|it|this) back)\b|^confirming\b"
    # service read-backs: "I need your confirmation to book 2 tickets...", "please give confirmation details: ..."
    r"|\b(?:need|want|have|get) your confirmation\b|\bconfirmation details\b"
    r"|as i understand (?:it|you|that)|if i understand (?:it|you|that)|what i think you(?:'re| are)? (?:did|mean|meant|said|saying|want|wanted)"
    r"|that's what you(?:'re| are| were)? (?:saying|describing|talking about|getting at|meant|mean)"
    r"|(?:it |that |this )?(?:doesn't|does not|didn't|did not) (?:sound|seem) (?:like|as if|as though)"
    r"|(?:it |that )?sounds (?:kind of |kinda |a (?:little|bit) )?(?:similar|like what)|you(?:'re| are) (?:just |really |basically |actually |still )?(?:kind of |kinda |sort of )?(?:talking about|describing|referring to)"
    # "so we're talking about spending 50 a week", "i mean we're talking about anything that requests a location"
    r"|^(?:(?:oh|ah|okay|ok|right|yeah|and|so|i mean|well|um|uh|hmm|mm)[,.\s]+)*we(?:'re| are) (?:just |really |basically |actually )?(?:kind of |kinda |sort of )?talking about\b"
    # "I also am hearing that you...", "if I can summarize, ...", "your your point is" (transcribed stutter)
    r"|\bi(?:'m| am)? (?:also |still |really )?(?:am )?hearing (?:that|you)\b|\bif i (?:can|could|may|might) (?:summari[sz]e|sum (?:it |that |this )?up|recap)\b|\b(?:your )+point (?:is|being|was)\b)"
)
# Canonical frames the lexicon misses: "you're basically saying", "let me play that back", "am I right in
# thinking", "if I've got this right", "the way I understand it", "your main worry is that", "what you need is".
_MORE_FRAMES = re.compile(
    r"\byou(?:'re| are) (?:basically |essentially |really |just |actually )saying\b|\b(?:play|read|feed|reflect|say|give) (?:that|it|this) back\b"
    r"|\bjust so i (?:understand|get (?:it|this|that) right)\b|\bto make sure i (?:understand|got|get|have|heard)\b|\bwhat i(?:'m| am) taking away\b"
    r"|\b(?:it )?seems to me\b|\bsounds as (?:if|though)\b|\bam i hearing (?:you )?(?:correctly|right)\b|\bam i right in thinking\b"
    r"|\b(?:have|did) i (?:got|get|understood|understand) (?:that|this|it|you) (?:right|correctly)\b|\bif i(?:'ve| have)? (?:got|understood) (?:this|that|it|you) (?:right|correctly)\b"
    r"|\bthe way i understand (?:it|this|that)\b|\byour (?:main |biggest |real |key |big |only )?(?:worry|concern|fear|priority|goal|frustration) (?:is|was|being)\b"
    r"|\bwhat you(?:'re| are)? (?:need|want|mean|looking for|hoping for|worried about|care about)(?:ing)? (?:is|was)\b"
    # "from what I've read, it does seem that you...", "I assume you're taking it seriously?"
    r"|\b(?:it|that) does (?:seem|sound) (?:like|that|as if)\b|\bfrom what (?:i've|i have|i) (?:read|heard|gathered|understood|understand)\b|\bi (?:assume|take it) (?:that )?(?:you|your)\b"
)
# "My sense is...", "I get the impression...": a reflection when it is about them ("...that you're torn"),
# an opinion when it is not ("my sense is we'll work well together").
_SENSE = re.compile(r"\b(?:my (?:sense|impression|understanding) is|i (?:get|have|'ve got|got) the (?:sense|impression))\b(?=.*\b(?:you|your|you're|you've)\b)")
# "Let me recap: ...": the speaker's own move, not an instruction to them.
LET_ME_RECAP = re.compile(r"^(?:(?:so|and|but|ok|okay|well|oh|right|alright|yeah|hmm|um|uh)[,.!:;\s-]+)*(?:let me|let's|let us) (?:recap|summari[sz]e|sum (?:it |that |this )?up|make sure|see if|check (?:that|if|i)|repeat|play|read|reflect|feed|say (?:that|it|this) back|confirm|double-check|verify|rephrase|paraphrase|restate)\b")
_AUX_OR_WH = re.compile(
    LEAD + r"(?:(?:till|until|to|for|from|in|on|at|by|with|since|and|but|or) )?(?:(?:is|are|am|was|were|do|does|did|have|has|had|can|could|would|will|shall|should|may|might|must|isn't|aren't|don't|doesn't|didn't|haven't|hasn't|won't|wouldn't|can't|couldn't|shouldn't)\b"
    r"|(?:what|how|why|when|where|who|which|whose|whom)\b|(?:any|anything|anyone|anybody)\b)"
)
_STATES_SOMETHING = re.compile(
    r"^(?:(?:oh|ah|okay|ok|right|yeah|and|but|so|then|well|um|uh|hmm|mm|mm-hmm|i see|which means|that means|so that means|i take it|i guess|i assume|i gather|i suppose)[,\s]+)*"
    r"(?:you|you're|you've|you'd|you'll|your|he|he's|she|she's|they|they're|they've|their|it|it's|that|that's|this|these|those|there|there's|the|we|we're|our|something|someone|somebody|everything|nothing|everyone|everybody)\b"
)
# A wh-phrase left in place still asks ("that's changed over what period of time?", "to what extent is
# it hurt?"); a wh-word opening a clause of theirs does not ("so other people edit what you say?").
_WH_IN_PLACE = re.compile(r"\b(?:over|in|at|to|for|from|by|on|of|with|about|and|or) (?:what|which|whose|whom)\b|\b(?:what|which|how) (?:\w+ )?(?:extent|period|kind|sort|type|degree|level|much|many|long|often)\b|\bor what\W*$")
# The speaker's own plan said as a question ("we'll recheck it then, sound okay?") restates nothing of theirs.
_OWN_PLAN = re.compile(r"^(?:(?:oh|ah|okay|ok|right|yeah|and|but|so|then|well|um|uh|hmm|mm)[,\s]+)*(?:we|we'll|we're going|we'd|let's|i'll|i'm going to|i'd)\b")
_TAG = re.compile(r",? (?:isn't|doesn't|don't|aren't|wasn't|weren't|didn't|won't|wouldn't|can't|hasn't|haven't|shouldn't|is|does|do|are|was|did|will|would|can|has|have) (?:it|that|this|you|they|he|she|there|we|i)\W*$")
# "so" opening a recap, and the openings after it that make a plan, an offer or a question instead.
_SO = re.compile(r"^(?:(?:oh|ah|okay|ok|right|yeah|and|alright|all right|mm-hmm|mm|hmm|uh|um|i see)[,\s]+)*so,?\s+(?!(?:i |i'll|i'm|i'd|i've|let's|let me|we'll|we should|maybe|perhaps|anyway|yeah|ok|okay|what|how|why|when|where|who|which|can|could|would|will|should|do|does|did|is|are|please|try|just|if)\b)")
# An echo is about them: a sentence with the speaker in it ("I would hug you", "hope you have...") is not.
_SPEAKER = frozenset(["i", "i'm", "i've", "i'll", "i'd", "me", "my", "mine", "we", "we're", "we'll", "we've", "us", "our", "let's", "hope", "wish", "happy", "congrats", "congratulations"])
# Words that make a run of their keywords a sentence ("and it's fun", "still can't stop crying").
_GRAMMAR = frozenset(["a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "about", "is", "are", "was", "were", "be", "been", "it", "it's", "that", "that's", "this", "you", "your", "you're", "you've", "they", "they're", "he", "she", "he's", "she's", "can't", "don't", "didn't", "won't", "isn't", "not", "no", "still", "just", "really", "have", "has", "had", "do", "does", "did", "can", "could", "would", "will"])
# A "check" that is three-quarters their keywords ("The scanners forklifts racks?") states nothing.
KEYWORD_RUN_SHARE = 0.75
_TAIL_STEMS = frozenset(stem(w) for w in ["something", "things", "thing", "stuff", "whatever", "anything", "kind", "sort", "such"])
ECHO_MIN_WORDS = 3  # "Good." after "I'm good, thanks" answers; it does not reflect
ECHO_MAX_WORDS = 12
ECHO_SHARE = 0.6
# Against a long post (a forum thread, several turns) one shared word is chance, not a restatement:
# beyond this many content words on their side, two of their words must come back.
LONG_CONTEXT = 30


def _shared_enough(stems: set[str], ctx: frozenset[str]) -> bool:
    return len(stems & ctx) >= (2 if len(ctx) > LONG_CONTEXT else 1)


# Asked of most sentences, only whether they occur: branch by branch (scoring.prefilter) FRAME took 9.4 ->
# 1.5 µs a sentence over the dev file's replies, _MORE_FRAMES 3.2 -> 1.8.
_FRAME_OCCURS = Alternation(FRAME)
_MORE_FRAMES_OCCUR = Alternation(_MORE_FRAMES)


def frame(low: str) -> bool:
    """A paraphrase frame the lexicon does not list ("what I hear is", "your point is")."""
    return bool(_FRAME_OCCURS.occurs(low) or _MORE_FRAMES_OCCUR.occurs(low) or _SENSE.search(low))


def keyword_run(words: tuple[str, ...], stems: set[str], ctx: frozenset[str]) -> bool:
    """Their keywords strung together as a "question" ("The scanners forklifts racks?"): nothing is stated.

    Two or more words, all of them theirs, and hardly anything else ("...or something?" aside). A check
    that adds a word of its own ("action planning meaning discourse modeling?") or names one thing
    ("Forklifts?") is not this.
    """
    stems = stems - _TAIL_STEMS
    return len(stems) >= 2 and stems <= ctx and len(stems) >= KEYWORD_RUN_SHARE * len(words)


def checks_their_words(asked: str, stems: set[str], ctx: frozenset[str]) -> bool:
    """A statement said as a question (not yes/no, not wh) that carries at least one of their words."""
    if _AUX_OR_WH.match(asked) or keyword_run(tuple(_HEDGED_TAIL.sub("", asked).split()), stems, ctx):
        return False
    if _shared_enough(stems, ctx):
        return True
    # In other words than theirs, it still checks understanding when it states something whole about
    # them or their situation ("so something dramatic happened?", "I take it you two were close?");
    # a fragment ("snort it, smoke it?") or a tag question ("..., doesn't that concern you?") asks instead.
    if not stems or not _STATES_SOMETHING.match(asked) or _TAG.search(asked):
        return False
    # One word of content is enough for a declarative question about them or their thing ("they just
    # work on the code book?", "that doesn't work for you?": MRDA's understanding checks, tune half
    # +13 of 14), unless it asks after all ("that's changed over what period of time?") or states
    # the speaker's own plan ("we'll recheck it then, sound okay?").
    return not _WH_IN_PLACE.search(asked) and not _OWN_PLAN.match(asked)


# A guess at their meaning, left open at the end: "for announcements and things?", "not including figures
# and such?", "they're switching their mikes off or something?" (MRDA's understanding checks).
_HEDGED_TAIL = re.compile(r"\b(?:or something|or something like that|and things|and things like that|and such|and so on|or whatever|or anything|and stuff|kind of thing|sort of thing)\W*$")


def hedged_check(asked: str, stems: set[str], ctx: frozenset[str]) -> bool:
    """A statement or phrase said as a question that ends on "...or something?": their point, offered back."""
    if not stems or not _HEDGED_TAIL.search(asked) or _AUX_OR_WH.match(asked) or _WH_IN_PLACE.search(asked):
        return False
    return not _OWN_PLAN.match(asked) and not keyword_run(tuple(_HEDGED_TAIL.sub("", asked).split()), stems, ctx)


# Their order read back as the step under way: "Booking 2 tickets for Ad Astra on March 10th at 11:30 pm."
_READ_BACK = re.compile(r"^(?:(?:okay|ok|alright|all right|great|sure|perfect)[,.!]?\s+)?(?:booking|reserving|scheduling|ordering|transferring|sending|picking up|setting up|purchasing|renting|playing|casting) ")


def read_back(low: str, stems: set[str], ctx: frozenset[str]) -> bool:
    """The step they asked for, said back with their details before it is done (SGD's confirmations)."""
    m = _READ_BACK.match(low)
    if not m or not _shared_enough(stems, ctx):
        return False
    # "Booking table four Luigi's Friday." reads back nothing but their keywords.
    lead = {stem(w.strip(",.!")) for w in m.group(0).split()}
    return not keyword_run(tuple(low[m.end() :].split()), stems - lead, ctx)


def so_recap(low: str, stems: set[str], ctx: frozenset[str]) -> bool:
    """A statement opening with "so" that carries at least one of their words: a recap of their point."""
    return _shared_enough(stems, ctx) and bool(_SO.match(low))


# "so" and a person: "so she dropped you off here today", "oh so they're using the workbench from mitre".
_SO_THEM = re.compile(r"^(?:(?:oh|ah|okay|ok|right|yeah|and|alright|all right|mm-hmm|mm|hmm|uh|um|i see)[,\s]+)*(?:and )?so,?\s+(?:you|you're|you've|your|he|she|they|he's|she's|they're|they've|his|her|their)\b")


# MI's double-sided reflection: "part of you wants to quit and part of you...", "on the one hand you...".
_TWO_SIDES = re.compile(r"\b(?:a )?part of you (?:\w+ )?(?:wants?|wishes|feels?|is|thinks?|knows?|would|likes?|enjoys?|needs?|believes?|hopes?|worries)\b|\bon (?:the )?one hand\b")
_SIDE_WORDS = frozenset(["part", "hand", "side", "sides"])


def two_sided(low: str, stems: set[str]) -> bool:
    """Both sides of what they feel, with something of theirs on them ("part of you wants it and part
    of you doesn't" names nothing)."""
    return len(stems - _SIDE_WORDS) >= 2 and bool(_TWO_SIDES.search(low))


# What something means to them, said back (MI's reflection of meaning): "your family's important to you",
# "positive peer influences have been helpful for you". An evaluation alone ("that must have been hard
# for you") names nothing of theirs, so two words of content are needed.
_MEANS_TO_YOU = re.compile(
    r"\b(?:important|matters?|mattered|means? (?:a lot|so much|everything)|meant (?:a lot|so much|everything)|a big deal|a priority|valuable|meaningful|precious"
    r"|hard|difficult|tough|scary|frustrating|helpful|easier|harder|fun|exciting|stressful|a struggle|a challenge|new|different|a relief|a concern|a worry) (?:\w+ ){0,2}?(?:to|for) you\b"
)


def means_to_them(low: str, stems: set[str]) -> bool:
    """Something of theirs and what it means to them, in one sentence: a word of content besides
    the meaning ("It's a big deal for you" names nothing of theirs)."""
    m = _MEANS_TO_YOU.search(low)
    return m is not None and bool(stems - {stem(w) for w in m.group(0).split()})


def frame_words(low: str) -> frozenset[str]:
    """The words of the frames a reply uses ("let me play that back", "your main worry is", "part of
    you"): they are frame, not their content, so a stack of frames carries nothing of theirs."""
    found = [m.group(0) for pattern in (FRAME, _MORE_FRAMES, _SENSE, _TWO_SIDES, _MEANS_TO_YOU) for m in pattern.finditer(low)]
    return frozenset(stem(w.strip(",.:;!?")) for text in found for w in text.split())


def without_frames(low: str) -> str:
    """The sentence with its restating frames cut out: "correct me if I'm wrong", "if I understand you"
    put the speaker in the frame, not in the content, so they are not the speaker talking about
    themselves."""
    for pattern in (lx.RESTATEMENT, FRAME, _MORE_FRAMES):
        low = pattern.sub(" ", low)
    return low


# What a listener says before they say anything: "Hmm.", "Mm-hmm.", "Wow."
BACKCHANNEL = frozenset(["hmm", "hm", "mm", "mmm", "mm-hmm", "mhm", "uh-huh", "huh", "uh", "um", "erm", "wow", "gosh", "alright", "sure", "yep", "yup", "right", "okay", "ok", "yeah", "yes", "oh", "ah", "aha"])


def recap_about_them(low: str, stems: set[str], opening: bool) -> bool:
    """A "so" recap about them that opens the reply, in other words than theirs (two words of its own).

    MI reflections and MRDA summaries often recap an earlier turn, not the last line ("Yeah."), so
    their words need not come back; opening the turn and naming a person keeps out the speaker's own
    story ("... So he hires somebody to do it") and plans (tune halves: annomi +4, mrda +4, no loss).
    """
    return opening and len(stems) >= 2 and bool(_SO_THEM.match(low))


def echo(words: tuple[str, ...], stems: set[str], ctx: frozenset[str], context: str) -> bool:
    """A short statement made mostly of their own words, not about the speaker: a simple reflection.

    An answer to their question reuses its words too ("The song was released in 2017" after "find me
    the year of its release"), so after a question an echo is not counted.
    """
    if not stems or not ECHO_MIN_WORDS <= len(words) <= ECHO_MAX_WORDS or not _SPEAKER.isdisjoint(words):
        return False
    if _GRAMMAR.isdisjoint(words):
        return False  # "Carrier parcels complaints team.": their keywords with no sentence around them
    if context.rstrip().endswith("?") or len(ctx) > LONG_CONTEXT:
        # An echo answers one turn: against a whole post, a sentence mostly of its words is a reply, not a reflection.
        return False
    return _shared_enough(stems, ctx) and len(stems & ctx) >= ECHO_SHARE * len(stems)

