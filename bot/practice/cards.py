"""What the rep sees: the scenario card, the scorecard, and short notices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.messages import CHAT_WORDING, Action, Card, Field, Wording
from scenarios.schema import Scenario
from scoring import get_behavior
from scoring.types import BehaviorScore

FINISH = "rehearse_finish"
SKIP = "rehearse_skip"
START = "rehearse_start"


def scenario_card(scenario: Scenario, session_id: str, opening_line: str, wording: Wording = CHAT_WORDING) -> Card:
    behavior = get_behavior(scenario.primary_behavior)
    persona = scenario.persona
    return Card(
        kind="scenario",
        title=scenario.title,
        body=scenario.summary.strip(),
        fields=(
            Field("Practising", f"{behavior.name}: {behavior.definition}"),
            Field("Buyer", f"{persona.name}, {persona.role} at {persona.company} ({persona.mood})"),
            Field(f"{persona.name} says", f"“{opening_line}”"),
        ),
        actions=(
            Action(FINISH, "Finish", session_id, "primary"),
            Action(SKIP, "Skip", session_id, "danger"),
        ),
        footer=f"{wording.reply} About {scenario.expected_minutes} minutes. {wording.finish}",
    )


@dataclass(frozen=True)
class Progress:
    behavior: str
    previous: Sequence[int]  # newest first


def trend_text(score: int, previous: Sequence[int]) -> str:
    if not previous:
        return "first time on this behavior"
    average = sum(previous) / len(previous)
    delta = score - average
    arrow = "▲" if delta >= 3 else "▼" if delta <= -3 else "▶"
    return f"{arrow} {delta:+.0f} vs your last {len(previous)} ({average:.0f})"


def scorecard(scenario: Scenario, scores: Sequence[BehaviorScore], progress: Mapping[str, Sequence[int]],
              assessment: bool = False) -> Card:
    fields: list[Field] = []
    for s in scores:
        name = get_behavior(s.behavior).name
        lines = [f"*{s.score}/100* · {trend_text(s.score, progress.get(s.behavior, ()))}"]
        if s.evidence:
            lines.extend(f"> “{quote}”" for quote in s.evidence[:2])
        elif not s.detected:
            lines.append("_Not seen in this session._")
        if not assessment and s.feedback.went_well:  # only when something did, with the rep's words
            lines.append(f"Went well: {s.feedback.went_well}")
        fields.append(Field(name, "\n".join(lines)))
    if assessment:
        return Card(kind="scorecard", title=f"Assessment recorded: {scenario.title}",
                    body="Thanks. This was an assessment, so there is no coaching this time.",
                    fields=tuple(fields))
    main = scores[0] if scores else None
    if main is not None:
        tip = main.feedback.try_next
        if main.feedback.rewrite:
            tip += f"\nFor example: “{main.feedback.rewrite}”"
        fields.append(Field("Try next time", tip))
    return Card(kind="scorecard", title=f"Scorecard: {scenario.title}", fields=tuple(fields),
                footer="Scores come from what you wrote; quotes are your own words.")
