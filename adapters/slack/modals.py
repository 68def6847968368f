"""The enablement modal: a team's cadence and scenario rotation as a Block Kit form.

`cadence_modal` fills the form from the cadence service's form values;
`read_cadence_form` turns a view_submission's state back into the loose mapping
the service validates; `form_errors` puts each CadenceError message under the
input it is about (Slack's response_action "errors").
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from adapters.slack.blocks import clip
from bot.scheduling.cadences import WEEKDAY_NAMES, CadenceError
from scenarios.loader import ScenarioLibrary
from scoring import all_behaviors

CADENCE_CALLBACK = "rehearse_cadence"
ACTION = "value"  # every input's action_id: the block_id says which field it is
OPTIONS_MAX = 100  # Slack's limit for a static select's options

# Errors about a cross-field rule go under the input a person would change.
_ERROR_BLOCK = {"window": "window_end"}

Block = dict[str, Any]


def cadence_modal(team_id: int, team_name: str, values: Mapping[str, str], library: ScenarioLibrary) -> dict[str, Any]:
    """The modal for one team, prefilled with its current (or default) cadence."""
    weekdays = {int(d) for d in values.get("weekdays", "").split(",") if d.strip().isdigit()}
    scenario_ids = [s for s in values.get("scenario_ids", "").split(",") if s]
    behavior_ids = [b for b in values.get("behaviors", "").split(",") if b]
    scenarios = sorted(library.all(kind="practice"), key=lambda s: s.title)[:OPTIONS_MAX]
    behaviors = sorted(all_behaviors(), key=lambda b: b.name)[:OPTIONS_MAX]
    scenario_options = [_option(s.title, s.id) for s in scenarios]
    behavior_options = [_option(b.name, b.id) for b in behaviors]
    per_week = values.get("sessions_per_week") or "3"
    day_options = [_option(name, str(i)) for i, name in enumerate(WEEKDAY_NAMES)]
    blocks: list[Block] = [
        _input("sessions_per_week", "Sessions per week", {
            "type": "static_select", "options": [_option(str(n), str(n)) for n in range(1, 6)],
            "initial_option": _option(per_week, per_week)}),
        _input("weekdays", "Practice days", {
            "type": "checkboxes", "options": day_options,
            **({"initial_options": [day_options[d] for d in sorted(weekdays) if 0 <= d < 7]} if weekdays else {})},
            optional=True),
        _input("window_start", "Working hours start (rep's local time)", {
            "type": "timepicker", "initial_time": values.get("window_start") or "09:00"}),
        _input("window_end", "Working hours end", {
            "type": "timepicker", "initial_time": values.get("window_end") or "17:00"}),
        _input("min_spacing_hours", "Least hours between two pushes", {
            "type": "number_input", "is_decimal_allowed": False, "min_value": "0", "max_value": "72",
            "initial_value": values.get("min_spacing_hours") or "24"}),
        _input("scenario_ids", "Scenarios to rotate (empty: all)", {
            "type": "multi_static_select", "options": scenario_options,
            **_initial(scenario_options, scenario_ids)}, optional=True),
        _input("behaviors", "Behaviors to focus on (empty: all)", {
            "type": "multi_static_select", "options": behavior_options,
            **_initial(behavior_options, behavior_ids)}, optional=True),
        _input("holidays_country", "Skip public holidays of (country code, e.g. GB)", {
            "type": "plain_text_input", "max_length": 8,
            **({"initial_value": values["holidays_country"]} if values.get("holidays_country") else {})},
            optional=True),
    ]
    return {
        "type": "modal",
        "callback_id": CADENCE_CALLBACK,
        "private_metadata": json.dumps({"team_id": team_id}),
        "title": {"type": "plain_text", "text": "Practice cadence"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": clip(f"Team *{team_name}*", 3000)}},
                   *blocks],
    }


def team_of(view: Mapping[str, Any]) -> int | None:
    try:
        return int(json.loads(view.get("private_metadata") or "{}")["team_id"])
    except (ValueError, KeyError, TypeError):
        return None


def read_cadence_form(view: Mapping[str, Any]) -> dict[str, Any]:
    """A submitted modal as the loose mapping CadenceService.parse accepts."""
    state = ((view.get("state") or {}).get("values")) or {}
    out: dict[str, Any] = {}
    for block_id, actions in state.items():
        element = (actions or {}).get(ACTION) or {}
        kind = element.get("type")
        if kind == "static_select":
            value = (element.get("selected_option") or {}).get("value")
        elif kind in ("checkboxes", "multi_static_select"):
            value = [o.get("value") for o in element.get("selected_options") or []]
        elif kind == "timepicker":
            value = element.get("selected_time")
        else:
            value = element.get("value")
        if value is None or value == "":
            continue
        out[block_id] = value
    if "weekdays" in state and "weekdays" not in out:
        out["weekdays"] = []  # every box unticked: the service says to pick at least one
    return out


def form_errors(error: CadenceError, blocks: set[str]) -> dict[str, str]:
    """CadenceError messages keyed by the block each belongs under."""
    errors: dict[str, str] = {}
    for field, message in error.by_field().items():
        block = field if field in blocks else _ERROR_BLOCK.get(field, "sessions_per_week")
        errors[block] = clip(f"{errors[block]} {message}" if block in errors else message, 1000)
    return errors


def input_blocks(view: Mapping[str, Any]) -> set[str]:
    return {b.get("block_id", "") for b in view.get("blocks") or [] if b.get("type") == "input"}


def _input(block_id: str, label: str, element: Block, optional: bool = False) -> Block:
    return {"type": "input", "block_id": block_id, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": {**element, "action_id": ACTION}}


def _option(text: str, value: str) -> Block:
    return {"text": {"type": "plain_text", "text": clip(text, 75)}, "value": value}


def _initial(options: list[Block], chosen: list[str]) -> dict[str, Any]:
    picked = [o for o in options if o["value"] in chosen]
    return {"initial_options": picked} if picked else {}
