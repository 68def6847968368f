"""The coaching Setting of a scenario: a sales or a service call, and the customer's own goal.

Scoring is pure and knows nothing of scenarios, so the judges hand it this value. The kind comes from
the scenario's skill area (every shipped scenario's area says which it is); the goal is the persona's
first goal that reads as something to achieve ("get back online today", not "not feel silly").
"""

from __future__ import annotations

import re
from typing import Literal

from scenarios.schema import Scenario
from scoring.types import Setting

# Skill areas of service conversations: the shipped ones, and the words a new one would use.
_SERVICE_AREA = re.compile(r"contact cent|service|support|escalation|patient|care|complaint|help ?desk|billing",
                           re.IGNORECASE)
_NEGATIVE_GOAL = re.compile(r"^(?:not|no|never|avoid|fewer|less|stop)\b", re.IGNORECASE)


def setting_of(scenario: Scenario) -> Setting:
    kind: Literal["sales", "service"] = "service" if _SERVICE_AREA.search(scenario.skill_area) else "sales"
    goals = [g.strip() for g in scenario.persona.goals if g and g.strip()]
    goal = next((g for g in goals if not _NEGATIVE_GOAL.match(g)), "")
    return Setting(kind=kind, goal=goal)
