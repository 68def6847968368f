"""Searching a long alternation branch by branch gives exactly the answers of searching it whole.

scoring.prefilter skips the branches whose needed words are not in a sentence;
a skip that lost a match would silently change what the scorer detects. These
tests compare the two answers on every sentence the scoring tests write (their
string literals), the scenarios' lines and, when present, the labelled dev data.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from scoring import lexicon as lx
from scoring import questions as qs
from scoring import restating as rs
from scoring.prefilter import Alternation, AnyOf
from scoring.signals import _SENTENCE_PATTERNS
from scoring.text import split_sentences

ROOT = Path(__file__).resolve().parents[2]
DEV_DATA = ROOT.parent / "shared" / "data" / "behaviors_dev.jsonl"
# The signal patterns, and the others read through an Alternation (scoring.signals, restating, questions).
PATTERNS = dict(_SENTENCE_PATTERNS) | {
    "BUSINESS": lx.BUSINESS, "STEP_ACTION": lx.STEP_ACTION, "PITCH": lx.PITCH,
    "FRAME": rs.FRAME, "_MORE_FRAMES": rs._MORE_FRAMES, "_INVITE": qs._INVITE,
}


def _written_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) >= 8]


def _sentences() -> list[str]:
    texts = [text for path in sorted((ROOT / "tests" / "scoring").glob("*.py")) for text in _written_in(path)]
    texts += [line for path in sorted((ROOT / "scenarios").rglob("*.yaml"))
              for line in path.read_text(encoding="utf-8").splitlines() if len(line) >= 8]
    if DEV_DATA.exists():
        for row in DEV_DATA.read_text(encoding="utf-8").splitlines():
            if row.strip():
                record = json.loads(row)
                texts += [record.get("text") or "", record.get("context") or ""]
    lowered = {s.lower for text in texts if text.strip() for s in split_sentences(text)}
    # The chat-shorthand signals read the sentence spelled out ("sry u must feel awful").
    return sorted(lowered | {lx.spell_out_chat(s) for s in lowered})


SENTENCES = _sentences()


def test_there_are_enough_sentences_to_mean_something() -> None:
    assert len(SENTENCES) > 1000


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_each_signal_pattern_occurs_in_exactly_the_sentences_it_matches_whole(name: str) -> None:
    pattern, alternation = PATTERNS[name], Alternation(PATTERNS[name])
    assert len(alternation.branches) >= 1
    differ = [s for s in SENTENCES if alternation.occurs(s) != bool(pattern.search(s))]
    assert differ == [], f"{name}: {differ[:5]}"
    # Something to compare: the pattern does match some of these sentences, and misses others.
    found = sum(alternation.occurs(s) for s in SENTENCES)
    assert 0 < found < len(SENTENCES)


def test_the_big_patterns_are_split_into_their_branches_each_with_words_it_needs() -> None:
    sympathy = Alternation(lx.SYMPATHY)
    assert len(sympathy.branches) > 50
    assert all(branch.needs for branch in sympathy.branches)
    assert sympathy.occurs("i'm so sorry to hear that")
    assert not sympathy.occurs("the invoice goes out on friday")


def test_a_leading_group_of_alternatives_opens_into_branches_and_keeps_its_anchor() -> None:
    alternation = Alternation(re.compile(r"\b(?:so sorry|(?:is|was) hard)"))
    assert [b.needs for b in alternation.branches] == [("so sorry",), (" hard",)]
    assert alternation.occurs("that was hard") and alternation.occurs("it is harder")
    assert not alternation.occurs("alsoso sorry")  # the \b stays with each branch


def test_a_group_closed_by_a_word_boundary_opens_into_branches_that_keep_it() -> None:
    alternation = Alternation(re.compile(r"\b(?:so sorry|(?:is|was) hard)\b"))
    assert [b.needs for b in alternation.branches] == [("so sorry",), (" hard",)]
    assert alternation.occurs("that was hard.") and not alternation.occurs("it is harder")  # the \b stays with each branch
    assert not alternation.occurs("so sorryful")


@pytest.mark.parametrize("words", [("a",), ("sorry", "hard"), ("you", "your", "feel", "felt", "sorry")])
def test_any_of_finds_a_string_exactly_where_a_substring_test_does(words: tuple[str, ...]) -> None:
    any_of = AnyOf(words)
    for text in ["", "i'm so sorry", "that was hard", "how do you feel", "nothing here", *SENTENCES[:500]]:
        assert any_of.found_in(text) is any(word in text for word in words)


@pytest.mark.parametrize("pattern, text, expected", [
    (r"[|a]b|cd", "|b", True),            # a "|" inside a character class does not split
    (r"x\|y|zz", "x|y", True),            # nor does an escaped one
    (r"(?<!not )bad|good", "not bad", False),  # lookbehinds see the whole text, as before
    (r"\d+|apple", "42", True),           # a branch with no literal to need is always searched
    (r"(?:ab)+c|q", "ababc", True),       # a repeat needs its body's strings
    (r"(?:ab)?c", "c", True),             # an optional part needs nothing
])
def test_odd_shapes_give_the_whole_patterns_answer(pattern: str, text: str, expected: bool) -> None:
    compiled = re.compile(pattern)
    assert bool(compiled.search(text)) is expected
    assert Alternation(compiled).occurs(text) is expected


def test_a_case_blind_pattern_is_searched_whole() -> None:
    alternation = Alternation(re.compile(r"sorry|hard", re.IGNORECASE))
    assert len(alternation.branches) == 1 and alternation.branches[0].needs is None
    assert alternation.occurs("SORRY")
