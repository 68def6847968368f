"""Coach's feedback: what went well, the one thing to try next, and a rewrite.

The rewrite always starts from one of the rep's own sentences (never from an
injected instruction) and changes it the way the catalog says, so the rep sees
their words showing the behavior.
"""

from __future__ import annotations

import re

from scoring.catalog import Behavior
from scoring.signals import Analysis
from scoring.types import Feedback

MAX_QUOTE = 160
MAX_GIST_WORDS = 14

# First person -> second person, to play the other side's words back to them.
_SWAP = {
    "i": "you", "i'm": "you're", "im": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "am": "are", "was": "were",
    "we": "you", "we're": "you're", "we've": "you've", "our": "your", "ours": "yours", "us": "you",
}
_CLAUSE = re.compile(r"[^.!?;\n]+")
_OPENER = re.compile(r"^(?:(?:look|well|so|honestly|ok|okay|yeah|yes|no|um|uh|hi|hey|listen|frankly|basically)[,\s]+)+", re.IGNORECASE)


def short(quote: str, limit: int = MAX_QUOTE) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1].rstrip() + "…"


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


def _pick_sentence(behavior: Behavior, analysis: Analysis) -> str | None:
    injected = set(analysis.hits.get("injection_attempts", []))
    candidates = [s for s in analysis.sentences if s.index not in injected]
    if not candidates:
        return None
    for signal in behavior.feedback.rewrite.pick:
        for i in analysis.hits.get(signal, []):
            if i not in injected:
                return analysis.sentences[i].text
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


def rewrite(behavior: Behavior, analysis: Analysis) -> str | None:
    """One of the rep's sentences, rewritten to show the behavior."""
    sentence = _pick_sentence(behavior, analysis)
    if sentence is None:
        return None
    spec = behavior.feedback.rewrite
    sentence = short(sentence, 240)
    new, changed = _apply_replacements(sentence, spec.replace)
    fill = {"gist": gist(analysis.context)}
    if changed and not spec.suffix:
        return new
    prefix = spec.prefix.format(**fill) if spec.prefix else ""
    suffix = spec.suffix.format(**fill) if spec.suffix else ""
    # A template line the rep already said elsewhere in the reply adds nothing but a repeat.
    said = " ".join(_words(analysis.text))
    prefix = "" if prefix and " ".join(_words(prefix)) in said else prefix
    suffix = "" if suffix and " ".join(_words(suffix)) in said else suffix
    if not prefix and not suffix and not changed:
        return None
    if _said_already(new, prefix + " " + suffix):
        # "That sounds really frustrating." needs no second copy after the catalog's fuller version of it.
        return f"{prefix}{suffix}".strip()
    return f"{prefix}{new}{suffix}".strip()


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
) -> Feedback:
    """Assemble went_well / try_next / rewrite; `notes` (e.g. pace) lead try_next when present."""
    text = behavior.feedback
    went_well = text.went_well.format(quote=short(evidence[0])) if evidence else text.went_well_none
    try_next = text.try_next_done if detected else text.try_next
    if notes:
        try_next = notes[0]
    return Feedback(went_well=went_well, try_next=try_next, rewrite=rewrite(behavior, analysis))
