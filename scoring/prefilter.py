"""Whether a long alternation occurs in a sentence, trying only the branches whose words are there.

Python's re tries every alternative of `\\b(?:a|b|c|...)` at every position of
the text. The empathy and reassurance patterns have over a hundred alternatives
each, and searching one sentence took 80-100 µs (benchmarks/scoring_speed.py
and a per-pattern timing over the dev file's replies): the largest part of the
offline buyer's reading of a turn (issue #26).

Every branch of a pattern needs some literal text to match: "sorry" in
"(?:so|really) sorry (?:to hear|that)", one of the feeling words in
"(?:is|sounds) " + FEELING_ADJ. `Alternation` splits a pattern into its
top-level branches, works out for each a set of strings one of which any match
must contain (from the parse tree re compiles, so nothing is written twice),
finds which of those strings a sentence holds in one Aho-Corasick pass
(pyahocorasick), and searches only the branches they let in. The
answer is exactly the whole pattern's: a branch skipped cannot match, and the
pattern matches where any of its branches does (tests/scoring/test_prefilter.py
holds both on every sentence of the scoring fixtures and the gaming suites).
A branch with no such strings is always searched, so an unusual pattern only
loses speed, never an answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

# The parser and compiler re itself uses (sre_parse and sre_compile before Python 3.11): one parse
# serves both the needed strings and the compiled branch.
from re import _compiler as sre_compile  # type: ignore[attr-defined]
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
# A group that leads a branch, where "\b(?:a|b)" may be read as "\b(?:a)|\b(?:b)".
_OPENINGS = ("", r"\b", "^", r"(?:^|\b)")
# What may close that group and stay with each branch: "\b(?:a|b)\b" matches where "\b(?:a)\b" or "\b(?:b)\b" does.
_CLOSINGS = ("", r"\b")


class AnyOf:
    """Whether a text holds any of these strings: a substring test each for a few, one Aho-Corasick pass for more.

    Most candidate branches fail on a set like the action verbs (80 strings), and testing them one by one
    took 1-6 µs a set (0.14 µs a string), 13% of `analyse` on the benchmark's lines; the automaton answers
    in ~0.7 µs however many strings it holds (three strings: 0.8 µs either way). One automaton for each of
    the ~470 distinct sets of four strings or more costs the process ~0.7 MB.
    """

    __slots__ = ("words", "_finder")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self._finder: ahocorasick.Automaton | None = None
        if len(words) > 3:
            self._finder = ahocorasick.Automaton()
            for word in words:
                self._finder.add_word(word, None)
            self._finder.make_automaton()

    def found_in(self, text: str) -> bool:
        if self._finder is None:
            return any(map(text.__contains__, self.words))
        return next(self._finder.iter(text), None) is not None


@cache
def _any_of(words: tuple[str, ...]) -> AnyOf:
    """One AnyOf for each set of strings: many branches need the same feeling words or verbs."""
    return AnyOf(words)


@dataclass(frozen=True)
class Branch:
    pattern: re.Pattern[str]
    needs: tuple[str, ...] | None  # one of these occurs in any text the branch matches; None: not known
    # Further sets of which the same holds, checked only once `needs` let the branch in.
    also: tuple[AnyOf, ...] = ()

    def admits(self, text: str) -> bool:
        return all(words.found_in(text) for words in self.also)


class Alternation:
    """A compiled pattern's `search`, answered as a yes or no, branch by branch."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        # Case-blind or verbose, literal substrings would not be what it matches; one branch has nothing to skip.
        texts = [] if pattern.flags & (re.IGNORECASE | re.VERBOSE) else _branches(pattern.pattern)
        if len(texts) > 1:
            self.branches: tuple[Branch, ...] = tuple(_branch(text, pattern.flags) for text in texts)
        else:
            self.branches = (Branch(pattern, None),)
        self._single = pattern if len(self.branches) == 1 else None
        self._always = tuple(b.pattern for b in self.branches if b.needs is None)  # a branch without `needs` has no `also`
        # Every needed string, with the branches it lets in (by index), in one Aho-Corasick automaton: one
        # pass over the sentence finds them all (~2 µs), where a substring test per string took 20-40 µs
        # for the 100-300 strings of the longest patterns.
        by_word: dict[str, list[int]] = {}
        for i, branch in enumerate(self.branches):
            for word in branch.needs or ():
                by_word.setdefault(word, []).append(i)
        self._finder: ahocorasick.Automaton | None = None
        if by_word:
            self._finder = ahocorasick.Automaton()
            for word, indices in by_word.items():
                self._finder.add_word(word, tuple(indices))
            self._finder.make_automaton()

    def occurs(self, text: str) -> bool:
        """`bool(pattern.search(text))`, without trying the branches that cannot match."""
        if self._single is not None:  # nothing to skip
            return self._single.search(text) is not None
        for always in self._always:
            if always.search(text):
                return True
        if self._finder is None:
            return False
        candidates: set[int] = set()
        for _end, indices in self._finder.iter(text):
            candidates.update(indices)
        branches = self.branches
        for i in candidates:
            branch = branches[i]
            if branch.admits(text) and branch.pattern.search(text):
                return True
        return False


def _branches(pattern: str) -> list[str]:
    """The pattern's top-level alternatives, with a leading group of alternatives opened up."""
    out: list[str] = []
    for part in _split_top(pattern):
        out.extend(_open_group(part))
    return out


def _open_group(part: str) -> list[str]:
    """ "\\b(?:a|b c)\\b" -> ["\\b(?:a)\\b", "\\b(?:b c)\\b"]: the same matches, as separate branches."""
    for opening in sorted(_OPENINGS, key=len, reverse=True):
        if not part.startswith(opening + "(?:"):
            continue
        end = _group_end(part, len(opening))
        closing = part[end + 1:]
        if end == -1 or closing not in _CLOSINGS:
            continue
        inner = _split_top(part[len(opening) + 3:end])
        if len(inner) == 1:
            return [part]
        return [branch for alternative in inner for branch in _open_group(f"{opening}(?:{alternative}){closing}")]
    return [part]


def _group_end(text: str, start: int) -> int:
    """Index of the ")" closing the group that opens at `start`, or -1."""
    for i, char, depth in _structure(text, start):
        if char == ")" and depth == 0:
            return i
    return -1


def _split_top(pattern: str) -> list[str]:
    """Split on the "|"s outside every group and character class."""
    cuts = [i for i, char, depth in _structure(pattern, 0) if char == "|" and depth == 0]
    return [pattern[a + 1:b] for a, b in zip([-1, *cuts], [*cuts, len(pattern)], strict=True)]


def _structure(text: str, start: int) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) for each "(", ")" and "|" outside escapes and classes."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = _class_end(text, i)
        elif char in "()|":
            depth += {"(": 1, ")": -1, "|": 0}[char]
            yield i, char, depth
        i += 1


def _class_end(text: str, start: int) -> int:
    """Index of the "]" closing the character class that opens at `start`."""
    i = start + 1
    if i < len(text) and text[i] == "^":
        i += 1
    if i < len(text) and text[i] == "]":  # a "]" first in a class is a literal
        i += 1
    while i < len(text) and text[i] != "]":
        i += 2 if text[i] == "\\" else 1
    return i


def _branch(text: str, flags: int) -> Branch:
    # Parsed once, for the needed strings and for the compiler (re.compile would parse it again: half
    # of the 0.4 s these patterns took to build).
    parsed = sre_parse.parse(text, flags)
    pattern = sre_compile.compile(parsed, flags)
    sets = _required(list(parsed))
    # The most telling set decides whether the branch is tried at all: its shortest string as long as
    # possible, then as few strings as possible. The others are checked after it.
    sets.sort(key=lambda words: (_shortest(words), -len(words)), reverse=True)
    ordered = [tuple(sorted(words)) for words in sets]
    return Branch(pattern, ordered[0], tuple(map(_any_of, ordered[1:]))) if ordered else Branch(pattern, None)


def _required(items: list[tuple[Any, Any]]) -> list[set[str]]:
    """Sets of strings such that every match of this sequence contains one string of each set."""
    found: list[set[str]] = []
    run = ""
    for op, av in items:
        if op == sre_constants.LITERAL:
            run += chr(av)
            continue
        if run:
            found.append({run})
            run = ""
        if op == sre_constants.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if not add_flags & re.IGNORECASE:
                found.extend(_required(list(sub)))
        elif op == sre_constants.BRANCH:
            # One set for the group: the union of each alternative's longest-shortest set, when all have one.
            alternatives = [_required(list(seq)) for seq in av[1]]
            if all(alternatives):
                found.append(set().union(*(max(sets, key=_shortest) for sets in alternatives)))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                found.extend(_required(list(sub)))
        elif op == sre_constants.ATOMIC_GROUP:
            found.extend(_required(list(av)))
    if run:
        found.append({run})
    return found


def _shortest(words: set[str] | tuple[str, ...]) -> int:
    """How telling a set of needed strings is: the length of its shortest (a longer one occurs less often)."""
    return min(map(len, words))
