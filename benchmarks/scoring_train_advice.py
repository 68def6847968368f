"""Train the advice-sentence weights shipped in scoring/advice_ngrams.json.

Data: the Advice corpus (Govindarajan et al., EMNLP 2020, github.com/venkatasg/Advice-EMNLP2020,
MIT licence): Reddit r/AskParents and r/NeedAdvice reply sentences, each labelled advice or not
by three annotators (Dawid-Skene label). Only the *train* splits are used here; the dev and test
splits are what benchmarks/scoring_accuracy.py reports on ("advice" source), so they stay unseen.
Only the derived weights are shipped (MIT permits it; attribution in scoring/DATA_SOURCES.md).
Nothing here reads behaviors_dev.jsonl (CC BY-NC): no weight is derived from it.

Model: L2-regularised logistic regression on word unigrams and bigrams (plus a sentence-start
marker), tokenised exactly as the scorer tokenises (scoring.text.split_sentences), trained by
full-batch gradient descent with numpy. Features seen fewer than MIN_COUNT times are dropped and
the weights are pruned to the TOP features by magnitude, so the file stays small and the lookup
costs microseconds per sentence.

Without --write it retrains and checks that the result matches the shipped file (reproducible:
full-batch descent, no randomness), so `make bench` never rewrites shipped weights.

Usage: python benchmarks/scoring_train_advice.py [--mirror /work/.mirror] [--write]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scoring_sources import detok  # noqa: E402
from scoring.advice import features  # noqa: E402

OUT = ROOT / "scoring" / "advice_ngrams.json"  # package data: ships inside the wheel
MIN_COUNT = 3
TOP = 6000
L2 = 1.0
STEPS = 400
RATE = 2.0


def load(repo: Path) -> list[tuple[str, int]]:
    rows: list[tuple[str, int]] = []
    for name in ("askparents", "needadvice"):
        raw = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:Dataset/{name}_train.tsv"], check=True, capture_output=True, text=True).stdout
        for r in csv.DictReader(io.StringIO(raw), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = detok(r["Sentence"])
            if text:
                rows.append((text, int(r["DS_Label"])))
    return rows


def train(rows: list[tuple[str, int]]) -> tuple[float, dict[str, float]]:
    feats = [features(text) for text, _ in rows]
    counts = Counter(f for fs in feats for f in set(fs))
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}
    row_idx, col_idx = [], []
    for r, fs in enumerate(feats):
        for f in set(fs):
            if f in vocab:
                row_idx.append(r)
                col_idx.append(vocab[f])
    rows_a, cols_a = np.array(row_idx), np.array(col_idx)
    y = np.array([label for _, label in rows], dtype=float)
    w = np.zeros(len(vocab))
    b = 0.0
    n = len(rows)
    for _ in range(STEPS):
        z = np.bincount(rows_a, weights=w[cols_a], minlength=n) + b
        p = 1.0 / (1.0 + np.exp(-z))
        err = p - y
        grad = np.bincount(cols_a, weights=err[rows_a], minlength=len(vocab)) / n + L2 * w / n
        w -= RATE * grad
        b -= RATE * err.mean()
    keep = np.argsort(-np.abs(w))[:TOP]
    names = {i: f for f, i in vocab.items()}
    return float(b), {names[int(i)]: round(float(w[i]), 3) for i in keep if abs(w[i]) >= 0.01}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--write", action="store_true", help=f"overwrite {OUT.name} with the retrained weights")
    args = parser.parse_args()
    repo = args.mirror / "venkatasg+Advice-EMNLP2020" / "repo"
    if not repo.exists():
        print(f"skipped: no snapshot of the Advice corpus at {repo}")
        return 0
    rows = load(repo)
    bias, weights = train(rows)
    payload = {
        "source": "Advice corpus (Govindarajan et al., EMNLP 2020), train splits, MIT licence; see scoring/DATA_SOURCES.md",
        "trained_on": len(rows),
        "bias": round(bias, 3),
        "weights": dict(sorted(weights.items())),
    }
    text = json.dumps(payload, separators=(",", ":"), sort_keys=False) + "\n"
    pos = sum(label for _, label in rows)
    print(f"trained on {len(rows)} sentences ({pos} advice); kept {len(weights)} features")
    if args.write:
        OUT.write_text(text, encoding="utf-8")
        print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")
        return 0
    same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
    print(f"shipped {OUT.name}: {'identical to the retrained weights' if same else 'DIFFERS from the retrained weights (run with --write)'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
