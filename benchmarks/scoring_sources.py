"""Build the labelled evaluation sets that sit beside the ESConv dev file.

The scorer is tuned while looking at one corpus; these sets, coded by other
annotators under other schemes, show whether a change generalises. They are
built from local snapshots of the public repositories (no network here) into
REHEARSE_SOURCES_DIR (default: ../scoring-sources beside the repo), never into
the repository: only this recipe and the attribution below are shipped.

Sources (licence read from each repository; see scoring/DATA_SOURCES.md):
- advice: venkatasg/Advice-EMNLP2020, MIT. Reddit r/AskParents and r/NeedAdvice
  reply sentences, each labelled advice or not by 3 annotators (Dawid-Skene).
  -> suggestion (advice = 1). Dev and test splits only; no context line.
- mrda: ICSI Meeting Recorder Dialog Act corpus (Shriberg et al. 2004), the
  original .dadb annotation files as mirrored in NathanDuran/MRDA-Corpus.
  Attribution: ICSI; CC BY 4.0 per secondary sources only, so it is used to
  evaluate and nothing built from it is shipped.
  -> suggestion (cs suggestion, co action directive = 1; plain statements = 0),
     paraphrase (bs summary, bu understanding check = 1; plain statements and
     questions = 0), open_question (qo open-ended, qw wh-question = 1;
     qy yes/no, qr/qrr or-questions = 0). Context = the previous utterance by
     another speaker.
- annomi: uccollab/AnnoMI, AnnoMI-full.csv (Wu et al. 2022/2023). No licence
  file: evaluation only, nothing shipped. MI experts' codes on therapist
  utterances: question open/closed -> open_question, reflection -> paraphrase,
  therapist input advice/options (1) vs information/none (0) -> suggestion.
  Context = the client's last utterance; multi-coded utterances take the majority.
- epitome: behavioral-data/Empathy-Mental-Health, dataset/*-reddit.csv (Sharma
  et al. 2020). Academic (non-commercial) licence for the model, attribution
  licence for the code, Reddit text: evaluation only, nothing shipped.
  Emotional reactions -> empathy, interpretations -> paraphrase, explorations ->
  open_question (level 1-2 = 1). Context = the seeker's post.
- sgd: google-research-datasets/dstc8-schema-guided-dialogue, dev/ and test/
  dialogues (Rastogi et al., AAAI 2020), CC BY-SA 4.0: evaluation only, nothing
  shipped. Service-agent turns crowd-written for given acts: CONFIRM ->
  paraphrase, OFFER / OFFER_INTENT -> suggestion. Context = the user's last two turns.
- mi: anuradha1992/Boosting-with-MI-Strategy (Welivita & Pu, Findings of ACL
  2023), the human-coded test split of their MI gold set as shipped in
  `Software/MI Classifier/output/mi_gold/test_output.csv` (its "Ground truth"
  column; the model's predictions beside it are ignored). CounselChat and
  Reddit support sentences coded with MITI/MISC codes by trained annotators.
  CC BY-NC-SA 3.0 (README; no licence file): evaluation only, nothing shipped.
  Support -> empathy, Affirm -> reassurance, Advise with / without permission
  and Direct -> suggestion; each behavior's 0s are codes that are clearly
  something else (see build_mi). Sentences, no context line.

Rows are balanced per behavior (up to PER_CLASS each way), drawn with a fixed
seed so every run measures the same rows.

Usage: python benchmarks/scoring_sources.py [--mirror DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import subprocess
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(os.environ.get("REHEARSE_SOURCES_DIR", ROOT.parent / "scoring-sources"))
MIRROR = Path(os.environ.get("REHEARSE_MIRROR_DIR", "/work/.mirror"))
PER_CLASS = 300
SEED = 20261204


def git_show(repo: Path, path: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], check=True, capture_output=True, text=True).stdout


def git_ls(repo: Path, under: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD", under], check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def balanced(rows: list[dict[str, object]], behavior: str, rng: random.Random) -> list[dict[str, object]]:
    pos = [r for r in rows if r["label"] == 1]
    neg = [r for r in rows if r["label"] == 0]
    rng.shuffle(pos)
    rng.shuffle(neg)
    n = min(PER_CLASS, len(pos), len(neg))
    return [{**r, "behavior": behavior} for r in pos[:n] + neg[:n]]


def detok(text: str) -> str:
    """Undo the Advice set's tokenisation ("It 's" -> "It's") so the text reads as typed."""
    text = re.sub(r" (n't|'s|'re|'ve|'ll|'d|'m)\b", r"\1", text)
    return re.sub(r" ([.,!?;:])", r"\1", text).strip()


def build_advice(repo: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name in ("askparents", "needadvice"):
        for split in ("dev", "test"):
            reader = csv.DictReader(io.StringIO(git_show(repo, f"Dataset/{name}_{split}.tsv")), delimiter="\t", quoting=csv.QUOTE_NONE)
            for r in reader:
                text = detok(r["Sentence"])
                if len(text.split()) < 3:
                    continue
                rows.append({"id": f"advice-{name}-{split}-{r['ID']}", "source": "advice", "text": text, "context": "", "label": int(r["DS_Label"])})
    return balanced(rows, "suggestion", random.Random(SEED))


def _mrda_words(field: str) -> str:
    toks = [part.split("+", 2)[2] for part in field.split("|") if part.count("+") >= 2]
    text = " ".join(t.replace("_", " ") for t in toks)
    text = re.sub(r"\bo k\b", "okay", text)
    return re.sub(r"[{}\[\]<>#]", "", text).strip()


def _classify_mrda(by: dict[str, list[dict[str, object]]], uid: str, text: str, context: str, tags: str) -> None:
    if len(text.split()) < 4 or "%" in tags:
        return
    parts = set(re.split(r"[\^|.:,]", tags))
    general = tags.split("^")[0].split(".")[0].split("|")[-1]
    if general.startswith("q"):
        text += "?"  # transcripts carry no punctuation; the coders marked it a question, as a typed reply would
    row: dict[str, object] = {"id": f"mrda-{uid}", "source": "mrda", "text": text, "context": context}
    plain = tags in ("s", "s^rt", "s^df", "s^e")
    if parts & {"cs", "co"}:
        by["suggestion"].append({**row, "label": 1})
    elif plain:
        by["suggestion"].append({**row, "label": 0})
    if parts & {"bs", "bu"}:
        by["paraphrase"].append({**row, "label": 1})
    elif plain or tags in ("qy", "qw"):
        by["paraphrase"].append({**row, "label": 0})
    question = not (parts & {"bu", "bs", "br", "qh"})
    if general in ("qo", "qw") and question:
        by["open_question"].append({**row, "label": 1})
    elif general in ("qy", "qr", "qrr") and question:
        by["open_question"].append({**row, "label": 0})


def build_mrda(repo: Path) -> list[dict[str, object]]:
    by: dict[str, list[dict[str, object]]] = {"suggestion": [], "paraphrase": [], "open_question": []}
    for path in sorted(git_ls(repo, "mrda_archive/database")):
        if not path.endswith(".dadb"):
            continue
        meeting = []  # (start, id, speaker, text, tags), in time order
        for rec in csv.reader(io.StringIO(git_show(repo, path))):
            if len(rec) < 8 or rec[5] in ("z", ""):
                continue
            text = _mrda_words(rec[4])
            if text:
                meeting.append((float(rec[0]), rec[2], rec[7], text, rec[5]))
        meeting.sort()
        history: list[tuple[str, str]] = []  # (speaker, text) so far
        for _, uid, speaker, text, tags in meeting:
            # What the others said just before: their last three substantial lines (backchannels skipped).
            said = [t for who, t in history[-20:] if who != speaker and len(t.split()) >= 3][-3:]
            context = " ".join(said)
            history.append((speaker, text))
            _classify_mrda(by, uid, text, context, tags)
    rng = random.Random(SEED)
    return [row for b, rows in by.items() for row in balanced(rows, b, rng)]


def _majority(values: list[str]) -> str:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(sorted(counts), key=lambda v: counts[v])


def build_annomi(repo: Path) -> list[dict[str, object]]:
    """AnnoMI: therapist utterances in MI demonstrations, coded by MI experts.

    Utterances coded by several annotators (a reliability subset) take the majority code.
    Context = the client's last utterance before it.
    """
    reader = csv.DictReader(io.StringIO(git_show(repo, "AnnoMI-full.csv")))
    by_utt: dict[tuple[str, int], list[dict[str, str]]] = {}
    for r in reader:
        by_utt.setdefault((r["transcript_id"], int(r["utterance_id"])), []).append(r)
    by: dict[str, list[dict[str, object]]] = {"open_question": [], "paraphrase": [], "suggestion": []}
    last_client: dict[str, str] = {}
    for (tid, uid), codes in sorted(by_utt.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
        first = codes[0]
        text = first["utterance_text"].strip()
        if first["interlocutor"] == "client":
            last_client[tid] = text
            continue
        if len(text.split()) < 3:
            continue

        def code(col: str, _codes: list[dict[str, str]] = codes) -> str:
            return _majority([c[col] for c in _codes])

        row: dict[str, object] = {"id": f"annomi-{tid}-{uid}", "source": "annomi", "text": text, "context": last_client.get(tid, "")}
        question = code("question_subtype")
        # MI codes a question open when it invites a range of answers, closed when it asks for a
        # yes/no or a specific fact: the same line the catalog draws for open_question.
        if question in ("open", "closed"):
            by["open_question"].append({**row, "label": int(question == "open")})
        reflection = code("reflection_exists")
        if reflection == "True":
            by["paraphrase"].append({**row, "label": 1})
        elif reflection == "False":
            by["paraphrase"].append({**row, "label": 0})
        given = code("therapist_input_subtype")
        # Advice and options propose an action; information, negotiation and the rest do not.
        if given in ("advice", "options"):
            by["suggestion"].append({**row, "label": 1})
        elif code("therapist_input_exists") in ("True", "False") and given not in ("negotiation",):
            by["suggestion"].append({**row, "label": 0})
    rng = random.Random(SEED)
    return [row for b, rows in by.items() for row in balanced(rows, b, rng)]


def build_epitome(repo: Path) -> list[dict[str, object]]:
    """EPITOME (Sharma et al. 2020): Reddit support replies rated 0/1/2 on three mechanisms.

    Emotional reactions -> empathy, interpretations -> paraphrase, explorations ->
    open_question; label 1 = weak or strong (1-2), 0 = none. Context = the seeker's post.
    """
    files = {"empathy": "emotional-reactions-reddit.csv", "paraphrase": "interpretations-reddit.csv", "open_question": "explorations-reddit.csv"}
    out: list[dict[str, object]] = []
    rng = random.Random(SEED)
    for behavior, name in files.items():
        rows: list[dict[str, object]] = []
        for r in csv.DictReader(io.StringIO(git_show(repo, f"dataset/{name}"))):
            text = r["response_post"].strip()
            if len(text.split()) < 3:
                continue
            rows.append({"id": f"epitome-{behavior}-{r['sp_id']}-{r['rp_id']}", "source": "epitome", "text": text, "context": r["seeker_post"].strip(), "label": int(int(r["level"]) >= 1)})
        out += balanced(rows, behavior, rng)
    return out


def build_sgd(repo: Path) -> list[dict[str, object]]:
    """Schema-Guided Dialogue (Rastogi et al. 2020): service-agent turns, crowd-written for given acts.

    The acts come from the dialogue simulator and crowd workers wrote each turn to say exactly them, so
    the labels are exact by construction (not coded afterwards). CONFIRM (playing the user's details
    back for them to correct) -> paraphrase; OFFER / OFFER_INTENT (an option or next step to choose)
    -> suggestion. Everything else the agent says (REQUEST, INFORM, NOTIFY_*, REQ_MORE) is 0.
    Context = the user's last two turns. Dev and test splits only.
    """
    by: dict[str, list[dict[str, object]]] = {"paraphrase": [], "suggestion": []}
    for path in sorted(git_ls(repo, "dev") + git_ls(repo, "test")):
        if not re.search(r"/dialogues_\d+\.json$", path):
            continue
        try:
            dialogues = json.loads(git_show(repo, path))
        except (subprocess.CalledProcessError, json.JSONDecodeError):
            continue  # a file the snapshot holds only as a pointer
        for d in dialogues:
            said: list[str] = []
            for i, turn in enumerate(d["turns"]):
                text = turn["utterance"].strip()
                if turn["speaker"] == "USER":
                    said.append(text)
                    continue
                acts = {a["act"] for f in turn["frames"] for a in f["actions"]}
                if len(text.split()) < 3 or acts & {"GOODBYE"}:
                    continue
                row: dict[str, object] = {"id": f"sgd-{d['dialogue_id']}-{i}", "source": "sgd", "text": text, "context": " ".join(said[-2:])}
                by["paraphrase"].append({**row, "label": int("CONFIRM" in acts)})
                by["suggestion"].append({**row, "label": int(bool(acts & {"OFFER", "OFFER_INTENT"}))})
    rng = random.Random(SEED)
    return [row for b, rows in by.items() for row in balanced(rows, b, rng)]


# MI codes per behavior: what counts (1), and what is clearly something else (0). Codes that
# overlap the behavior are in neither: Support and Affirm overlap each other (MISC's own manual
# says "you're not alone" may be either), reflections often name the feeling the way empathy
# does, Self-Disclose and Other mix everything, and Emphasize Autonomy reads as advice or affirmation.
_MI_CODES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "empathy": (
        frozenset({"Support"}),
        frozenset({"Give Information", "Advise without Permission", "Advise with Permission", "Direct", "Closed Question", "Open Question", "Confront", "Warn"}),
    ),
    "reassurance": (
        frozenset({"Affirm"}),
        frozenset({"Give Information", "Advise without Permission", "Advise with Permission", "Direct", "Closed Question", "Open Question", "Simple Reflection", "Complex Reflection", "Confront", "Warn"}),
    ),
    "suggestion": (
        frozenset({"Advise without Permission", "Advise with Permission", "Direct"}),
        frozenset({"Give Information", "Closed Question", "Open Question", "Simple Reflection", "Complex Reflection", "Support", "Affirm", "Self-Disclose"}),
    ),
}


def build_mi(repo: Path) -> list[dict[str, object]]:
    """MI gold test split (Welivita & Pu 2023): support sentences coded with MITI/MISC codes.

    Only the human "Ground truth" column is read. A sentence repeated in the file counts once.
    """
    text_csv = git_show(repo, "Software/MI Classifier/output/mi_gold/test_output.csv")
    seen: set[str] = set()
    by: dict[str, list[dict[str, object]]] = {b: [] for b in _MI_CODES}
    for r in csv.DictReader(io.StringIO(text_csv)):
        text = " ".join(r["Text"].split())
        if len(text.split()) < 2 or text in seen:
            continue
        seen.add(text)
        code = r["Ground truth"].strip()
        for behavior, (yes, no) in _MI_CODES.items():
            if code in yes or code in no:
                by[behavior].append({"id": f"mi-{behavior}-{zlib.crc32(text.encode()):08x}", "source": "mi", "text": text, "context": "", "label": int(code in yes)})
    rng = random.Random(SEED)
    return [row for b, rows in by.items() for row in balanced(rows, b, rng)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="directory holding owner+name/repo git snapshots")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    built = {
        "advice": (args.mirror / "venkatasg+Advice-EMNLP2020" / "repo", build_advice),
        "mrda": (args.mirror / "NathanDuran+MRDA-Corpus" / "repo", build_mrda),
        "annomi": (args.mirror / "uccollab+AnnoMI" / "repo", build_annomi),
        "epitome": (args.mirror / "behavioral-data+Empathy-Mental-Health" / "repo", build_epitome),
        "sgd": (args.mirror / "google-research-datasets+dstc8-schema-guided-dialogue" / "repo", build_sgd),
        "mi": (args.mirror / "anuradha1992+Boosting-with-MI-Strategy" / "repo", build_mi),
    }
    for name, (repo, build) in built.items():
        if not repo.exists():
            print(f"{name}: skipped, no snapshot at {repo}")
            continue
        rows = build(repo)
        path = OUT / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        counts: dict[str, int] = {}
        for r in rows:
            counts[str(r["behavior"])] = counts.get(str(r["behavior"]), 0) + 1
        print(f"{name}: {len(rows)} rows -> {path} {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
