"""How much one sentence reads like advice, from weights learned on human-labelled advice.

The weights (scoring/advice_ngrams.json) are a logistic regression over word unigrams and
bigrams, trained by benchmarks/scoring_train_advice.py on the train splits of the Advice corpus
(Govindarajan et al., EMNLP 2020; MIT licence; attribution in scoring/DATA_SOURCES.md). Only the
weights ship. The lookup is a few dict hits per sentence (measured in benchmarks/scoring_speed.py).

Why a learned model here and nowhere else: advice is phrased in more ways than patterns list
("A good place to start would maybe be some counselling", "Or have a friend call in anonymously"),
and it is the one behavior with a large permissive, human-labelled corpus behind it.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from scoring.text import words

WEIGHTS_PATH = Path(__file__).with_name("advice_ngrams.json")


def features(text: str) -> list[str]:
    """Unigrams and bigrams of the lower-cased words, with a sentence-start marker."""
    toks = ["<s>", *words(text)]
    return toks[1:] + [f"{a} {b}" for a, b in pairwise(toks)]


@lru_cache(maxsize=1)
def _model() -> tuple[float, dict[str, float]]:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    return float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()}


def advice_probability(sentence: str) -> float:
    """Probability (0-1) that human coders would call this sentence advice."""
    bias, weights = _model()
    # fsum is exact, so the total does not depend on the set's order: a plain sum over a set changed
    # with PYTHONHASHSEED, and a sentence near p = 0.5 flipped between runs (AnnoMI tune kappa read
    # 0.326 or 0.338 from one run to the next).
    z = bias + math.fsum(weights.get(f, 0.0) for f in set(features(sentence)))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))
