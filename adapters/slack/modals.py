"""The enablement modal: a team's cadence and scenario rotation as a Block Kit form.

`cadence_modal` fills the form from the cadence service's form values;
`read_cadence_form` turns a view_submission's state back into the loose mapping
the service validates; `form_errors` puts each CadenceError message under the
input it is about (Slack's response_action "errors").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

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


# ---- the scenario modal (issue #23): a description for Claude, or the short form ------------------

SCENARIO_CALLBACK = "rehearse_scenario"
_SCENARIO_LABELS = (
    ("title", "Title", "e.g. Clinic double bookings"),
    ("buyer_name", "Buyer's name (fictional)", ""),
    ("buyer_role", "Buyer's role", "e.g. Practice manager"),
    ("company", "Buyer's company (fictional)", ""),
    ("mood", "Buyer's mood", "e.g. angry, rushed"),
    ("concern", "What the buyer wants sorted, as a phrase", "e.g. the double bookings"),
    ("opening_line", "The buyer's opening line", "It must not give away the hidden facts"),
)


def scenario_modal(can_describe: bool, values: Mapping[str, Any] | None = None, draft_id: int | None = None,
                   max_facts: int = 3) -> dict[str, Any]:
    """The "New scenario" (or "Edit draft") modal; every input is optional and the core says what is missing."""
    values = values or {}
    behaviors = sorted(all_behaviors(), key=lambda b: b.name)[:OPTIONS_MAX]
    behavior_options = [_option(b.name, b.id) for b in behaviors]
    blocks: list[Block] = []
    if can_describe and draft_id is None:
        blocks += [
            _input("description", "Describe it in two or three sentences, for Claude to draft", {
                "type": "plain_text_input", "multiline": True, "max_length": 1500,
                "placeholder": {"type": "plain_text", "text": "A clinic manager whose booking system double-books "
                                                              "patients; she is angry; practise empathy and next steps"}},
                optional=True),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "…or leave it empty and fill in the short "
                                                                        "form below."}]},
        ]
    elif draft_id is None:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            "No LLM is configured here, so drafting from a description is off: the short form below makes the "
            "whole scenario.")}]})
    blocks.append(_input("behaviors", "Behaviors to coach", {
        "type": "multi_static_select", "options": behavior_options,
        **_initial(behavior_options, list(values.get("behaviors") or []))}, optional=True))
    for block_id, label, hint in _SCENARIO_LABELS:
        blocks.append(_text_input(block_id, label, hint, values.get(block_id), multiline=block_id == "opening_line"))
    for i in range(1, max_facts + 1):
        blocks.append(_text_input(f"fact{i}", f"Hidden fact {i}: what the buyer says once the rep earns it",
                                  "Earned by the behaviors above", values.get(f"fact{i}"), multiline=True))
        blocks.append(_text_input(f"fact{i}_about", f"Hidden fact {i} is about", "a few words a rep would use",
                                  values.get(f"fact{i}_about")))
    return {
        "type": "modal",
        "callback_id": SCENARIO_CALLBACK,
        "private_metadata": json.dumps({"draft": draft_id}),
        "title": {"type": "plain_text", "text": "Edit draft" if draft_id else "New scenario"},
        "submit": {"type": "plain_text", "text": "Draft it"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def draft_of(view: Mapping[str, Any]) -> int | None:
    try:
        draft = json.loads(view.get("private_metadata") or "{}").get("draft")
        return int(draft) if draft is not None else None
    except (ValueError, AttributeError, TypeError):
        return None


def field_errors(problems: Mapping[str, str], blocks: set[str]) -> dict[str, str]:
    """Problems keyed by form field, put under their block (or the first input when it has none)."""
    first = "behaviors" if "behaviors" in blocks else next(iter(sorted(blocks)), "title")
    errors: dict[str, str] = {}
    for field, message in problems.items():
        block = field if field in blocks else first
        errors[block] = clip(f"{errors[block]} {message}" if block in errors else message, 1000)
    return errors


def _text_input(block_id: str, label: str, hint: str, value: object, multiline: bool = False) -> Block:
    element: Block = {"type": "plain_text_input", "multiline": multiline, "max_length": 600}
    if hint:
        element["placeholder"] = {"type": "plain_text", "text": clip(hint, 150)}
    if value:
        element["initial_value"] = str(value)
    return _input(block_id, label, element, optional=True)
