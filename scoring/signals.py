"""Signal extraction for one reply: count what can be counted, and remember where.

`extract_signals` returns `ReplySignals`, a flat dataclass of counts that is
JSON-serialisable (the LLM judge passes it to the model as grounding).
`analyse` also returns which sentences fired which signal, so the scorer can
quote evidence verbatim.

Gaming defences live here because they change what is counted:
- a sentence repeated verbatim (or nearly) counts once ("I understand" x10);
- a sentence that tries to instruct the scorer is not counted at all and is
  flagged as `injection_attempts`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from scoring import lexicon as lx
from scoring import questions as qs
from scoring import restating as rs
from scoring.advice import advice_probability
from scoring.prefilter import Alternation
from scoring.text import (
    Sentence,
    clean_context,
    normalise,
    split_sentences,
    stem,
    validate,
    words,
)

STOPWORDS = frozenset(
    ["a", "an", "the", "and", "or", "but", "if", "so", "to", "of", "in", "on", "at", "for", "with", "about", "from", "by", "as", "is", "are", "was", "were", "be", "been", "being", "am", "i", "me", "my", "mine", "myself", "you", "your", "yours", "yourself", "we", "us", "our", "ours", "they", "them", "their", "he", "him", "his", "she", "her", "it", "its", "this", "that", "these", "those", "there", "here", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "do", "does", "did", "done", "doing", "have", "has", "had", "having", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "not", "no", "yes", "yeah", "ok", "okay", "oh", "well", "just", "really", "very", "too", "also", "then", "than", "now", "all", "any", "some", "more", "most", "much", "many", "such", "only", "own", "same", "other", "into", "out", "up", "down", "over", "again", "further", "once", "im", "i'm", "you're", "it's", "that's", "don't", "didn't", "can't", "won't", "i've", "you've", "i'll", "you'll", "we're", "they're", "isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "doesn't", "get", "got", "go", "going", "know", "think", "like", "want", "feel", "sure", "thing", "things", "lot", "one", "would've", "there's", "let", "me", "us", "ve", "ll", "re", "s", "t", "d", "m", "because", "since", "while", "still", "even", "though", "hi", "hello", "hey", "thanks", "thank", "please", "sorry", "right", "see", "say", "said", "tell"]
)

SIGNAL_NAMES: tuple[str, ...]  # filled in below from the dataclass fields


@dataclass
class ReplySignals:
    """Counts for one reply. Sentence-based counts count each distinct sentence once."""

    chars: int = 0
    words: int = 0
    sentences: int = 0
    questions: int = 0
    open_questions: int = 0
    closed_questions: int = 0
    narrow_questions: int = 0  # when / who / how many: a time, a person or a quantity, neither open nor yes/no
    suggestive_questions: int = 0  # "have you tried...?": advice dressed as a question
    substantive_open_questions: int = 0  # open and about something (content words or the buyer's topic)
    business_questions: int = 0  # about the buyer's business, impact, goals
    product_questions: int = 0  # about product, features, price, budget
    product_mentions: int = 0
    pitch_statements: int = 0  # "our platform...", "we offer...", prices
    business_question_first: int = 0  # 1 when a business question comes before any product talk
    product_pitch: int = 0  # 1 when the reply talks product/price before asking about the buyer
    sympathy_phrases: int = 0
    acknowledgements: int = 0  # first-person acknowledgement: "I'm sorry to hear that", "I can imagine"
    feeling_reflections: int = 0
    emotion_words: int = 0
    validations: int = 0
    support_offers: int = 0  # "if you need someone to talk to, I'm here": being there for them
    restatements: int = 0
    reflections: int = 0  # "you feel overwhelmed by…", "you've been…": their inner state or experience, said back
    second_person_statements: int = 0
    mirrored_sentences: int = 0  # sentences about "you" that reuse 2+ of the other side's content words
    echoed_terms: int = 0  # content words (stemmed) taken from the other side's last line
    context_overlap: float = 0.0  # share of the other side's content words echoed
    reassurances: int = 0
    answered_worries: int = 0  # statements that answer the other side's stated worry with a fact, commitment or norm
    praise_words: int = 0
    suggestions: int = 0
    advice_sentences: int = 0  # sentences the advice model (scoring.advice) puts at p >= 0.5
    imperatives: int = 0
    ownership_statements: int = 0
    deflections: int = 0
    transparency_statements: int = 0
    negative_framing: int = 0
    positive_framing: int = 0
    next_steps: int = 0  # sentences with an owner and an action
    next_steps_with_time: int = 0  # ... and a time
    objection_acknowledgements: int = 0
    explore_questions: int = 0
    impact_statements: int = 0
    fix_statements: int = 0
    impact_before_fix: int = 0  # 1 when the first impact statement precedes the first fix
    empathy_before_fix: int = 0  # 1 when a sympathy, feeling or validation sentence comes before the first suggestion
    goal_restatements: int = 0
    what_changed_questions: int = 0
    patience_invites: int = 0
    impatience_markers: int = 0
    fillers: int = 0
    long_sentences: int = 0  # sentences over 30 words
    excess_words: int = 0  # words beyond 50: a chat reply past that is a monologue
    self_references: int = 0
    repeated_sentences: int = 0
    repeated_phrases: int = 0  # extra occurrences of any 4-word phrase: keyword stuffing
    repetition_share: float = 0.0  # share of the reply's 4-word phrases that are repeats
    injection_attempts: int = 0
    context_words: int = 0
    context_has_emotion: int = 0

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


SIGNAL_NAMES = tuple(ReplySignals.__dataclass_fields__)


@dataclass
class Analysis:
    """Signals plus the sentences behind them, for evidence and rewrites."""

    text: str
    context: str
    signals: ReplySignals
    sentences: list[Sentence]
    hits: dict[str, list[int]] = field(default_factory=dict)  # signal -> sentence indices

    def quotes(self, signal_names: list[str] | tuple[str, ...]) -> list[str]:
        """Verbatim sentences that fired any of these signals, in reply order."""
        idx = sorted({i for name in signal_names for i in self.hits.get(name, [])})
        return [self.sentences[i].text for i in idx]


def extract_signals(text: str, context: str = "") -> ReplySignals:
    """Count the signals in one reply; `context` is the other side's previous line."""
    return analyse(text, context).signals


def is_product_pitch(text: str) -> bool:
    """True when the reply talks product, features or price before asking about the buyer."""
    try:
        return bool(analyse(text, "").signals.product_pitch)
    except Exception:  # noqa: BLE001 - the virtual buyer asks about any text; junk is not a pitch
        return False


def _dedupe_key(sentence: Sentence) -> str:
    return " ".join(sentence.words)


def content_stems(tokens: tuple[str, ...] | list[str]) -> set[str]:
    return {stem(w) for w in tokens if w not in STOPWORDS and len(w) > 2 and not w.isdigit()}


@lru_cache(maxsize=4096)
def _context_info(context: str) -> tuple[frozenset[str], bool, bool]:
    toks = words(context)
    low = normalise(context)
    return frozenset(content_stems(toks)), bool(lx.EMOTION.search(low)), bool(lx.WORRY.search(low))


def context_stems(context: str) -> frozenset[str]:
    """The other side's content words (stemmed), cached: every behavior of one turn reads the same line."""
    return _context_info(context)[0]


# Signals computed from others: asking for the left one means computing the right ones.
_DEPENDS: dict[str, tuple[str, ...]] = {
    "product_pitch": ("product_mentions", "pitch_statements", "business_questions", "product_questions"),
    "business_question_first": ("product_mentions", "pitch_statements", "business_questions", "product_questions"),
    "business_questions": ("product_questions",),
    "product_questions": ("business_questions",),
    "impact_before_fix": ("impact_statements", "fix_statements"),
    "empathy_before_fix": ("sympathy_phrases", "feeling_reflections", "validations", "suggestions", "imperatives"),
    "next_steps_with_time": ("next_steps",),
}
_ALWAYS = frozenset({"questions", "open_questions", "closed_questions", "narrow_questions", "suggestive_questions", "substantive_open_questions", "repeated_sentences", "injection_attempts"})


def expand_needed(names: frozenset[str] | set[str] | list[str] | None) -> frozenset[str] | None:
    """The signals to compute for a behavior: its own plus what they are derived from."""
    if names is None:
        return None
    out = set(names) | _ALWAYS
    for name in list(out):
        out.update(_DEPENDS.get(name, ()))
    for name in list(out):
        out.update(_DEPENDS.get(name, ()))
    return frozenset(out)


def analyse(text: str, context: str = "", needed: frozenset[str] | None = None) -> Analysis:
    """Validate the reply and extract signals, remembering the sentences behind each.

    `needed` (from expand_needed) limits the work to the signals one behavior
    uses; None computes everything (extract_signals, sessions, the LLM judge).
    Signals not computed stay 0.
    """
    text = validate(text)
    context = clean_context(context)
    sentences = split_sentences(text)

    def want(name: str) -> bool:
        return needed is None or name in needed

    sig = ReplySignals(chars=len(text), words=sum(len(s.words) for s in sentences))
    ctx_stems, ctx_emotion, ctx_worry = _context_info(context)
    sig.context_words = len(ctx_stems)
    sig.context_has_emotion = int(ctx_emotion)
    patterns = [(name, pattern) for name, pattern in _SENTENCE_PATTERNS if want(name)]
    topic = want("business_questions") or want("product_mentions") or want("pitch_statements")
    steps = want("next_steps")

    hits: dict[str, list[int]] = {}
    seen: set[str] = set()
    echoed: set[str] = set()
    first_business_q = first_product = first_impact = first_fix = None
    said = False

    def hit(name: str, s: Sentence, n: int = 1) -> None:
        setattr(sig, name, getattr(sig, name) + n)
        hits.setdefault(name, []).append(s.index)

    for s in sentences:
        key = _dedupe_key(s)
        if key in seen:
            sig.repeated_sentences += 1
            continue
        seen.add(key)
        low = s.lower
        if not lx.INJECTION_TRIGGERS.isdisjoint(s.words) and lx.INJECTION.search(low):
            # The rep's text is data: an instruction to the scorer earns nothing.
            hit("injection_attempts", s)
            continue
        sig.sentences += 1
        if want("fillers"):
            sig.fillers += len(lx.FILLERS.findall(low))
        if want("self_references"):
            sig.self_references += len(lx.SELF_DISCLOSURE.findall(rs.without_frames(low)))
        if len(s.words) > 30:
            hit("long_sentences", s)
        stems = content_stems(s.words)
        is_q = s.is_question or bool(lx.QUESTION_WITHOUT_MARK.match(low)) or qs.asks_without_mark(low)
        # Spoken replies arrive transcribed: "um wha- how does that work?" asks as openly as "How does that work?"
        asked = fluent(low) if is_q else low
        # "You said X: walk me through Y?" asks from its last clause.
        tail = _LAST_CLAUSE.split(asked)[-1].strip() if is_q and _LAST_CLAUSE.search(asked) else asked
        # "Before I do, what's driving this?" and "When you say slow, what do you mean?" ask openly after a lead-in.
        opens = is_q and (bool(lx.OPEN_QUESTION.match(asked) or lx.OPEN_QUESTION.match(tail))
                          or any(lx.OPEN_QUESTION.match(c.strip()) for c in _CLAUSE_BREAK.split(asked)[1:]))
        # Open questions in other shapes (scoring.questions): after a false start, as "I wonder what...",
        # a yes/no shell around their own thinking, a narrow word asking their view.
        reflective = is_q and qs.reflective_ask(asked)
        opens = opens or (is_q and (reflective or qs.own_view(asked) or qs.own_view(low) or qs.open_wh(asked) or qs.embedded_open(asked) or qs.asks_without_mark(low) or qs.invites_more(asked)))
        # "On a scale of 1 to 10, how confident are you?" asks for a number, however it opens.
        opens = opens and not _RATING.search(low) and not qs.self_directed(asked)
        # What is left once a product request is put on hold is what the rep actually talks about.
        about = lx.DEFERRAL.sub(" ", low) if topic else low
        names_product = topic and bool(lx.PRODUCT.search(about))  # read once: a product question mentions it too
        if is_q:
            hit("questions", s)
            suggests = bool(lx.SUGGESTIVE_QUESTION.match(low))
            if suggests:
                hit("suggestive_questions", s)
            # "Have you thought about how you might do that?" suggests and asks for their own account at once.
            if opens and (reflective or not suggests):
                hit("open_questions", s)
                # A question with nothing in it ("What?") or off every topic is a gaming tell.
                # "Why?" and "How so?" ask them to explain, in one word or two (said once: "Why? Why? Why?" is a tell).
                # A bare one ("What else?", "Why?") counts only as the reply's one follow-up: two or more are a barrage.
                if qs.bare_wh(s.words):
                    if sum(1 for t in sentences if qs.bare_wh(t.words)) == 1 and (qs.asks_why(s.words) or len(stems) >= 1):
                        hit("substantive_open_questions", s)
                elif len(stems) >= 1 or (ctx_stems and stems & ctx_stems) or len(s.words) >= 3:
                    hit("substantive_open_questions", s)
            elif suggests:
                pass
            elif lx.NARROW_QUESTION.match(asked):
                hit("narrow_questions", s)
            elif _CHECKING.match(asked) and not lx.CLOSED_QUESTION.match(asked):
                # "So you've missed target three months running?" checks understanding; it is not a
                # yes/no question closing the topic. Counted as a restatement when it carries their words.
                # A statement said as a question about them ("you ordered them already?") checks
                # understanding even in other words than theirs (MRDA's coders, MI's reflections).
                if want("restatements") and not rs.keyword_run(s.words, stems, ctx_stems) and (stems & ctx_stems or (len(stems) >= 2 and (_ABOUT_THEM.match(asked) or _ABOUT_THEM.match(low))) or rs.hedged_check(asked, stems, ctx_stems)):
                    hit("restatements", s)
                else:
                    hit("closed_questions", s)
            elif want("restatements") and (rs.checks_their_words(asked, stems, ctx_stems) or rs.hedged_check(asked, stems, ctx_stems)):
                # "Those are the NSA meetings?": a statement said as a question, in their words, checks understanding.
                hit("restatements", s)
            else:
                hit("closed_questions", s)
            if topic:
                if names_product:
                    hit("product_questions", s)
                    if first_product is None:
                        first_product = s.index
                elif _BUSINESS.occurs(low) or (ctx_stems and stems & ctx_stems):
                    hit("business_questions", s)
                    if first_business_q is None:
                        first_business_q = s.index
            if want("explore_questions") and lx.OBJECTION_EXPLORE.match(low):
                hit("explore_questions", s)
            if want("what_changed_questions") and lx.WHAT_CHANGED.search(low):
                hit("what_changed_questions", s)
        else:
            if want("second_person_statements") and lx.SECOND_PERSON_STATEMENT.match(low):
                hit("second_person_statements", s)
            if want("imperatives") and lx.IMPERATIVE.match(low) and not rs.LET_ME_RECAP.match(low):
                hit("imperatives", s)
        if topic:
            if names_product:
                hit("product_mentions", s)
                if first_product is None:
                    first_product = s.index
            if _PITCH.occurs(about):
                hit("pitch_statements", s)
                if first_product is None:
                    first_product = s.index
        if want("emotion_words"):
            # "Don't worry" waves the feeling away; it does not name it.
            n_emotion = len(lx.EMOTION.findall(lx.DISMISSED_FEELING.sub(" ", low) if "worr" in low else low))
            if n_emotion:
                hit("emotion_words", s, n_emotion)
        # "Sorry for the late reply", "sorry, I don't know": the rep apologising for themselves acknowledges
        # nothing of the other person's, so those words are out of sight of the sympathy patterns.
        # "sry u must feel awful", "i understand ur situation": chat shorthand, spelled out for the patterns
        # that listen for their feeling (issue 16, round 3).
        spelled = lx.spell_out_chat(low) if lx.CHAT_SHORTHAND.search(low) else low
        own_apology = "sorry" in spelled and bool(lx.SELF_APOLOGY.search(spelled))
        for name, pattern in patterns:
            if name == "feeling_reflections" and (opens or (is_q and lx.NARROW_QUESTION.match(asked))):
                continue  # "how does that make you feel?", "when did you notice you're feeling low?" ask about the feeling; they do not name it
            text_for = spelled if name in _CHAT_SIGNALS else low
            text_for = lx.SELF_APOLOGY.sub(" ", text_for).strip() if own_apology and name in _SYMPATHY_SIGNALS else text_for
            if name in _COUNT_EVERY_MATCH:
                n = len(pattern.findall(text_for))
                if n:
                    hit(name, s, n)
            elif _OCCURS[name].occurs(text_for):
                hit(name, s)
        if want("advice_sentences") and advice_probability(s.text) >= ADVICE_P:
            hit("advice_sentences", s)
        if steps and _STEP_ACTION.occurs(low) and lx.STEP_OWNER.search(low):
            timed = bool(lx.STEP_TIME.search(low))
            # A question only proposes a step when it names the time ("can we talk Friday at 10?").
            if not is_q or timed:
                hit("next_steps", s)
                if timed:
                    hit("next_steps_with_time", s)
        if first_impact is None and hits.get("impact_statements", [None])[-1] == s.index:
            first_impact = s.index
        if first_fix is None and hits.get("fix_statements", [None])[-1] == s.index:
            first_fix = s.index
        if want("reflections") and (not is_q or _CHECKING.match(asked)) and lx.REFLECTION.match(low) and not _SUGGESTS.occurs(low):
            hit("reflections", s)
        if not is_q and want("restatements") and _SO_RECAP.match(low) and stems & ctx_stems and hits.get("restatements", [None])[-1] != s.index:
            # "Oh so that's the signal-to-noise problem": a recap of their point, said as a statement.
            hit("restatements", s)
        if want("restatements") and hits.get("restatements", [None])[-1] != s.index and _restates(low, is_q, stems, ctx_stems, not said):
            hit("restatements", s)
        if ctx_worry and not is_q and want("answered_worries") and stems & ctx_stems - WORRY_STEMS and lx.ANSWER_CUE.search(low):
            # "Your records won't be lost: we keep a full backup" answers "I'm worried we'll lose our records".
            hit("answered_worries", s)
        said = said or bool(stems - rs.BACKCHANNEL)  # a recap opens the reply: nothing but "Hmm." came before it
        if ctx_stems:
            shared = stems & ctx_stems
            echoed |= shared
            if (len(shared) >= 2 and _YOU.search(low) and not opens) or (not is_q and want("mirrored_sentences") and rs.echo(s.words, stems, ctx_stems, context)):
                # ... or a short echo of their line ("And it's fun." after "and it's fun"): context_overlap decides.
                hit("mirrored_sentences", s)

    sig.excess_words = max(0, sig.words - 50)
    tokens = [w for s in sentences for w in s.words]
    sig.repeated_phrases = _repeated_ngrams(tokens)
    sig.repetition_share = round(sig.repeated_phrases / max(1, len(tokens) - 3), 3)
    sig.echoed_terms = len(echoed)
    sig.context_overlap = round(len(echoed) / len(ctx_stems), 3) if ctx_stems else 0.0
    sig.business_question_first = int(first_business_q is not None and (first_product is None or first_business_q < first_product))
    sig.product_pitch = int(first_product is not None and (first_business_q is None or first_product < first_business_q))
    sig.impact_before_fix = int(first_impact is not None and (first_fix is None or first_impact <= first_fix))
    felt = [i for name in ("sympathy_phrases", "feeling_reflections", "validations") for i in hits.get(name, [])]
    advised = [i for name in ("suggestions", "imperatives") for i in hits.get(name, [])]
    sig.empathy_before_fix = int(bool(felt) and bool(advised) and min(felt) < min(advised))
    return Analysis(text, context, sig, sentences, hits)


def _restates(low: str, is_q: bool, stems: set[str], ctx: frozenset[str], opening: bool = False) -> bool:
    """Their point said back without a listed frame (scoring.restating): another frame or a "so" recap."""
    if rs.frame(low) or rs.two_sided(low, stems) or rs.means_to_them(low, stems):
        return True
    if is_q or _SUGGESTS.occurs(low):
        return False
    return rs.so_recap(low, stems, ctx) or rs.recap_about_them(low, stems, opening) or rs.read_back(low, stems, ctx)


def _repeated_ngrams(tokens: list[str], n: int = 4) -> int:
    """Occurrences of n-grams beyond each one's first: all of them less the distinct ones."""
    grams = list(zip(*(tokens[i:] for i in range(n))))
    return len(grams) - len(set(grams))


_SO_RECAP = re.compile(r"^(?:(?:oh|ah|okay|ok|right|i see)[,\s]+)*so,? (?:that's|that is|this is|it's|there's|they're|they|the|he's|she's|he|she|we're)\b|\b(?:you're|you are|you were|he's|she's|they're) (?:talking about|saying|describing|getting at|asking about)\b")
# A statement said as a question: "so they can't...?", "you're not going to be here tomorrow?"
# ... or about what they described, drawn as an inference with "so" / "that means": "so they can't get
# clues from the other channels?", "so that means other people edit what you say?".
_ABOUT_THEM = re.compile(r"^(?:(?:oh|ah|okay|ok|and|so|yeah|yes|right|mm-hmm|mm|hmm|uh|um|well)[,\s]+)*(?:(?:so,? )?(?:you|you're|you've|you'd|you'll|your)\b|(?:so|that means|which means),? (?:they|they're|it|it's|this|that|that's|the|he|she|there)\b)")
_CHECKING = re.compile(r"^(?:(?:oh|ah|okay|ok|and|so|yeah|yes|right|mm-hmm|mm|hmm|uh|um|well)[,\s]+)*(?:so|you|you're|you've|you'd|you'll|your|they|they're|it's|that's|the|this|he|she|we|we're)\b")
# "mm-hmm" and "uh-huh" go whole (else "hmm" goes and leaves "mm-"); "you know" stays where it is the
# question's own verb ("how would you know", "what do you know about your asthma?").
_FILLER_RUN = re.compile(
    r"\b(?:mm-?hmm|uh-?huh|mhm|um+|uh+|erm+|er|ah+|hmm+|i mean|(?<!\bdo )(?<!\bdid )(?<!\bwould )(?<!\bcould )(?<!\bcan )(?<!\bwill )(?<!\bdoes )(?<!\bdon't )(?<!\bdidn't )you know|like|so|well|okay|ok)\b[,\s]*"
)
_CUT_WORD = re.compile(r"\b[\w']+-(?=\s|$)\s*")  # "wha-", "m-": a word cut off mid-way
_REPEAT = re.compile(r"\b([\w']+)(?:\s+\1\b)+")  # "what what", "the the"
# Lead-ins that put a question off without changing its kind: "can I ask, what does it do?", "I wonder why".
_ASK_LEAD = re.compile(r"^(?:i (?:just |simply )?(?:want(?:ed)?|'d like|would like) to (?:\w+ )?ask(?: you)?|(?:can|could|may) i ask(?: you)?|let me ask(?: you)?|i(?:'m| am)? wonder(?:ing)?|i(?:'m| am) curious|so the question is|my question is|the question is)\b[,:\s]*")


def fluent(low: str) -> str:
    """A transcribed question without its disfluencies (fillers, cut-off words, stutters, lead-ins)."""
    # Cut-off words and hyphen-joined restarts ("wha-", "so-so", "whe-when") all need a hyphen, which
    # most questions do not have: the three substitutions cost ~20 µs a question for nothing.
    out = _CUT_WORD.sub("", qs.collapse_restarts(low)) if "-" in low else low
    out = _REPEAT.sub(r"\1", out)
    out = _FILLER_RUN.sub("", out).strip()
    out = _REPEAT.sub(r"\1", out)
    return _ASK_LEAD.sub("", out).strip() or low


# The advice model's own decision point, not tuned: with the rules, on the tune halves it raised
# suggestion kappa on ESConv 0.58 -> 0.60, Advice dev/test 0.29 -> 0.37, MRDA 0.25 -> 0.35.
ADVICE_P = 0.5

# Framing is about how much of the reply is "can't" versus "can", so every match counts.
_COUNT_EVERY_MATCH = frozenset({"negative_framing", "positive_framing"})
_SYMPATHY_SIGNALS = frozenset({"sympathy_phrases", "acknowledgements"})
# The signals read with chat shorthand spelled out ("u", "ur", "sry", "thats").
_CHAT_SIGNALS = frozenset({"sympathy_phrases", "acknowledgements", "feeling_reflections", "validations", "reassurances", "support_offers"})
_YOU = re.compile(r"\b(?:you|your|you're|you've|you'd|yours|yourself)\b")
# The worry itself is not what they worry about: "Don't worry, you'll be fine" shares only "worry" with
# "I'm worried the update will break our reports", and answers nothing (issue 16, round 4).
WORRY_STEMS = frozenset(stem(w) for w in ["worry", "worried", "worrying", "worries", "concern", "concerned", "concerns", "afraid", "scared", "nervous", "anxious", "anxiety", "fear", "fears", "stress", "stressed", "panic", "fine", "okay", "sure"])
_LAST_CLAUSE = re.compile(r"[:;\u2014\u2013]|\s-\s")
# "Sorry you're feeling that way, but how do you know?" and "I see -- what made you switch?": the
# question after a lead-in clause. (" but " without a comma was measured too: it made a restating
# question on ESConv read as open, which the paraphrase weights then penalise; AnnoMI's coders call
# those questions, so the penalty stays and the bare " but " split does not.)
_RATING = re.compile(r"\bon (?:a|the|that|this) scale\b|\bscale (?:of|from) (?:0|1|one|zero)\b|\bfrom (?:0|1|one|zero) to (?:5|10|ten|five|100)\b")
_CLAUSE_BREAK = re.compile(r",|--|\s(?:and|so)\s")

_SENTENCE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sympathy_phrases", lx.SYMPATHY),
    ("acknowledgements", lx.ACKNOWLEDGEMENT),
    ("feeling_reflections", lx.FEELING_REFLECTION),
    ("validations", lx.VALIDATION),
    ("support_offers", lx.SUPPORT_OFFER),
    ("restatements", lx.RESTATEMENT),
    ("reassurances", lx.REASSURANCE),
    ("praise_words", lx.PRAISE),
    ("suggestions", lx.SUGGESTION),
    ("ownership_statements", lx.OWNERSHIP),
    ("deflections", lx.DEFLECTION),
    ("transparency_statements", lx.TRANSPARENCY),
    ("negative_framing", lx.NEGATIVE_FRAMING),
    ("positive_framing", lx.POSITIVE_FRAMING),
    ("objection_acknowledgements", lx.OBJECTION_ACK),
    ("impact_statements", lx.IMPACT),
    ("fix_statements", lx.FIX),
    ("goal_restatements", lx.GOAL_RESTATE),
    ("patience_invites", lx.PATIENCE_INVITE),
    ("impatience_markers", lx.IMPATIENCE),
)
# The same patterns, asked only whether they occur: branch by branch, skipping the branches whose words
# are not in the sentence (scoring.prefilter: sympathy 100 -> 12 µs a sentence, reassurance 74 -> 12, suggestion 55 -> 12).
_OCCURS = {name: Alternation(pattern) for name, pattern in _SENTENCE_PATTERNS}
# Whether a sentence advises at all, asked again by the reflection and restatement checks: searched whole,
# SUGGESTION took 64-98 µs a sentence over the dev file's replies, branch by branch 13-36 µs.
_SUGGESTS = _OCCURS["suggestions"]
# The other long alternations read of most sentences, likewise (per sentence over the dev file's replies,
# searched whole -> branch by branch): BUSINESS 3.9 -> 1.9 µs, STEP_ACTION 3.2 -> 1.9, PITCH 2.7 -> 1.7.
# (PRODUCT 2.6 -> 2.1, STEP_OWNER 1.6 -> 2.7 and DEFERRAL 1.4 -> 1.4 stay whole.)
_BUSINESS = Alternation(lx.BUSINESS)
_STEP_ACTION = Alternation(lx.STEP_ACTION)
_PITCH = Alternation(lx.PITCH)
