"""The short form as named fields: what a chat form (the Slack modal) sends, read into a ScenarioForm.

The adapter reads its form into a flat mapping of these field names; this module
decides what is missing, builds the ScenarioForm, and says which field each
validator problem belongs under, so the platform can show it there. In a chat
form each hidden fact is earned by the scenario's behaviors (the terminal
wizard asks per fact).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scenarios.drafting import FactForm, ScenarioForm
from scenarios.schema import Scenario

MAX_FACTS = 3
REQUIRED = ("title", "buyer_name", "buyer_role", "company", "concern", "opening_line")
FIELDS = ("description", "behaviors", *REQUIRED, "mood",
          *(f"fact{i}{part}" for i in range(1, MAX_FACTS + 1) for part in ("", "_about")))
NEEDED = "Needed for the short form (or describe the scenario above for Claude to draft)."


class FormProblems(ValueError):
    """Problems keyed by the form field each belongs under."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


def behaviors_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    raw = values.get("behaviors") or ()
    items = raw.split(",") if isinstance(raw, str) else raw
    return tuple(dict.fromkeys(str(b).strip() for b in items if str(b).strip()))


def form_from_fields(values: Mapping[str, Any]) -> ScenarioForm:
    """The ScenarioForm these fields describe; FormProblems names each missing field."""
    text = {name: str(values.get(name) or "").strip() for name in FIELDS if name != "behaviors"}
    behaviors = behaviors_of(values)
    problems = {name: NEEDED for name in REQUIRED if not text[name]}
    if not behaviors:
        problems["behaviors"] = "Pick at least one behavior to coach."
    facts: list[FactForm] = []
    for i in range(1, MAX_FACTS + 1):
        fact, about = text[f"fact{i}"], text[f"fact{i}_about"]
        if fact and not about:
            problems[f"fact{i}_about"] = "Say in a few words what this fact is about (how a rep would bring it up)."
        elif about and not fact:
            problems[f"fact{i}"] = "Write what the buyer says once the rep earns this fact."
        elif fact:
            facts.append(FactForm(fact, about, behaviors))
    if problems:
        raise FormProblems(problems)
    return ScenarioForm(title=text["title"], behaviors=behaviors, buyer_name=text["buyer_name"],
                        buyer_role=text["buyer_role"], company=text["company"], concern=text["concern"],
                        opening_line=text["opening_line"], facts=tuple(facts), mood=text["mood"] or "neutral")


def fields_of(scenario: Scenario) -> dict[str, Any]:
    """A scenario's values for the form, to edit it (topic ids become the phrases they were made from)."""
    topic_of = {fact: t.id for t in scenario.topics for fact in t.facts}
    values: dict[str, Any] = {
        "behaviors": list(scenario.behaviors), "title": scenario.title, "buyer_name": scenario.persona.name,
        "buyer_role": scenario.persona.role, "company": scenario.persona.company, "mood": scenario.persona.mood,
        "concern": scenario.concern.replace("_", " "), "opening_line": scenario.opening_line.strip(),
    }
    for i, fact in enumerate(scenario.hidden_facts[:MAX_FACTS], 1):
        values[f"fact{i}"] = fact.fact.strip()
        values[f"fact{i}_about"] = topic_of.get(fact.id, fact.id).replace("_", " ")
    return values


def field_of(problem: str, fields: Sequence[str] = FIELDS) -> str:
    """The form field a drafting problem ('hidden_facts.0.unlocked_by: ...') belongs under."""
    where = problem.split(":", 1)[0].strip()
    parts = where.split(".")
    if parts[0] == "hidden_facts" and len(parts) > 1 and parts[1].isdigit():
        return f"fact{int(parts[1]) + 1}"
    named = {"persona": {"name": "buyer_name", "role": "buyer_role", "company": "company", "mood": "mood"}}
    if parts[0] in named and len(parts) > 1:
        return named[parts[0]].get(parts[1], "buyer_name")
    return parts[0] if parts[0] in fields else "title"
