"""The LLM client: the one place that talks to Anthropic, and nothing about practice.

- client.LlmClient: budgets, retries, prompt caching helpers, usage per
  session; raises LlmUnavailable.
- breaker.CircuitBreaker: an outage skips Claude instead of waiting on it.
- budget: per-call deadlines and token budgets.
- fence: quoting untrusted text into a prompt, and checking quotes come back verbatim.
- pricing: the price table behind `rehearse usage`.

Claude as the buyer and the judge lives with the practice engine
(bot/practice/buyers/llm.py, bot/practice/judges/llm.py,
bot/practice/fallback.py); nothing here imports bot.practice.

Names are imported on first use, so `rehearse usage` (which needs only the
price table) does not load the SDK.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
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
