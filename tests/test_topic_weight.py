"""scenarios.topics.weight scans once per topic (issue #26) and still counts what the per-word matcher finds."""

from __future__ import annotations

import random

from scenarios.loader import ScenarioLibrary
from scenarios.topics import _any_at, _pattern, normalise, weight


def per_word(words: list[str], text: str) -> int:
    """The definition: distinct places where any word matches as `mentions` matches it."""
    said = normalise(text)
    return len({m.start() for w in words for m in _pattern(w).finditer(said)})


def test_weight_counts_the_places_each_topic_word_occurs_exactly_as_the_per_word_matcher() -> None:
    library = ScenarioLibrary.load()
    rng = random.Random(26)
    words = [w for s in library.all() for t in s.topics for w in t.words]
    texts = [line for s in library.all() for line in (s.opening_line, *(h.fact for h in s.hidden_facts))]
    texts += [rng.choice([" ", "", "-", "'"]).join(rng.choice([*words, "the", "we", "cost", "ing", "s"])
                                                  + rng.choice(["", "s", "ed", "ing", "es", "d", "y"])
                                                  for _ in range(rng.randint(1, 15))) for _ in range(400)]
    for scenario in library.all():
        for topic in scenario.topics:
            for text in texts:
                assert weight(topic.words, text) == per_word(list(topic.words), text), (topic.words, text)


def test_weight_of_overlapping_words_and_of_no_words() -> None:
    assert weight(["late", "late shipments"], "Late shipments, late trucks") == 2
    assert weight(["affect"], "it affects and affecting and unaffected") == 2
    assert weight([], "anything") == 0


def test_a_loaded_library_has_built_its_topic_matchers_so_a_reps_first_turn_compiles_none() -> None:
    base = ScenarioLibrary.load().get("discovery-procurement-stall")
    fresh = [topic.model_copy(update={"words": [f"{word}{i}zq" for word in topic.words]})
             for i, topic in enumerate(base.topics)]
    scenario = base.model_copy(update={"topics": fresh})
    ScenarioLibrary([scenario])
    misses = _any_at.cache_info().misses
    for topic in scenario.topics:
        weight(topic.words, "how does this affect the team")
    assert _any_at.cache_info().misses == misses
