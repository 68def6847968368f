"""Is the reply a real sentence about the other person's situation, or a frame without content?

Two gates run after the catalog's arithmetic, because phrasing alone can be
bought: a run of stock phrases, keywords or exclamations contains every cue a
pattern looks for and says nothing.

- `form_problem`: whatever the behavior, fragment lists, keyword runs,
  exclamation stacks and repeated stems are not a reply ("Sorry! Tough! Hard!
  Understand! Feel you!").
- `grounding_problem`: behaviors that are about the other person must carry
  something of theirs or something concrete:
  paraphrase carries the other side's content words; empathy refers to what
  they said (their words or the feeling they voiced), not stock sympathy
  alone; reassurance answers with something (a fact, a commitment, a
  normalising statement), not praise alone; a suggestion names a concrete
  step, not modal verbs alone.

Each returns a kind sentence for the scorecard (why it did not count and what
would have), or None. A gated reply never reaches `detected` (precision first:
a false "detected" teaches the wrong habit).
"""

from __future__ import annotations

import re

from scoring.lexicon import LEAD
from scoring.questions import bare_wh
from scoring.restating import frame_words
from scoring.signals import STOPWORDS, WORRY_STEMS, Analysis, content_stems, context_stems
from scoring.stock import (
    PRAISE_FRAME,
    clauses,
    comfort_clauses,
    feeling_clauses,
    praise_units,
    sympathy_clauses,
    without_praise,
)
from scoring.text import stem, words

# Words that carry grammar, not content; real sentences are full of them ; keyword runs are not. A
# comma list of advice ("try yoga, walks, journaling") sits near 0.15, so the bar is below that.
FUNCTION_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "so", "to", "of", "in", "on", "at", "for", "with", "about", "from", "by", "as", "is", "are", "was", "were", "be", "been", "am", "i", "me", "my", "you", "your", "we", "us", "our", "they", "them", "their", "he", "him", "his", "she", "her", "it", "its", "this", "that", "these", "those", "there", "do", "does", "did", "have", "has", "had", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "not", "no", "what", "which", "who", "when", "where", "why", "how", "than", "then", "just", "also", "very", "really", "too", "all", "any", "some", "more", "much", "i'm", "you're", "it's", "that's", "don't", "didn't", "can't", "won't", "i've", "you've", "i'll", "you'll", "we're", "they're", "isn't", "aren't", "we'll", "let's", "here", "there"]
)

# Stems that make up stock sympathy and praise: a reply built only from these says nothing of theirs.
_STOCK_EMPATHY = frozenset(
    stem(w)
    for w in ["unfortunate", "shame", "condolences", "awful", "how", "sad", "bad", "sorry", "hear", "heard", "understand", "understandable", "feel", "feeling", "feelings", "felt", "sound", "sounds", "seem", "seems", "frustrating", "frustrated", "frustration", "hard", "tough", "difficult", "rough", "awful", "terrible", "horrible", "stressful", "stress", "painful", "upsetting", "upset", "overwhelming", "overwhelmed", "sad", "worrying", "worried", "worry", "anxious", "scary", "situation", "imagine", "totally", "completely", "absolutely", "truly", "deeply", "definitely", "must", "really", "valid", "natural", "normal", "okay", "makes", "sense", "empathize", "empathise", "sympathize", "sympathise", "relate", "going", "through", "deal", "dealing", "with", "heart", "goes", "out", "thoughts", "pain", "struggle", "struggling", "challenging", "annoying", "disappointing", "unfair", "glad", "here", "listen", "appreciate", "know", "get", "bad", "wow", "gosh", "poor", "thing", "things", "everything", "lot",
              # shared experience and apology, stock when nothing of theirs follows
              "same", "too", "been", "there", "sucks", "suck", "apologize", "apologise", "apologies", "trouble", "inconvenience", "hugs", "remember", "also", "experienced", "gone", "went", "had", "totally", "for", "you",
              # round 3's acknowledgements, stock when nothing of theirs follows: "that must have hurt",
              # "I know what you mean", "that's not fair to you", "I bet you're exhausted"
              "hurt", "stung", "mean", "fair", "unfair", "horrible", "brutal", "miserable", "worst", "nightmare", "hell", "bet", "guess",
              "exhausted", "exhausting", "miss", "much", "gets", "like", "exactly", "alone", "only", "carrying", "juggling", "wringer",
              "happy", "proud", "excited", "relieved", "relief", "thrilled", "wonderful", "amazing", "exciting", "fun", "thrilling",
              "lovely", "special", "blast", "exhilarating", "nerve-wracking",
              # warmth with nothing of theirs: "rooting for you", "sending hugs", "hope things get better"
              "rooting", "thinking", "corner", "sending", "love", "strength", "vibes", "thoughts", "hope", "better", "soon",
              "recovery", "recover", "speedy", "quick", "full", "right", "every", "wish", "wishes", "luck", "best",
              # offers to be there, stock when nothing of theirs follows: "I'm here for you, DM me anytime"
              "message", "dm", "pm", "msg", "inbox", "hmu", "talk", "vent", "chat", "anytime", "whenever", "free", "listen", "listening",
              "reach", "open", "door", "ear", "care", "always", "need", "want", "someone", "somebody", "anyone", "friend",
              # the same phrases in chat shorthand: "sry, i understand ur feelings, thats so hard"
              "sry", "soz", "thats", "ure", "youre", "dont", "cant", "ive", "youve", "isnt",
              # feelings talked about in the abstract, and the names of sympathy itself (round 5): "your emotions
              # matter", "feelings are real", "I'm sorry you feel that way", "I respect your emotions deeply"
              "emotion", "emotions", "emotional", "way", "matter", "matters", "real", "respect", "respected", "empathy", "sympathy",
              "compassion", "sincerely", "genuinely", "validate", "validated", "acknowledge", "acknowledged", "hardship", "hardships", "sorrow"]
)

# Stems of stock reassurance: "don't worry, you'll be fine, it's normal, you've got this" says
# nothing of theirs however many times it is said.
_STOCK_REASSURANCE = frozenset(
    stem(w)
    for w in ["worry", "worried", "fine", "okay", "alright", "going", "normal", "common", "natural", "wrong", "everyone", "everybody",
              "goes", "through", "offer", "pay", "off", "fault", "alone", "time", "takes", "better", "things", "thing", "hope",
              "strong", "stronger", "brave", "proud", "great", "good", "make", "made", "sure", "confident", "believe", "hang", "keep",
              "stay", "positive", "everything", "work", "works", "out", "alright", "matter", "matters", "deserve", "worth", "value",
              "amazing", "awesome", "capable", "smart", "best", "doing", "get", "gets", "got", "figure", "okay", "fine", "right",
              "track", "shame", "nothing", "anything", "something", "define", "mean", "means", "happens", "happen", "pass", "will",
              "soon", "day", "days", "eventually", "totally", "completely", "absolutely", "definitely", "really", "truly", "lot",
              "plenty", "whole", "life", "world", "yourself", "worth", "valid", "feelings", "feel", "feeling", "alone", "same", "boat",
              # round 3's affirmations, stock when nothing of theirs is affirmed: "you must be a strong person",
              # "congratulations", "that's a good sign", "a great first step", "it happens very often"
              "person", "people", "congratulations", "congrats", "sign", "reason", "step", "first", "huge", "big", "important", "path",
              "lucky", "fortunate", "blessed", "clearly", "seem", "must", "very", "caring", "kind", "loving", "thoughtful", "resilient",
              "self-aware", "dedicated", "determined", "insightful", "support", "often", "reassure", "effort", "efforts", "progress",
              "happy", "respect", "love", "break", "promising", "hopeful", "encouraging", "healthy", "solid", "wise", "courageous",
              "thanks", "thank", "sharing", "writing", "reaching", "posting", "opening", "trusting", "seeking", "asking", "help",
              "glad", "lucky", "survivor", "fighter", "family", "human", "honest", "open",
              # round 5's comfort with nothing under it: "rest assured, we've got you", "hang in there, it'll work
              # out", "relax, it's nothing", "trust me, I promise it'll be okay"
              "rest", "assured", "assure", "relax", "calm", "chill", "breathe", "hang", "trust", "promise", "promised",
              "it'll", "you'll", "we've", "we'll", "everything's", "reason", "reasons",
              "hands"]
)

# Stock words that name something of theirs: their feeling ("what you're feeling is valid"), their effort
# ("you're doing the best you can"), themselves ("you know yourself best"). Three stock lines in a row
# still say nothing, but one such line affirms them, not just cheers (MI coders' Affirm).
_THEIRS_IN_STOCK = frozenset(stem(w) for w in ["feel", "feeling", "feelings", "felt", "best", "yourself"])

# Words that normalise: "a first migration is a common worry" names their situation and says it is usual.
_NORMALISING = frozenset(stem(w) for w in ["normal", "common", "usual", "typical", "natural", "expected", "everyone", "everybody", "anyone", "anybody", "happens", "often"])

# Frames of a paraphrase: the words around the content, never the content itself.
_PARAPHRASE_FRAME = frozenset(
    stem(w)
    for w in ["hear", "heard", "hearing", "sound", "sounds", "said", "saying", "say", "mean", "meaning", "basically", "understand", "understood", "correct", "right", "get", "getting", "point", "points", "thing", "things", "stuff", "whole", "essentially", "summarize", "summarise", "recap", "gather", "take", "taking", "seem", "seems", "tell", "told", "telling", "like", "what",
              "starting", "beginning",
              # "Please confirm the following details": the frame of a read-back, not its content
              "confirm", "confirming", "verify", "following", "details",
              # "So something happened?": words that could stand for anything they said name none of it
              "something", "anything", "everything", "nothing", "happen", "happened", "happening", "stuff", "way", "kind", "sort",
              # "Let me make sure I understand. You mentioned that. So to recap, right?": pointing at what
              # they said ("you mentioned", "you described", "let me get this straight") is still frame
              "make", "sure", "mention", "mentioned", "mentioning", "describe", "described", "explain", "explained",
              "share", "shared", "straight", "clear", "check", "checking", "noted", "note", "follow", "following",
              # "you told me about your situation, correct?", "there's something on your mind about it": words
              # that point at whatever they said (their situation, what's on their mind) name none of it
              "situation", "situations", "circumstance", "circumstances", "mind", "correctly", "properly", "accurately",
              "topic", "subject", "going", "bring", "brought", "raise", "raised", "earlier"]
)

_REFLECTING_VERBS = frozenset(stem(w) for w in ["feel", "feeling", "felt", "think", "thinking", "thought", "want", "wanting", "wonder", "wondering", "know", "knowing", "sound", "sounding", "seem", "seeming", "starting", "beginning", "trying", "going"])

# Modals, hedges and vague nouns: a suggestion made only of these names no step.
_VAGUE_ACTION = frozenset(
    stem(w)
    for w in ["try", "trying", "consider", "considering", "maybe", "perhaps", "something", "anything", "stuff", "thing", "things", "idea", "ideas", "option", "options", "way", "ways", "suggest", "suggestion", "recommend", "recommendation", "advice", "help", "helps", "helpful", "good", "better", "best", "great", "possibly", "probably", "definitely", "different", "somehow", "approach", "step", "steps", "move", "action", "look", "think", "work", "works", "working", "want", "need", "needs", "start", "sure", "certain", "else", "differently",
              # "it would be interesting to do something", "we might as well do stuff"
              "interesting", "useful", "nice", "worth", "well",
              # "doing things is important", "trying is key"
              "important", "key", "essential", "crucial", "vital", "doing", "time",
              # round 3's offers: "would you be interested in something?", "another option is available"
              "interested", "interest", "looking", "choice", "choices", "alternative", "available", "another", "also",
              # round 5's hedge stacks: placeholder objects ("approaches", "solutions", "measures"), where and
              # when with no step ("going forward", "soon", "at the right time"), and advising about advice
              # ("do what is recommended, as I recommend", "follow my suggestion")
              "approaches", "solution", "solutions", "measure", "measures", "actions", "strategy", "strategies", "method", "methods",
              "alternatives", "possibility", "possibilities", "avenue", "avenues", "course", "plan", "plans", "change", "changes",
              "forward", "moving", "ahead", "toward", "towards", "soon", "sooner", "later", "future", "eventually", "next", "right",
              "proper", "appropriate", "necessary", "relevant", "positive", "proactive", "new", "together", "there", "from",
              "potentially", "potential", "likely", "definitely", "certainly", "honestly",
              "recommended", "suggested", "advise", "advised", "suggesting", "recommending", "kind", "sort",
              "happen", "happens", "see", "situation",
              "issue", "issues", "problem", "problems", "matter", "matters", "whatever", "works", "sense", "rather", "course",
              "back", "point", "preference", "prefer", "vote", "proposal", "propose", "oughta", "gotta", "ought", "sound", "sounds",
              "everything", "direction", "directions", "eye", "few", "various", "always", "simply", "actually", "thought", "thinking",
              "thoughts", "several", "certain", "regard", "regarding",
              # contractions the tokeniser keeps whole: "I'd", "let's" and "wouldn't" frame a step, they are not one
              "wouldn't", "shouldn't", "couldn't", "mustn't", "i'd", "let's", "we'd", "you'd", "we'll", "i'll", "what's", "here's"]
)

_FRAGMENTS = "Most of it is one- or two-word fragments, so there is no sentence here to count. Say it as one full sentence about their situation."


def form_problem(analysis: Analysis) -> str | None:
    """Why the reply is not a well-formed reply at all, or None."""
    sentences = [s for s in analysis.sentences if s.words]
    tokens = [w for s in sentences for w in s.words]
    shouted = sum(1 for s in sentences if s.text.rstrip().endswith("!"))
    if len(sentences) >= 3 and shouted == len(sentences) and len(tokens) <= 2 * len(sentences):
        # "Amazing! You're great! Wonderful!" is short, but three shouts in a row are cheering at any length.
        return "A row of short exclamations reads as cheering, not as a reply. One specific sentence about what they said carries more."
    if len(sentences) >= 3 and all(bare_wh(s.words) for s in sentences):
        # "Why? How so? What?" is short, but three bare question words in a row ask nothing in particular.
        return _FRAGMENTS
    if len(tokens) < 5:
        return None  # too short to judge its form: "Sure. Yes. Friday works." is a fine chat reply
    # A fragment is a one- or two-word sentence with no grammar in it, or shouted: "Sorry. Tough." and
    # "Great job!" are; "What happened? Tell us." are short sentences (EPITOME's coders, and any
    # reader, take "What happened? Tell us. We'll listen." as an open invitation).
    # A bare question word ("What? Why? Where?") is a fragment too, though every word in it is a function word.
    fragments = sum(1 for s in sentences if len(s.words) <= 2 and (s.text.rstrip().endswith("!") or not any(w in FUNCTION_WORDS for w in s.words) or bare_wh(s.words)))
    if (len(sentences) >= 3 and fragments == len(sentences)) or (len(sentences) >= 4 and fragments * 3 >= len(sentences) * 2):
        return _FRAGMENTS
    bangs = analysis.text.count("!")
    if bangs >= 3 and bangs * 10 >= len(sentences) * 6 and len(tokens) <= 6 * len(sentences):
        return "A row of short exclamations reads as cheering, not as a reply. One specific sentence about what they said carries more."
    function_share = sum(1 for w in tokens if w in FUNCTION_WORDS) / len(tokens)
    if len(tokens) >= 10 and function_share < 0.12:
        return "It reads as a list of keywords rather than sentences. Say it the way you would to the person in front of you."
    stems = [stem(w) for w in tokens if w not in STOPWORDS and len(w) > 2]
    if len(stems) >= 6 and len(set(stems)) * 2 < len(stems):
        return "The same words come back again and again; saying it once, specifically, counts more."
    return None


# Feelings as a category rather than as the feeling they voiced: "your feelings", "emotions are hard".
_ABSTRACT_FEELING = re.compile(r"\b(?:feelings|emotions?|emotional)\b")


def _reply_stems(analysis: Analysis, indices: list[int] | None = None) -> set[str]:
    chosen = analysis.sentences if indices is None else [analysis.sentences[i] for i in sorted(set(indices))]
    return {x for s in chosen for x in content_stems(s.words)}


def _fired(analysis: Analysis, names: tuple[str, ...]) -> list[int]:
    return sorted({i for n in names for i in analysis.hits.get(n, [])})


def _empathy_own(analysis: Analysis) -> set[str]:
    """The reply's content words that are not stock sympathy or comfort: what of theirs it names."""
    return _reply_stems(analysis) - _STOCK_EMPATHY - _STOCK_REASSURANCE


def stock_only(behavior: str, analysis: Analysis) -> bool:
    """An empathy reply made only of stock words ("I'm so sorry, that must be hard.", "I understand how you feel.").

    It still counts: ESConv's, EPITOME's and MI's coders all code it as empathy, and turning it away
    (the reassurance rule) cost held kappa ESConv 0.49 -> 0.41, EPITOME 0.38 -> 0.33, MI 0.42 -> 0.26.
    But it is the catalog's level 1 ("a generic, formulaic phrase with nothing of theirs"), so it may not
    outscore a reply that names their feeling and ties it to what they said: the scorer caps it at the
    threshold (issue 16, round 5: "I understand how you feel." scored 100, "You sound panicked about the
    demo now that the deadline moved up a week." 62).
    """
    if behavior == "reassurance":
        return _vague_affirmation(analysis)
    return behavior == "empathy" and not _empathy_own(analysis)


# Affirming the person themselves or their first step: "You must be a very strong and caring
# person.", "Congratulations, you did the first step!". MI's coders code these lines as Affirm; they are the
# catalog's level 2 ("affirms, but vaguely"), not empty cheer. Comfort that predicts the outcome ("you can
# get through this"), or waves the worry away ("don't worry", "you'll be fine"), a claim of what they deserve
# ("you deserve better", kept out by round 5's reassurance tests) and bare praise ("Great job!") stay out.
_PERSON_AFFIRM = re.compile(
    r"\byou(?:'re| are| must be| seem(?: like)?| sound(?: like)?| clearly are)(?: such)? (?:a |an )?(?:very |really |so |truly |incredibly )?(?:strong|caring|good|kind|brave|resilient|loving|thoughtful|dedicated|devoted|capable|determined|courageous)\b"
    r"|\b(?:congratulations|congrats)\b|\byou did the (?:first |right )?(?:step|thing)\b"
)
_EMPTY_COMFORT = re.compile(r"\b(?:worr\w*|fine|okay|ok|alright|all right|work(?:s)? out|be over|no big deal|relax|calm)\b")


def _vague_affirmation(analysis: Analysis) -> bool:
    """A short reply whose only comfort is one affirmation of the person (see _PERSON_AFFIRM)."""
    fired = _fired(analysis, ("reassurances",))
    if not fired or len(fired) > 1 or analysis.hits.get("answered_worries"):
        return False
    line = analysis.sentences[fired[0]].lower
    return bool(_PERSON_AFFIRM.search(line)) and not _EMPTY_COMFORT.search(analysis.text.lower()) and praise_units(line) <= 1


def _comfort_basis(analysis: Analysis, indices: list[int], ctx: frozenset[str]) -> set[str]:
    """What the comforting sentences rest on, clause by clause, once praise and stock comfort are taken out.

    Affirming their act in their own words keeps those words ("reaching out for a therapist is a brave
    step"), and so does normalising their named situation ("nerves before a first review are common").
    Plain comfort does not: their worry or their noun echoed into it ("don't worry about the migration", "the migration
    will be fine") is no fact, commitment or norm, and gamed replies beat honest answers with it.
    """
    found: set[str] = set()
    for i in indices:
        for clause in clauses(analysis.sentences[i]):
            said = content_stems(words(clause))
            basis = content_stems(words(without_praise(clause))) - _STOCK_REASSURANCE - PRAISE_FRAME
            if not said & _NORMALISING:  # "it's normal to feel some anxiety" normalises the feeling they named
                basis -= WORRY_STEMS if praise_units(clause) else WORRY_STEMS | ctx
            found |= basis | said & _THEIRS_IN_STOCK
    return found


def grounding_problem(behavior: str, analysis: Analysis) -> str | None:
    """Why a behavior about the other person is not grounded in them, or None."""
    ctx = context_stems(analysis.context)
    if behavior == "paraphrase":
        # "Let me play that back", "part of you ...": the words of a frame name nothing of theirs.
        own = _reply_stems(analysis) - _PARAPHRASE_FRAME - frame_words(analysis.text.lower())
        # Their content in the rep's words: an echo of their line, or a restatement with its own
        # content (ESConv coders credit restatements of earlier turns and synonyms: "broke up with my
        # fiance" -> "your relationship ended"; requiring an echo of the last line lost 29 of 100).
        # A one-line check ("You mean the transcribers?") names one thing of theirs, and that is enough.
        check = len(analysis.sentences) == 1 and analysis.sentences[0].is_question and bool(analysis.hits.get("restatements"))
        # A reflection names their state in one word ("it sounds like you feel used", "you sound fed up").
        # ... but the verbs of reflecting ("you feel it", "you're thinking that") are not that word.
        reflection = bool(analysis.hits.get("reflections")) and bool(own - _REFLECTING_VERBS)
        if not own & ctx and len(own) < (1 if check or reflection else 2):
            return "A paraphrase carries their point: play back their own facts or concern (their numbers, names, problem) in your words, then check you got it right."
    elif behavior == "empathy":
        # Stock comfort counts toward a salad too, now that it weighs in empathy ("Don't worry. It's
        # normal. You're not alone. It'll be fine." says nothing of theirs).
        fired = _fired(analysis, ("sympathy_phrases", "feeling_reflections", "validations", "reassurances", "support_offers"))
        own = _empathy_own(analysis)
        tied = bool(own & ctx) if ctx else len(own) >= 2
        # One or two stock phrases are how people start (ESConv's coders count them); a run of three
        # or more that never touches their words is a salad. A run of nothing but stock is counted by
        # clause (scoring.stock), so a salad joined by commas or "and" into one sentence is still a run.
        # (Counting clauses for the untied test too gated two long EPITOME tune replies coders rate as
        # emotional reactions, "I hope your grief doesn't overwhelm you", and no salad the rule missed.)
        # With nothing of theirs, a clause of feelings talk counts as stock too, whether or not a pattern
        # fires on it: "Feelings are valid. Emotions are hard. Sorry for the feelings." (round 5).
        stacked = len(fired) if own else max(len(fired), sympathy_clauses(analysis.sentences[i] for i in fired), feeling_clauses(analysis.sentences))
        # Feelings named only in the abstract, twice ("I can relate to your feelings and I respect your
        # emotions"), is a salad of two: no feeling of theirs is named in it (round 5).
        abstract = sum(1 for s in analysis.sentences for c in clauses(s) if _ABSTRACT_FEELING.search(c))
        if (max(stacked, abstract + 1 if abstract >= 2 else 0) >= 3 and not own) or (len(fired) >= 4 and not tied):
            return "Several stock sympathy phrases in a row sound scripted. Name the feeling once and tie it to what they told you."
    elif behavior == "reassurance":
        if not analysis.hits.get("reassurances") and not analysis.hits.get("answered_worries"):
            return "Praise alone isn't reassurance. Answer their worry with something real: a fact, what you will do, or that it's common and fixable."
        fired = _fired(analysis, ("reassurances",))
        if _comfort_basis(analysis, analysis.hits.get("answered_worries", []), ctx):
            return None
        # What the comfort rests on: the words of the comforting sentences once praise and stock comfort
        # are taken out. Affirming a specific strength or choice ("great job moving the review up a week",
        # "flagging this early was the right call") or normalising their named situation ("a first
        # migration always feels risky") leaves something; "Great job!" and "You'll be fine." do not.
        affirming = " ".join(analysis.sentences[i].lower for i in fired)
        basis = content_stems(words(without_praise(affirming))) - _STOCK_REASSURANCE - PRAISE_FRAME
        praise = "Praise alone isn't reassurance. Say what they did well and why it helps, or answer their worry with something real."
        if not basis and praise_units(affirming) >= 2:
            return praise  # "That's amazing, great job, wonderful!": a stack, whatever else the reply says
        # "Don't worry. You'll be fine. It's normal. You've got this.": a run of stock comfort that never
        # touches what they said is the reassurance twin of the empathy salad.
        own = _reply_stems(analysis) - _STOCK_REASSURANCE
        tied = bool(own & ctx) if ctx else len(own) >= 2
        stacked = max(len(fired), comfort_clauses(analysis.sentences[i] for i in fired))
        if stacked >= 3 and not tied:
            return "Several stock reassurances in a row sound scripted. Answer their worry once, with something real from their situation."
        # One stock line is no basis either (the catalog's levels 1 and 2: "Don't worry!", "You'll be
        # fine."; it scored 60-80 and beat a specific answer to the worry), nor is it with their noun
        # dropped in ("Don't worry about the migration, you're doing great." scored 80). Cost, held half:
        # MI 0.28 -> 0.16 (its coders code "You deserve better." and "Congratulations you did the first
        # step!" as Affirm), ESConv 0.34 -> 0.32. (Letting another sentence that names their situation
        # carry the line kept one ESConv tune row, and let "Don't worry about the migration, you're doing
        # great. Have you eaten?" through: dropped.)
        if not _comfort_basis(analysis, fired, ctx):
            if _vague_affirmation(analysis):
                return None  # counts, capped at the threshold by the scorer (stock_only)
            if praise_units(affirming):
                return praise
            return "“Don't worry” and “you'll be fine” give them nothing to hold on to. Answer the worry itself: a fact, what you will do, or that it's common in their situation and fixable."
    elif behavior == "suggestion":
        fired = _fired(analysis, ("suggestions", "advice_sentences", "suggestive_questions", "imperatives", "next_steps"))
        # A command carries its own action ("Just be yourself", "If not, don't go"), unless it is a hedge
        # verb with nothing after it ("maybe think about it differently") or hangs on a placeholder
        # ("try to work on things"); modal frames need a named step.
        imperatives = set(analysis.hits.get("imperatives", []))
        concrete = {i for i in fired if _names_a_step(*_step_words(analysis, i), command=i in imperatives)}
        if fired and not concrete:
            return "A suggestion names a concrete step: who does what, and when it helps. “You could try something” leaves them where they were."
        # "Just tell. Just ask. Just call.": a run of bare commands names no step either.
        bare = [i for i in analysis.hits.get("imperatives", []) if len(analysis.sentences[i].words) <= 2]
        if len(bare) >= 3 and len(bare) * 2 >= len(analysis.sentences):
            return "A run of one- or two-word commands names no step. Say one concrete action and what it is for."
        modals = len(_MODAL.findall(analysis.text.lower()))
        if modals >= 4 and modals * 4 > len(_reply_stems(analysis)) * 3 + 4:
            return "Stacking “you should, you could, you might” hides the step. Offer one concrete action they can take."
    return None


# Verbs that name an action by themselves ("tell him how you feel", "call them"); "try", "do" and
# "consider" do not, and are in _VAGUE_ACTION instead.
_CONCRETE_VERB_WORDS = ["tell", "talk", "speak", "ask", "call", "ring", "text", "write", "email", "send", "book", "schedule", "sign", "join", "visit", "read", "walk", "sleep", "meditate", "exercise", "save", "cut", "sell", "share", "bring", "apply", "search", "pick", "set", "keep", "stop", "start", "check", "reach", "contact", "meet", "plan", "leave", "quit", "wait", "rest", "breathe", "journal", "list", "refund", "replace", "escalate", "fix", "restart", "reset", "update", "install", "cancel", "pause", "delay", "split", "swap", "switch", "route", "pilot", "test", "review", "document", "log", "record", "invite"]


def _verb_forms(verb: str) -> set[str]:
    """The verb and its -ed and -ing forms ("start", "started", "starting"; "stop", "stopped"; "leave", "leaving")."""
    forms = {verb, verb + "d", verb[:-1] + "ing"} if verb.endswith("e") else {verb, verb + "ed", verb + "ing"}
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", verb):
        forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    return forms


_CONCRETE_VERB = re.compile(r"\b(?:" + "|".join(sorted({f for v in _CONCRETE_VERB_WORDS for f in _verb_forms(v)}, key=len, reverse=True)) + r"|get started|move(?! (?:forward|ahead|on from there))|(?<!going )(?<!moving )(?<!look )(?<!looking )forward(?! (?:to|from here))|let (?:it |them |that |this |him |her )?go)\b")
_CONCRETE_STEMS = frozenset(stem(w) for w in [*_CONCRETE_VERB_WORDS, "move", "forward", "checking", "starting", "planning", "writing", "calling", "talking", "asking", "reaching", "keeping", "setting", "making"])
# Verbs that carry the step only through their object: "take the bus" is a step, "take steps" is not.
_GENERIC_VERB = frozenset(
    stem(w)
    for w in ["take", "taking", "make", "making", "find", "finding", "focus", "focusing", "handle", "handling", "address", "addressing",
              "deal", "dealing", "tackle", "tackling", "figure", "figuring", "explore", "exploring", "follow", "following", "get", "go", "give", "stick", "sticking"]
)
# A command whose verb is a hedge: "maybe think about it", "consider it", "try to look into it".
_HEDGE_COMMAND = re.compile(LEAD + r"(?:(?:please|just|maybe|perhaps|simply|definitely|also|really|and|so|then)[,\s]+)*(?:try|consider|think|reflect|look|explore|figure|focus|work)\b")
# The objects a hedge stack hangs its verbs on: "check out some options", "start taking steps", "plan
# an approach". A verb that names an action needs a real object, or none ("call them", "tell him").
_VAGUE_OBJECT = re.compile(r"\b(?:something|anything|stuff|(?<!the )thing|things|options?|approach(?:es)?|solutions?|steps?(?! ?\d)|(?<!same )(?<!this )(?<!that )(?<!by the )(?<!on the )(?<!other )ways?|ideas?|measures?|actions?|changes?|strateg(?:y|ies)|methods?|alternatives?|possibilit(?:y|ies)|avenues?|course of action|plan of action|suggestions?|recommendations?|advice|what (?:i|you|we)(?:'d| would)? (?:suggest|recommend|advise)\w*|whatever|what(?:ever)? (?:works|helps|is best|is recommended|it takes))\b")


def _names_a_step(tokens: tuple[str, ...], low: str, *, command: bool = False) -> bool:
    """Does this sentence name an action someone can take, beyond hedges, frames and placeholder objects?

    "Have you considered maybe trying something?", "I suggest you consider options and think about
    approaches going forward", "take the right steps at the right time": every word is a hedge, a frame
    or a placeholder, and a generic verb ("take", "find", "focus on") is a step only with a real object.
    """
    own = content_stems(tokens) - _VAGUE_ACTION
    if _VAGUE_OBJECT.search(low):
        # "Check out your options and make a plan": with a placeholder for the object, only a real
        # thing named beside it ("call the bank about your options") makes it a step.
        return bool(own - _GENERIC_VERB - _CONCRETE_STEMS)
    return bool(own or _CONCRETE_VERB.search(low) or (command and not _HEDGE_COMMAND.match(low)))


# "Does that work for you?", "How does that sound?": a check that points back at the option just offered.
_CHECK_BACK = re.compile(LEAD + r"(?:(?:would|could|does|will|is|would) (?:it|that|this|that time|that one|this one) (?:work|be (?:ok|okay|alright|fine|good)|suit)|how (?:does|would) (?:that|this|it) (?:sound|work)|(?:does|would) (?:that|this) (?:sound|suit)|is (?:that|this|it) what you(?:'re| are) (?:looking for|after))\b")


def _step_words(analysis: Analysis, i: int) -> tuple[tuple[str, ...], str]:
    """The words a fired sentence's step is judged on: its own, plus the option it checks back on.

    "There's a slot with Dr Bhati at 2 pm on the 3rd. Does that work for you?" offers the slot in one
    sentence and checks it in the next; the check alone names nothing, the pair names a step.
    """
    s = analysis.sentences[i]
    if i > 0 and _CHECK_BACK.match(s.lower) and not analysis.sentences[i - 1].is_question:
        prev = analysis.sentences[i - 1]
        return (*prev.words, *s.words), f"{prev.lower} {s.lower}"
    return s.words, s.lower


_MODAL = re.compile(r"\b(?:should|could|might|may|maybe|perhaps|how about|what about|why not|can)\b")


def gate(behavior: str, analysis: Analysis) -> str | None:
    """The first reason this reply cannot count for the behavior, or None."""
    return form_problem(analysis) or grounding_problem(behavior, analysis)


