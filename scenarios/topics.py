"""Topics: when a message mentions one, and whether a scenario's topics, facts and lines fit together.

The offline buyer answers only what the rep said, so the words that name a
topic decide everything: `mentions` is the one matcher, used both by the buyer
at run time and by `topic_problems` when a file is validated (a topic-free line
that names a topic would make the buyer react to something nobody said).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from scenarios.schema import MOVES, Scenario

Loc = tuple[str | int, ...]

# The reactions that answer no topic, so may name nothing the rep might not have said (nudges: the concern).
TOPIC_FREE = ("unclear", "nudge", "pitch_pushback", "proposal")

# Plural and tense endings only: a word never matches inside another ("wan" is not "want").
_ENDINGS = r"(?:s|es|ed|d|ing)?"


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def _body(word: str) -> str:
    return r"\s+".join(re.escape(part) for part in normalise(word).split())


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w]){_body(word)}{_ENDINGS}(?![\w])")


def mentions(words: Iterable[str], text: str) -> list[str]:
    """The topic words (and phrases) that occur in `text`, in the order they were listed."""
    said = normalise(text)
    return [w for w in words if _pattern(w).search(said)]


def weight(words: Iterable[str], text: str) -> int:
    """How much of `text` is about these words: distinct places they occur ("affect" and "affecting" count once)."""
    return sum(1 for _ in _any_at(tuple(words)).finditer(normalise(text)))


def prepare(scenario: Scenario) -> None:
    """Build the matchers `weight` uses for each of the scenario's topics now, not on a rep's turn.

    Compiling them took 2-3 ms of CPU per scenario, paid by the first turn of each scenario after a
    start: those turns were the slowest 2-3 % of a 50-rep run (benchmarks/turn_floor.py, issue #26)."""
    for topic in scenario.topics:
        _any_at(tuple(topic.words))


@lru_cache(maxsize=1024)
def _any_at(words: tuple[str, ...]) -> re.Pattern[str]:
    """Matches (empty) at each place where any of `words` starts, as `_pattern` matches it.

    One scan per topic instead of one per word: the buyer weighs every topic of the scenario on every
    turn (issue #26). A lookahead matches nothing, so every place is tried, overlaps included."""
    if not words:
        return re.compile(r"(?!)")
    alternatives = "|".join(_body(w) for w in words)
    return re.compile(rf"(?<![\w])(?=(?:{alternatives}){_ENDINGS}(?![\w]))")


def topic_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every way the topics, facts and lines fail to fit together, each with where it is."""
    problems: list[tuple[Loc, str]] = []
    ids = [t.id for t in scenario.topics]
    seen_ids: set[str] = set()
    for i, topic in enumerate(scenario.topics):
        if topic.id in seen_ids:
            problems.append((("topics", i, "id"), f"topic '{topic.id}' is defined twice"))
        seen_ids.add(topic.id)
    if scenario.concern not in seen_ids:
        problems.append((("concern",), f"'{scenario.concern}' is not a topic; use one of: {', '.join(ids)}"))

    facts = {f.id for f in scenario.hidden_facts}
    listed = [f for t in scenario.topics for f in t.facts]
    if listed and not facts:
        problems.append((("hidden_facts",), f"is empty, but the topics list facts ({', '.join(listed)}); "
                         "define them here or take them off the topics"))
    placed: dict[str, str] = {}
    for i, topic in enumerate(scenario.topics):
        for j, fact_id in enumerate(topic.facts):
            if fact_id not in facts:
                if facts:
                    problems.append((("topics", i, "facts", j), f"no hidden fact '{fact_id}'; known: {', '.join(sorted(facts))}"))
            elif fact_id in placed:
                problems.append((("topics", i, "facts", j), f"hidden fact '{fact_id}' is already on topic '{placed[fact_id]}'"))
            else:
                placed[fact_id] = topic.id
    for k, fact in enumerate(scenario.hidden_facts):
        if fact.id not in placed:
            problems.append((("hidden_facts", k, "id"), f"hidden fact '{fact.id}' is on no topic, so no rep could earn it; "
                             "list it under the facts of the topic it is about"))

    problems += _repeated_lines(scenario)
    problems += _generic_lines_name_no_topic(scenario)

    generic = sum(len(getattr(scenario.reactions, pool)) for pool in TOPIC_FREE)
    if generic < scenario.max_turns - 1:
        problems.append((("max_turns",), f"{scenario.max_turns} turns need {scenario.max_turns - 1} topic-free lines so the buyer "
                         f"never repeats itself, and reactions.unclear, nudge, pitch_pushback and proposal hold {generic}: "
                         "add lines there or lower max_turns"))
    return problems


def all_lines(scenario: Scenario) -> list[str]:
    """Every line the offline buyer can say in this scenario (opening, facts, replies, topic-free lines, closing)."""
    return [line.strip() for _, line in _all_lines(scenario)]


def _all_lines(scenario: Scenario) -> list[tuple[Loc, str]]:
    lines: list[tuple[Loc, str]] = [(("opening_line",), scenario.opening_line)]
    lines += [(("hidden_facts", k, "fact"), f.fact) for k, f in enumerate(scenario.hidden_facts)]
    for i, topic in enumerate(scenario.topics):
        for move in MOVES:
            lines += [(("topics", i, "replies", move, j), line) for j, line in enumerate(getattr(topic.replies, move))]
    r = scenario.reactions
    for pool in TOPIC_FREE:
        lines += [(("reactions", pool, j), line) for j, line in enumerate(getattr(r, pool))]
    lines.append((("reactions", "closing"), r.closing))
    return lines


def _repeated_lines(scenario: Scenario) -> list[tuple[Loc, str]]:
    """The buyer never says a line twice in a session; a line written twice would let it."""
    first: dict[str, Loc] = {}
    problems: list[tuple[Loc, str]] = []
    for loc, line in _all_lines(scenario):
        key = normalise(line)
        if key in first:
            where = ".".join(str(p) for p in first[key])
            problems.append((loc, f"the same line is already at {where}; every line must be different"))
        else:
            first[key] = loc
    return problems


def _generic_lines_name_no_topic(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Lines that answer no topic may not name one (a nudge may name the buyer's own concern)."""
    problems: list[tuple[Loc, str]] = []
    r = scenario.reactions
    # Nudges name the concern by design; with no valid concern the one problem to report is the concern.
    pools = TOPIC_FREE if scenario.concern in {t.id for t in scenario.topics} \
        else tuple(p for p in TOPIC_FREE if p != "nudge")
    for pool in pools:
        for j, line in enumerate(getattr(r, pool)):
            for topic in scenario.topics:
                if pool == "nudge" and topic.id == scenario.concern:
                    continue
                named = mentions(topic.words, line)
                if named:
                    problems.append((("reactions", pool, j), f"names '{named[0]}' (topic '{topic.id}'), which the rep may "
                                     "never have said; keep this line general or move it under that topic"))
    return problems
