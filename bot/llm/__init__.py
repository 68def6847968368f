"""Claude as the virtual buyer and the judge, with the offline engines as the net under it.

- client.LlmClient: the one place that talks to Anthropic (budgets, retries,
  prompt caching helpers, usage per session); raises LlmUnavailable.
- buyer.ClaudeBuyer / judge.ClaudeJudge: BuyerPort / JudgePort over the client.
- fallback.FallbackBuyer / FallbackJudge: Claude first, offline on any failure.
- blend: how the judge's verdict and the offline score make one score.
- pricing: the price table behind `rehearse usage`.

Names are imported on first use, so `rehearse usage` (which needs only the
price table) does not load the SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "ClaudeBuyer": "bot.llm.buyer",
    "ClaudeJudge": "bot.llm.judge",
    "FallbackBuyer": "bot.llm.fallback",
    "FallbackJudge": "bot.llm.fallback",
    "LlmBadOutput": "bot.llm.client",
    "LlmClient": "bot.llm.client",
    "LlmError": "bot.llm.client",
    "LlmResult": "bot.llm.client",
    "LlmUnavailable": "bot.llm.client",
    "TokenUsage": "bot.llm.client",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'bot.llm' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
