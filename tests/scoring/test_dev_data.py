"""Against the labelled dev data (outside the repo): the scorer beats a naive keyword baseline.

Figures to quote come from benchmarks/scoring_accuracy.py; this only guards
against regressions. Skipped when the data is absent.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "behaviors_dev.jsonl"

pytestmark = pytest.mark.skipif(not DATA.exists(), reason=f"labelled dev data not found at {DATA} (it is not in the repo: licence CC BY-NC)")


def _bench():
    spec = importlib.util.spec_from_file_location("scoring_accuracy", ROOT / "benchmarks" / "scoring_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scorer_agrees_with_labels_better_than_the_keyword_baseline_on_every_behavior():
    bench = _bench()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    for behavior in ("open_question", "empathy", "paraphrase", "reassurance", "suggestion"):
        sub = [r for r in rows if r["behavior"] == behavior]
        ours = bench.metrics([(r["label"], bench.predict(r)) for r in sub])["kappa"]
        base = bench.metrics([(r["label"], bench.baseline(r)) for r in sub])["kappa"]
        assert ours >= base - 0.02, f"{behavior}: kappa {ours:.2f} vs baseline {base:.2f}"
