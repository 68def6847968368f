"""ClaudeDrafter: a description in, a validated scenario out, through the forced `draft_scenario` tool.

Claude, or the own model when LLM_PROVIDER points at one (any bot.llm ModelClient).

One call, and when the validator or a guard rail refuses the draft, one more
with the draft and the problems sent back. A draft still invalid
after that is raised as DraftInvalid with the problems, and nothing is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.authoring import prompt
from bot.llm.client import LlmBadOutput, ModelClient
from scenarios.drafting import Drafted, DraftInvalid, finish_draft, slug

log = logging.getLogger(__name__)

ATTEMPTS = 2  # the draft, and one fix
MAX_TOKENS = 6000  # the longest shipped scenario is ~2,400 tokens of YAML; JSON and headroom double it


class ClaudeDrafter:
    def __init__(self, client: ModelClient) -> None:
        self.client = client

    def draft(self, description: str, behaviors: Sequence[str]) -> Drafted:
        messages: list[dict[str, Any]] = [prompt.user_message(description, behaviors)]
        problems: tuple[str, ...] = ()
        for attempt in range(1, ATTEMPTS + 1):
            result = self.client.create(
                "author", session_id=None, system=prompt.system_blocks(), messages=messages,
                tools=[prompt.tool()], tool_choice={"type": "tool", "name": prompt.TOOL_NAME}, max_tokens=MAX_TOKENS)
            try:
                data = dict(result.tool_input(prompt.TOOL_NAME))
            except LlmBadOutput:
                data, problems = {}, ("the answer had no draft_scenario call",)
            else:
                try:
                    return finish_draft(_practice(data), behaviors)
                except DraftInvalid as exc:
                    problems = exc.problems
            log.info("drafted scenario refused on attempt %d: %d problem(s)", attempt, len(problems))
            messages = messages[:1] + prompt.retry_messages(data, problems)
        raise DraftInvalid(problems)


def _practice(data: dict[str, Any]) -> dict[str, Any]:
    """The fields the author never chooses: a practice scenario, version 1, an id from the title if missing."""
    out = {**data, "kind": "practice", "version": 1}
    if not isinstance(out.get("id"), str) or not out["id"]:
        out["id"] = slug(str(out.get("title", "")))
    return out
