"""The offline buyer reads a rep's message once and still credits exactly what the scorecard would.

bot/practice/buyers/reply_analysis.py analyses the message once per turn (for the
move and every behavior that unlocks a fact) and decides "shown" without building
feedback. These tests hold it to the scorer: for scripted reps, gaming and honest
replies, on every shipped scenario's set of unlocking behaviors and on the whole
catalog, the move is the one a fresh extraction reads and "shown" is
`score_reply(...).detected`. A change to the scorer's detection fails here first.
"""

from __future__ import annotations

import pytest

from bot.practice.buyers.offline_reading import read_move
from bot.practice.buyers.reply_analysis import analysed, shows, signals_of, unlockers
from scenarios.loader import ScenarioLibrary
from scoring import InvalidReply, all_behaviors, score_reply
from tests.core.offline_scripts import GOOD, PITCH
from tests.scoring.adversarial_cases import CASES

LIBRARY = ScenarioLibrary.load()
CATALOG = frozenset(b.id for b in all_behaviors())
BEHAVIOR_SETS = sorted({unlockers(f.unlocked_by for f in s.hidden_facts) for s in LIBRARY.all()} | {CATALOG},
                       key=sorted)


def _said_to(scenario_id: str) -> list[tuple[str, str]]:
    """(rep line, the buyer line it answers): a scenario's scripted reps against its opening and its facts."""
    scenario = LIBRARY.get(scenario_id)
    buyer = [scenario.opening_line, *(f.fact for f in scenario.hidden_facts)]
    lines = GOOD.get(scenario_id, []) + PITCH
    return [(line, buyer[i % len(buyer)]) for i, line in enumerate(lines)]


# One line per signal the move reads (acknowledging, pitching, proposing), answering a worried buyer.
_WORRY = "Honestly I'm worried the rollout will drag on and my team will be stuck with the old system again."
MOVES = [
    "Take all the time you need, there's no rush at all.",
    "I hear you, that's a fair concern about the rollout.",
    "I'm so sorry, that sounds exhausting.",
    "It sounds like you feel let down by the last rollout.",
    "That makes complete sense given what happened before.",
    "So the real worry is your team stuck on the old system again.",
    "Our platform migrates everything in a weekend and costs less than your current tool.",
    "I'll send you the rollout plan by Friday so you can share it with your team.",
    "You could try piloting it with one team first.",
]

REPLIES: list[tuple[str, str]] = [
    *((line, _WORRY) for line in MOVES),
    *((c.honest, c.context) for c in CASES),
    *((c.gaming, c.context) for c in CASES),
    *(pair for sid in LIBRARY.ids() for pair in _said_to(sid)),
    ("", "What do you mean?"),  # unscorable: nothing shown, read as a statement
]


def _detected(behavior: str, text: str, context: str) -> bool:
    try:
        return score_reply(behavior, text, context).detected
    except InvalidReply:
        return False


@pytest.mark.parametrize("behaviors", BEHAVIOR_SETS, ids=lambda s: "+".join(sorted(s))[:60])
def test_the_buyer_credits_a_behavior_exactly_when_the_scorecard_would(behaviors: frozenset[str]) -> None:
    for text, context in REPLIES:
        analysis = analysed(text, context, behaviors)
        for behavior in sorted(behaviors):
            assert shows(behavior, analysis) == _detected(behavior, text, context), (behavior, text, context)


@pytest.mark.parametrize("behaviors", BEHAVIOR_SETS, ids=lambda s: "+".join(sorted(s))[:60])
def test_the_buyer_reads_the_same_move_from_one_analysis_as_from_a_fresh_one(behaviors: frozenset[str]) -> None:
    for text, context in REPLIES:
        once = read_move(text, context, signals_of(analysed(text, context, behaviors)), analysed=True)
        assert once == read_move(text, context), (text, context)


def test_an_unscorable_message_shows_nothing_and_reads_as_a_statement() -> None:
    analysis = analysed("   ", "Tell me more.", CATALOG)
    assert analysis is None
    assert not any(shows(b, analysis) for b in CATALOG)
    assert read_move("   ", "Tell me more.", signals_of(analysis), analysed=True) == "told"
