"""Drafts: a short form turned into a whole scenario, and the guard rails every draft passes.

Three ways of authoring (a description drafted by an LLM, the short form, a YAML
file) end in `finish_draft`, so they share one result: personal data scrubbed,
the scenario schema and topic checks of scenarios/loader.py passed, and the
authoring guard rails below passed. Pure: no storage, no network.

Guard rails (beyond what the validator already refuses in any file):
- at least one catalog behavior, and one of those the author asked for;
- every hidden fact unlocked by a behavior the scenario coaches, or no rep
  practising it would be scored for earning it;
- the opening line keeps the hidden facts hidden;
- no email address or phone number anywhere (stripped, and reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from scenarios.loader import ScenarioError, ScenarioProblem, parse_scenario
from scenarios.schema import Scenario
from scenarios.scrub import personal_data_in, scrub_data
from scenarios.topics import mentions
from scoring.signals import STOPWORDS, content_stems
from scoring.text import words as tokens

# The opening gives a fact away when it carries half of the fact's content words (at least two), a
# figure of the fact, or four of its words in a row. The shipped library peaks at 17% (one word of six).
GIVEAWAY_SHARE = 0.5
GIVEAWAY_RUN = 4


@dataclass(frozen=True)
class FactForm:
    """One hidden fact on the form: what the buyer says, what it is about, which behaviors earn it."""

    fact: str
    about: str
    unlocked_by: tuple[str, ...]
    words: tuple[str, ...] = ()  # what a rep says to bring it up; suggested from `about` and `fact` if empty


@dataclass(frozen=True)
class ScenarioForm:
    """The short form (terminal wizard or Slack modal): enough to make a whole, valid scenario."""

    title: str
    behaviors: tuple[str, ...]
    buyer_name: str
    buyer_role: str
    company: str
    concern: str  # what the buyer wants sorted, as a phrase: "the double bookings"
    opening_line: str
    facts: tuple[FactForm, ...] = ()
    summary: str = ""
    mood: str = "neutral"
    background: str = ""
    skill_area: str = "practice"
    concern_words: tuple[str, ...] = ()
    closing: str = ""
    max_turns: int = 6
    expected_minutes: int = 10


@dataclass(frozen=True)
class Drafted:
    """A draft that passed everything: the scenario, its YAML, and what personal data was stripped."""

    scenario: Scenario
    yaml: str
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftInvalid(Exception):
    """A draft that failed the validator or a guard rail; each problem is 'field: message'."""

    problems: tuple[str, ...]
    removed: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return "\n".join(self.problems)


# ---- one result for every way of authoring -----------------------------------------------------


def finish_draft(data: dict[str, Any], requested: Sequence[str] = (), path: str = "<draft>") -> Drafted:
    """Scrub, validate and check a drafted scenario; DraftInvalid lists every problem."""
    clean, removed = scrub_data(data)
    text = to_yaml(clean)
    try:
        scenario = parse_scenario(text, path)
    except ScenarioError as exc:
        raise DraftInvalid(tuple(_problem_text(p) for p in exc.problems), tuple(removed)) from None
    problems = [f"{where}: {message}" for where, message in guard_rail_problems(scenario, requested)]
    if problems:
        raise DraftInvalid(tuple(problems), tuple(removed))
    return Drafted(scenario, to_yaml(scenario.model_dump(mode="json")), tuple(removed))


def _problem_text(problem: ScenarioProblem) -> str:
    return f"{problem.field}: {problem.message}" if problem.field else problem.message


def to_yaml(data: dict[str, Any]) -> str:
    """The readable YAML of a scenario: fields in the schema's order, long lines folded by PyYAML."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def guard_rail_problems(scenario: Scenario, requested: Sequence[str] = ()) -> list[tuple[str, str]]:
    """What an authored draft must get right beyond the schema, each as (field, message)."""
    problems: list[tuple[str, str]] = []
    if requested and not set(requested) & set(scenario.behaviors):
        problems.append(("behaviors", f"names none of the behaviors asked for ({', '.join(requested)})"))
    for k, fact in enumerate(scenario.hidden_facts):
        if not set(fact.unlocked_by) & set(scenario.behaviors):
            problems.append((f"hidden_facts.{k}.unlocked_by",
                             f"hidden fact '{fact.id}' is unlocked only by {', '.join(fact.unlocked_by)}, which the "
                             f"scenario does not coach; use one of {', '.join(scenario.behaviors)}"))
        given = gives_away(scenario.opening_line, fact.fact)
        if given:
            problems.append(("opening_line", f"gives away hidden fact '{fact.id}' ({given}); the rep must earn it"))
    for loc, item in personal_data_in(scenario):
        problems.append((".".join(str(p) for p in loc), f"carries personal data ('{item}'); use no real contact details"))
    return problems


def gives_away(opening: str, fact: str) -> str | None:
    """Why the opening line reveals the fact, or None when it keeps it hidden."""
    fact_words, opening_words = tokens(fact), tokens(opening)
    figures = {w for w in fact_words if any(ch.isdigit() for ch in w)} & set(opening_words)
    if figures:
        return f"it says {', '.join(sorted(figures))}"
    wanted = content_stems(fact_words)
    shared = wanted & content_stems(opening_words)
    if len(shared) >= 2 and len(shared) >= GIVEAWAY_SHARE * len(wanted):
        return f"it shares {', '.join(sorted(shared))}"
    runs = {" ".join(fact_words[i:i + GIVEAWAY_RUN]) for i in range(len(fact_words) - GIVEAWAY_RUN + 1)}
    said = " ".join(opening_words)
    run = next((r for r in sorted(runs) if f" {r} " in f" {said} "), None)
    return f"it says '{run}'" if run else None


# ---- the short form ----------------------------------------------------------------------------


def slug(text: str, sep: str = "-", limit: int = 60) -> str:
    """A scenario or topic id made from a title: lower case, ascii letters and digits, `sep` between words."""
    parts = re.findall(r"[a-z0-9]+", text.lower())
    out = sep.join(parts)[:limit].strip(sep)
    return out if len(out) >= 2 else f"scenario{sep}draft"


def suggest_words(*texts: str, limit: int = 8) -> tuple[str, ...]:
    """Words a rep would likely use about a subject: the content words of its description, in order."""
    seen: list[str] = []
    for text in texts:
        for word in tokens(text):
            if word in STOPWORDS or len(word) < 4 or not word.isalpha():
                continue
            # A topic word matches its own plural and tense endings, not its stem: "bookings" needs "booking".
            for form in (word, word[:-1] if word.endswith("s") and not word.endswith("ss") else word):
                if form not in seen:
                    seen.append(form)
    return tuple(seen[:limit])


def scenario_from_form(form: ScenarioForm, scenario_id: str | None = None) -> dict[str, Any]:
    """The whole scenario a form describes, as data for `finish_draft`.

    The form names the concern and each fact's subject; topics come from them (the concern first, then
    one topic per fact, each with the words a rep would use), and the buyer's per-move replies and
    topic-free lines are written around those subjects, so the offline buyer can play it at once."""
    concern_label = _phrase(form.concern)
    concern_id = slug(form.concern, "_", 30)
    used_ids = {concern_id}
    facts: list[dict[str, Any]] = []
    topics: list[dict[str, Any]] = [{
        "id": concern_id,
        "words": list(form.concern_words or suggest_words(form.concern, form.title)) or [concern_label],
        "facts": [],
        "replies": _replies(concern_label, CONCERN_REPLIES),
    }]
    for fact in form.facts:
        topic_id = _unique(slug(fact.about, "_", 30), used_ids)
        label = _phrase(fact.about)
        facts.append({"id": topic_id, "fact": fact.fact.strip(), "unlocked_by": list(fact.unlocked_by)})
        topics.append({
            "id": topic_id,
            "words": list(fact.words or suggest_words(fact.about, fact.fact)) or [label],
            "facts": [topic_id],
            "replies": _replies(label, FACT_REPLIES),
        })
    all_words = [(t["id"], t["words"]) for t in topics]
    reactions = {
        "unclear": _topic_free(UNCLEAR, all_words, 2),
        "nudge": _topic_free([n.format(c=concern_label) for n in NUDGE], all_words, 2, allow=concern_id),
        "pitch_pushback": _topic_free(PITCH_PUSHBACK, all_words, 1),
        "proposal": _topic_free(PROPOSAL, all_words, 1),
        "closing": form.closing.strip() or f"I have to go. Let me know what happens about {concern_label}.",
    }
    summary = form.summary.strip() or (
        f"{form.buyer_name}, {form.buyer_role} at {form.company}, wants {concern_label} sorted. "
        f"Practise {', '.join(form.behaviors)}.")
    return {
        "id": scenario_id or slug(form.title), "version": 1, "kind": "practice", "title": form.title.strip(),
        "skill_area": form.skill_area.strip() or "practice", "behaviors": list(form.behaviors), "summary": summary,
        "persona": {"name": form.buyer_name.strip(), "role": form.buyer_role.strip(), "company": form.company.strip(),
                    "mood": form.mood.strip() or "neutral", "background": form.background.strip(), "goals": []},
        "opening_line": form.opening_line.strip(), "hidden_facts": facts, "concern": concern_id, "topics": topics,
        "reactions": reactions, "max_turns": form.max_turns, "expected_minutes": form.expected_minutes,
        "tags": ["workspace"],
    }


# Per-move replies around a subject ({s}, and {S} capitalised). Every line names its subject, so two
# topics never share a line (the validator refuses a line written twice).
CONCERN_REPLIES = {
    "asked": ["It's {s}. That's why I'm calling.", "Honestly? {S}. It keeps happening."],
    "acknowledged": ["Thank you. It's been hard, with {s}.", "Yes, exactly. {S}, again and again."],
    "pitched": ["I don't need a pitch. I need {s} sorted."],
    "proposed": ["Maybe. Would that actually stop {s}?"],
    "told": ["Okay. But what does that mean for {s}?", "Right. And how does that fix {s}?"],
}
FACT_REPLIES = {
    "asked": ["{S}? It's part of it, yes.", "I'd rather not go into {s} just yet."],
    "acknowledged": ["Thanks. Yes, {s} weighs on me."],
    "pitched": ["That won't help with {s}."],
    "proposed": ["Possibly, as long as it covers {s}."],
    "told": ["Okay. That doesn't really change {s} though."],
}
UNCLEAR = ["Sorry, what do you mean?", "You've lost me. Can you put that another way?",
           "I'm not following. What are you asking?", "Sorry, can you say that more simply?"]
NUDGE = ["Can we get back to {c}?", "I really need to sort out {c}.", "Can we stay on what I called about?",
         "That's not why I'm here, to be honest."]
PITCH_PUSHBACK = ["That sounds like a sales pitch. It's not what I asked.", "I'd rather not get into that right now.",
                  "I don't need the brochure version."]
PROPOSAL = ["Maybe. What would that involve?", "Possibly. Tell me what happens next.", "Okay, if it's quick."]


def _phrase(text: str) -> str:
    text = " ".join(text.strip().rstrip(".!?").split())
    return text[:1].lower() + text[1:] if text[:2].istitle() and not text[:2].isupper() else text


def _replies(label: str, templates: dict[str, list[str]]) -> dict[str, list[str]]:
    cap = label[:1].upper() + label[1:]
    return {move: [t.format(s=label, S=cap) for t in lines] for move, lines in templates.items()}


def _unique(candidate: str, used: set[str]) -> str:
    out, n = candidate, 2
    while out in used:
        out, n = f"{candidate}_{n}", n + 1
    used.add(out)
    return out


def _topic_free(candidates: Iterable[str], topic_words: list[tuple[str, list[str]]], at_least: int,
                allow: str | None = None) -> list[str]:
    """The candidate lines that name no topic (but `allow`), as the validator requires of topic-free lines;
    the neutral ones close the list, so there are always `at_least`."""
    fine = [c for c in candidates if not any(mentions(words, c) for tid, words in topic_words if tid != allow)]
    return fine if len(fine) >= at_least else fine + [c for c in NEUTRAL if c not in fine][:at_least - len(fine)]


NEUTRAL = ["Sorry, I'm not sure I follow.", "Go on."]
