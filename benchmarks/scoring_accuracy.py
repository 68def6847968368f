"""Accuracy of the offline scorer's `detected` flag against human labels.

Reads /work/shared/data/behaviors_dev.jsonl (../shared/data/ beside the repo;
override with REHEARSE_DATA_DIR). Its rows are never copied into the repo
(licence: CC BY-NC 4.0).

Honesty about tuning: the rules were written from what each behavior means and
then adjusted while looking at this file. To keep that visible the file is
split deterministically by id (crc32 % 2): half "tune" (looked at while
adjusting), half "held" (only scored for this report). Both are printed; the
"held" figures are the ones to quote. Nothing is trained and no weights are
derived from the file beyond the hand-set numbers in scoring/behaviors.yaml.

Usage: python benchmarks/scoring_accuracy.py [--split all|tune|held] [--errors BEHAVIOR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import score_reply  # noqa: E402

DATA = Path(os.environ.get("REHEARSE_DATA_DIR", ROOT.parent / "shared" / "data")) / "behaviors_dev.jsonl"

# The naive keyword baseline: one obvious cue per behavior, the way a first
# attempt would look. It is here so the gain of the real scorer is visible.
BASELINE = {
    "open_question": re.compile(r"\b(what|how|why)\b[^?]*\?", re.I),
    "empathy": re.compile(r"\b(understand|sorry|feel)\b", re.I),
    "paraphrase": re.compile(r"\b(sounds like|so you|you mean|you're saying)\b", re.I),
    "reassurance": re.compile(r"\b(don't worry|will be (ok|okay|fine|alright)|you can do|you're not alone|proud of you|you've got this)\b", re.I),
    "suggestion": re.compile(r"\b(should|try|suggest|recommend)\b", re.I),
}


def half(row_id: str) -> str:
    return "tune" if zlib.crc32(row_id.encode()) % 2 == 0 else "held"


def metrics(pairs: list[tuple[int, int]]) -> dict[str, float]:
    """Precision, recall, F1 and Cohen's kappa for (label, prediction) pairs."""
    n = len(pairs)
    tp = sum(1 for y, p in pairs if y and p)
    fp = sum(1 for y, p in pairs if not y and p)
    fn = sum(1 for y, p in pairs if y and not p)
    tn = n - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    observed = (tp + tn) / n if n else 0.0
    expected = (((tp + fp) * (tp + fn)) + ((fn + tn) * (fp + tn))) / (n * n) if n else 0.0
    kappa = (observed - expected) / (1 - expected) if expected < 1 else 0.0
    return {"n": n, "precision": precision, "recall": recall, "f1": f1, "kappa": kappa}


def predict(row: dict) -> int:
    try:
        return int(score_reply(row["behavior"], row["text"], row.get("context") or "").detected)
    except Exception:  # noqa: BLE001 - an unscorable row counts as not detected
        return 0


def baseline(row: dict) -> int:
    pattern = BASELINE.get(row["behavior"])
    return int(bool(pattern and pattern.search(row["text"])))


def table(rows: list[dict], title: str) -> None:
    behaviors = sorted({r["behavior"] for r in rows}, key=lambda b: list(BASELINE).index(b) if b in BASELINE else 99)
    print(f"\n{title}  (n={len(rows)})")
    print(f"{'behavior':<16}{'':>3}{'P':>6}{'R':>6}{'F1':>6}{'kappa':>7}   | baseline {'P':>5}{'R':>6}{'F1':>6}{'kappa':>7}")
    pooled, pooled_base = [], []
    for b in behaviors:
        sub = [r for r in rows if r["behavior"] == b]
        ours = [(r["label"], predict(r)) for r in sub]
        base = [(r["label"], baseline(r)) for r in sub]
        pooled += ours
        pooled_base += base
        m, k = metrics(ours), metrics(base)
        print(f"{b:<16}{'':>3}{m['precision']:6.2f}{m['recall']:6.2f}{m['f1']:6.2f}{m['kappa']:7.2f}   |          {k['precision']:5.2f}{k['recall']:6.2f}{k['f1']:6.2f}{k['kappa']:7.2f}")
    m, k = metrics(pooled), metrics(pooled_base)
    print(f"{'pooled':<16}{'':>3}{m['precision']:6.2f}{m['recall']:6.2f}{m['f1']:6.2f}{m['kappa']:7.2f}   |          {k['precision']:5.2f}{k['recall']:6.2f}{k['f1']:6.2f}{k['kappa']:7.2f}")


def show_errors(rows: list[dict], behavior: str, limit: int = 25) -> None:
    """Print misclassified rows of the tune half only (to keep the held half unseen)."""
    shown = 0
    for r in rows:
        if r["behavior"] != behavior or half(r["id"]) != "tune":
            continue
        p = predict(r)
        if p != r["label"]:
            res = score_reply(behavior, r["text"], r.get("context") or "")
            print(f"[label {r['label']} pred {p} score {res.score}] C: {r.get('context', '')[:90]!r}\n    T: {r['text'][:300]!r}")
            shown += 1
            if shown >= limit:
                return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["all", "tune", "held", "each"], default="each")
    parser.add_argument("--errors", metavar="BEHAVIOR", help="print misclassified tune-half rows for one behavior")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found (the labelled dev data lives outside the repo, see shared/data/README.md)")
        return 0
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.errors:
        show_errors(rows, args.errors)
        return 0
    print(f"Offline scorer vs. labels in {DATA.name} (ESConv strategies; see shared/data/README.md).")
    print("Rules were adjusted while looking at the 'tune' half only; 'held' (crc32(id) odd) is the honest figure.")
    splits = ["tune", "held", "all"] if args.split == "each" else [args.split]
    for split in splits:
        sub = rows if split == "all" else [r for r in rows if half(r["id"]) == split]
        table(sub, {"tune": "TUNE half (seen while adjusting rules)", "held": "HELD-OUT half (not looked at)", "all": "ALL rows"}[split])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
