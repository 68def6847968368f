"""Accuracy of the offline scorer's `detected` flag against human labels, per source.

Reads /work/shared/data/behaviors_dev.jsonl (../shared/data/ beside the repo;
override with REHEARSE_DATA_DIR). Its rows are never copied into the repo
(licence: CC BY-NC 4.0). Also reads every other labelled source built by
benchmarks/scoring_sources.py into REHEARSE_SOURCES_DIR (other corpora, other
annotators, other coding schemes): a gain that shows on one source only is
tuning to that source, not a better scorer.

Honesty about tuning: the rules were written from what each behavior means and
then adjusted while looking at this file. To keep that visible the file is
split deterministically by id (crc32 % 2): half "tune" (looked at while
adjusting), half "held" (only scored for this report). Both are printed; the
"held" figures are the ones to quote. Nothing is trained and no weights are
derived from the file beyond the hand-set numbers in scoring/behaviors.yaml.

Every source is split the same way; the per-source summary quotes the held
halves, with the naive keyword list beside each figure.

Usage: python benchmarks/scoring_accuracy.py [--split each|all|tune|held] [--source NAME] [--errors BEHAVIOR]
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
SOURCES = Path(os.environ.get("REHEARSE_SOURCES_DIR", ROOT.parent / "scoring-sources"))

# The naive keyword baseline: one obvious cue per behavior, the way a first
# attempt would look. It is here so the gain of the real scorer is visible.
BASELINE = {
    "open_question": re.compile(r"\b(what|how|why)\b[^?]*\?", re.IGNORECASE),
    "empathy": re.compile(r"\b(understand|sorry|feel)\b", re.IGNORECASE),
    "paraphrase": re.compile(r"\b(sounds like|so you|you mean|you're saying)\b", re.IGNORECASE),
    "reassurance": re.compile(r"\b(don't worry|will be (ok|okay|fine|alright)|you can do|you're not alone|proud of you|you've got this)\b", re.IGNORECASE),
    "suggestion": re.compile(r"\b(should|try|suggest|recommend)\b", re.IGNORECASE),
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


def kappa(pairs: list[tuple[int, int]]) -> float:
    return metrics(pairs)["kappa"]


def load_sources(only: str | None) -> dict[str, list[dict]]:
    """Every labelled source on disk: ESConv's dev file, then the sets scoring_sources.py built."""
    found: dict[str, list[dict]] = {}
    if DATA.exists():
        found["esconv"] = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    for path in sorted(SOURCES.glob("*.jsonl")) if SOURCES.exists() else []:
        found[path.stem] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {k: v for k, v in found.items() if only in (None, k)}


def summary(sources: dict[str, list[dict]], split: str) -> None:
    """One line per behavior: shipped kappa and naive kappa on each source's chosen half."""
    names = list(sources)
    print(f"\nSUMMARY, {split} half of each source: kappa shipped / naive keyword list (n)")
    print(f"{'behavior':<16}" + "".join(f"{n:>24}" for n in names))
    for b in BASELINE:
        cells = []
        for n in names:
            sub = [r for r in sources[n] if r["behavior"] == b and (split == "all" or half(r["id"]) == split)]
            if not sub:
                cells.append(f"{'-':>24}")
                continue
            ours = kappa([(r["label"], predict(r)) for r in sub])
            base = kappa([(r["label"], baseline(r)) for r in sub])
            cells.append(f"{ours:>10.2f} / {base:5.2f} ({len(sub):>4})")
        print(f"{b:<16}" + "".join(cells))
    # Every source but the dev file, pooled: the nearest thing here to an outside evaluation set
    # (other corpora, other coders), so the figure to watch for generalisation.
    others = [r for n in names if n != "esconv" for r in sources[n] if split == "all" or half(r["id"]) == split]
    if others:
        print(f"\nPOOLED over every source but esconv ({split} half): kappa shipped / naive (n)")
        for b in [*BASELINE, None]:
            sub = [r for r in others if b is None or r["behavior"] == b]
            if not sub:
                continue
            ours = kappa([(r["label"], predict(r)) for r in sub])
            base = kappa([(r["label"], baseline(r)) for r in sub])
            print(f"{b or 'all behaviors':<16}{ours:>10.2f} / {base:5.2f} ({len(sub):>4})")


def show_errors(rows: list[dict], behavior: str, limit: int = int(os.environ.get("ERRORS_LIMIT", "25"))) -> None:
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
    parser.add_argument("--source", help="only this source (esconv, advice, mrda, ...)")
    parser.add_argument("--errors", metavar="BEHAVIOR", help="print misclassified tune-half rows for one behavior")
    args = parser.parse_args()
    sources = load_sources(args.source)
    if not sources:
        print(f"skipped: no labelled data ({DATA} absent, nothing in {SOURCES}; see shared/data/README.md and benchmarks/scoring_sources.py)")
        return 0
    if args.errors:
        for rows in sources.values():
            show_errors(rows, args.errors)
        return 0
    print("Offline scorer vs. human labels, per source. Rules were adjusted while looking at 'tune' halves only;")
    print("'held' (crc32(id) odd) is the honest figure. Sources: " + ", ".join(f"{k} ({len(v)})" for k, v in sources.items()))
    splits = ["tune", "held", "all"] if args.split == "each" else [args.split]
    for name, rows in sources.items():
        for split in splits:
            sub = rows if split == "all" else [r for r in rows if half(r["id"]) == split]
            table(sub, f"{name}: " + {"tune": "TUNE half (seen while adjusting rules)", "held": "HELD-OUT half (not looked at)", "all": "ALL rows"}[split])
    summary(sources, "held" if args.split == "each" else args.split)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
