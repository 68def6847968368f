"""The advice model gives the same probability in every process, whatever Python's hash seed.

A plain sum over a set of n-gram weights adds in the set's order, which changes with
PYTHONHASHSEED; a sentence near p = 0.5 then read as advice in one run and not in the next.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SENTENCES = [
    "It might not be a bad idea to talk to your doctor about the dose before you change anything.",
    "You could maybe swap the evening walk for a short one in the morning and see how that feels.",
    "I have been thinking about whether the new schedule works for the whole team this month.",
]
PROGRAM = "from scoring.advice import advice_probability as p\nimport sys\nfor s in sys.argv[1:]:\n    print(repr(p(s)))\n"


def _probabilities(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", PROGRAM, *SENTENCES], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def test_advice_probability_is_identical_under_every_hash_seed():
    outputs = {_probabilities(seed) for seed in ("0", "1", "7", "42", "101", "113")}
    assert len(outputs) == 1, outputs
