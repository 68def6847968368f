"""Coach's feedback: what went well, the one thing to try next, and a rewrite.

The rewrite always starts from one of the rep's own sentences (never from an
injected instruction) and changes it the way the catalog says, so the rep sees
their words showing the behavior.

What a coach would sign (issue #17):
- "went well" appears only when something did, and quotes it; a brush-off ("you'll have to
  call back") is never the thing praised;
- a rewrite fits the call (sales or service, `Setting`) and uses its own details (the customer's goal);
- text is shortened only between words and never inside a quotation, so a number or a quote is
  never cut ("…and 99.");
- a rewrite keeps the rep's own feeling word ("really frightening" stays frightening);
- no doubled punctuation where a quote ends a sentence (`?”.`).
"""

from __future__ import annotations

import re

from scoring import lexicon as lx
from scoring.catalog import Behavior
from scoring.signals import Analysis
from scoring.types import Feedback, Setting

MAX_QUOTE = 160
MAX_REWRITE = 240
MAX_GIST_WORDS = 14
SALES = Setting()

# First person -> second person, to play the other side's words back to them.
_SWAP = {
    "i": "you", "i'm": "you're", "im": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "am": "are", "was": "were",
    "we": "you", "we're": "you're", "we've": "you've", "our": "your", "ours": "yours", "us": "you",
}
# A persona's goal is written about them ("keep the CFO off her back"); said to them it is "your back".
_THIRD_TO_SECOND = {"her": "your", "his": "your", "their": "your", "she": "you", "he": "you", "him": "you",
                    "them": "you", "herself": "yourself", "himself": "yourself", "she's": "you're", "he's": "you're"}
_CLAUSE = re.compile(r"[^.!?;\n]+")
_OPENER = re.compile(r"^(?:(?:look|well|so|honestly|ok|okay|yeah|yes|no|um|uh|hi|hey|listen|frankly|basically)[,\s]+)+", re.IGNORECASE)

# Brush-offs: the catalog's deflections plus sending the customer away to try again on their own.
_BRUSH_OFF = re.compile(
    r"\b(?:(?:call|ring|phone|try|contact us|get in touch) (?:us |back |again )*(?:if|when|later|tomorrow|another time)"
    r"|if it(?:'s| is)? (?:still )?not (?:working|fixed|sorted)|(?:try|check) again later|give it (?:a )?(?:few )?"
    r"(?:hours|days|a day|a while)|(?:there's )?nothing (?:else |more )?(?:i|we) can do)\b",
    re.IGNORECASE)

# The feeling a rep named: "that sounds really frightening", "it must be so scary", "you must feel let down".
_FEELING = re.compile(
    r"\b(?:sounds?|must (?:be|feel|have been)|seems?|feels?|felt) (?:(?:really|so|very|quite|incredibly|pretty|such|a) )*"
    r"([a-z]+(?:-[a-z]+)?)", re.IGNORECASE)
# Feeling words a catalog template may use, which the rep's own word replaces.
_TEMPLATE_FEELINGS = ("frustrating",)
_NOT_FEELINGS = frozenset({"going", "being", "nothing", "something", "everything", "thing", "working"})

# Service calls: the catalog's sales wording ("send that over", "a small pilot") replaced by what a
# service agent would say, with the customer's own goal in it. `{goal}` is filled from the Setting.
_SERVICE = {
    "next_steps": " Here's what happens next: I'll stay with you while you try that, and I'll call you back "
                  "myself at four o'clock to check you can {goal}. Does that suit you?",
    "suggestion": " One option that would help you {goal}: I can set that up for you right now. Would that work?",
    "impact_before_fix": "I know this has held you up, and that's a real cost to you. ",
}
# The one thing to try next, where the catalog's example is a sales one.
_SERVICE_TRY_NEXT = {
    "next_steps": "Finish with one next step that has an owner and a time: “I'll call you back at four to check "
                  "it's working”.",
    "suggestion": "Offer one concrete option they could act on today, and ask if it suits them.",
}
_SERVICE_NO_GOAL = {
    "next_steps": " Here's what happens next: I'll stay with you while you try that, and I'll call you back "
                  "myself before four today to check it's working. Does that suit you?",
    "suggestion": " One option: I can set that up for you right now. Would that work?",
}
_SALES_WITH_GOAL = {
    "next_steps": " I'll send you a short summary by end of day today. Does Thursday at 10 work to plan how "
                  "you {goal}?",
}


def short(quote: str, limit: int = MAX_QUOTE) -> str:
    """`quote` cut to `limit` characters between words, never inside a number or a quotation."""
    quote = " ".join(quote.split())
    if len(quote) <= limit:
        return quote
    cut = quote[: limit - 1]
    if " " in cut and not quote[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]  # whole words only: "1,299.99" is one word
    while cut and _open_quote(cut):
        opened = max(cut.rfind(ch) for ch in "“\"")
        cut = cut[:opened]
    cut = cut.rstrip(" ,;:—–-(\"“")
    return (cut or quote.split(" ", 1)[0]) + "…"


def _open_quote(text: str) -> bool:
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def tidy(text: str) -> str:
    """One mark where a quoted sentence ends a sentence (`?”.` -> `?”`), one space between words."""
    text = re.sub(r"(?<!\.)([.!?…])([”\"’']?)\.(?!\.)", r"\1\2", text)  # an ellipsis "..." stays
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def try_next(behavior: Behavior, detected: bool, setting: Setting = SALES, feeling: str | None = None) -> str:
    """The one thing to try next, worded for this kind of call, with the rep's own feeling word in its example."""
    if not detected and setting.kind == "service" and behavior.id in _SERVICE_TRY_NEXT:
        return _SERVICE_TRY_NEXT[behavior.id]
    return tidy(keep_feeling(behavior.feedback.try_next_done if detected else behavior.feedback.try_next, feeling))


def is_brush_off(text: str) -> bool:
    """A deflection or brush-off: sending the customer away instead of owning the next step."""
    return bool(_BRUSH_OFF.search(text) or lx.DEFLECTION.search(text.lower()))


def went_well(behavior: Behavior, evidence: tuple[str, ...] | list[str]) -> str:
    """Praise for the first quoted evidence that is not a brush-off; '' when there is nothing to praise."""
    for quote in evidence:
        if not is_brush_off(quote):
            return tidy(behavior.feedback.went_well.format(quote=short(quote)))
    return ""


def gist(context: str) -> str:
    """The other side's first clause in second person: 'I'm worried about cost' -> 'you're worried about cost'."""
    for clause in _CLAUSE.findall(context or ""):
        tokens = _OPENER.sub("", clause.strip()).split()
        if len(tokens) >= 3:
            tokens = tokens[:MAX_GIST_WORDS]
            swapped = [_SWAP.get(t.lower().strip(",'\""), t) if t.lower().strip(",'\"") in _SWAP else t for t in tokens]
            text = " ".join(swapped).rstrip(",")
            return text[0].lower() + text[1:] if text[:2] != "I " else text
    return "what matters most to you here"


def goal_phrase(goal: str) -> str:
    """A persona's goal said to them: 'keep the CFO off her back' -> 'keep the CFO off your back'."""
    words = [_THIRD_TO_SECOND.get(w.lower(), w) for w in goal.strip().rstrip(".").split()]
    return " ".join(words)


def _pick_sentence(behavior: Behavior, analysis: Analysis) -> str | None:
    injected = set(analysis.hits.get("injection_attempts", []))
    candidates = [s for s in analysis.sentences if s.index not in injected]
    if not candidates:
        return None
    for signal in behavior.feedback.rewrite.pick:
        for i in analysis.hits.get(signal, []):
            if i not in injected:
                return analysis.sentences[i].text
    for s in candidates:  # a brush-off is the sentence a coach would rewrite first
        if is_brush_off(s.text):
            return s.text
    # Otherwise the sentence that shows the behavior least: one not already quoted as evidence.
    shown = {analysis.hits[s][0] for s in behavior.evidence_signals if analysis.hits.get(s)}
    for s in candidates:
        if s.index not in shown:
            return s.text
    return candidates[0].text


def _apply_replacements(sentence: str, replace: dict[str, str]) -> tuple[str, bool]:
    changed = False
    for old, new in replace.items():
        pattern = re.compile(re.escape(old).replace("'", "['’]"), re.IGNORECASE)
        if pattern.search(sentence):
            sentence = pattern.sub(new, sentence)
            changed = True
    if sentence:
        sentence = sentence[0].upper() + sentence[1:]
    return re.sub(r"\s{2,}", " ", sentence).strip(), changed


def rep_feeling(text: str) -> str | None:
    """The feeling word the rep named ('that sounds really frightening' -> 'frightening'), if any."""
    for match in _FEELING.finditer(text):
        word = match.group(1).lower()
        feeling = lx.EMOTION.fullmatch(word) or re.fullmatch(lx.EMO_ADJ, word) or word.endswith(("ening", "ful", "ing"))
        if feeling and word not in _NOT_FEELINGS:
            return word
    return None


def _templates(behavior: Behavior, setting: Setting) -> tuple[str, str]:
    """(prefix, suffix) for this behavior in this kind of call, filled with the call's own details."""
    spec = behavior.feedback.rewrite
    prefix, suffix = spec.prefix, spec.suffix
    goal = goal_phrase(setting.goal) if setting.goal else ""
    if setting.kind == "service" and behavior.id in _SERVICE:
        text = _SERVICE_NO_GOAL.get(behavior.id, _SERVICE[behavior.id]) if not goal else _SERVICE[behavior.id]
        if text.startswith(" "):
            suffix = text.format(goal=goal)
        else:
            prefix = text.format(goal=goal)
    elif setting.kind == "sales" and goal and behavior.id in _SALES_WITH_GOAL:
        suffix = _SALES_WITH_GOAL[behavior.id].format(goal=goal)
    return prefix, suffix


def keep_feeling(text: str, feeling: str | None) -> str:
    """The catalog's example feeling ("frustrating") replaced by the one the rep named, if they named one."""
    if not feeling:
        return text
    for word in _TEMPLATE_FEELINGS:
        text = re.sub(rf"\b{word}\b", feeling, text)
    return text


def rewrite(behavior: Behavior, analysis: Analysis, setting: Setting = SALES, feeling: str | None = None) -> str | None:
    """One of the rep's sentences, rewritten to show the behavior in this kind of call.

    `feeling`: the feeling word the rep used anywhere in the session; by default, in this reply."""
    sentence = _pick_sentence(behavior, analysis)
    if sentence is None:
        return None
    spec = behavior.feedback.rewrite
    sentence = short(sentence, MAX_REWRITE)
    new, changed = _apply_replacements(sentence, spec.replace)
    fill = {"gist": gist(analysis.context)}
    prefix_t, suffix_t = _templates(behavior, setting)
    if changed and not suffix_t:
        return tidy(new)
    prefix = prefix_t.format(**fill) if prefix_t else ""
    suffix = suffix_t.format(**fill) if suffix_t else ""
    # Advice must not swap the rep's better word for the template's.
    prefix = keep_feeling(prefix, feeling or rep_feeling(" ".join(s.text for s in analysis.sentences)))
    # A template line the rep already said elsewhere in the reply adds nothing but a repeat.
    said = " ".join(_words(analysis.text))
    prefix = "" if prefix and " ".join(_words(prefix)) in said else prefix
    suffix = "" if suffix and " ".join(_words(suffix)) in said else suffix
    if not prefix and not suffix and not changed:
        return None
    if (not changed and is_brush_off(new)) or _said_already(new, prefix + " " + suffix):
        # A brush-off is replaced, not kept beside the better line; and
        # "That sounds really frustrating." needs no second copy after the catalog's fuller version of it.
        return tidy(f"{prefix}{suffix}")
    return tidy(f"{prefix}{new}{suffix}")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _said_already(sentence: str, template: str) -> bool:
    """Whether the template already says the rep's sentence: opens with all of it, or carries most of its words.

    "Before we talk price, what's driving this?" after "Before we get to pricing, what's driving this for
    you right now...?" would say the same thing twice; the catalog's fuller version is enough.
    """
    words = _words(sentence)
    if not words:
        return True
    if any(_words(part)[: len(words)] == words for part in re.split(r"(?<=[.!?])\s+|,\s*", template)):
        return True
    template_words = set(_words(template))
    shared = sum(1 for w in words if w in template_words)
    return len(words) >= 3 and shared * 3 >= len(words) * 2


def build_feedback(
    behavior: Behavior,
    analysis: Analysis,
    detected: bool,
    evidence: tuple[str, ...],
    notes: tuple[str, ...] = (),
    setting: Setting = SALES,
) -> Feedback:
    """Assemble went_well / try_next / rewrite; `notes` (e.g. pace) lead try_next when present."""
    advice = notes[0] if notes else try_next(behavior, detected, setting)
    return Feedback(went_well=went_well(behavior, evidence), try_next=tidy(advice),
                    rewrite=rewrite(behavior, analysis, setting))
