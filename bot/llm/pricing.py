"""Model prices, in one place, for the cost estimates of `rehearse usage`.

Claude's come from the table below. A model on your own OpenAI-compatible
server costs what LLM_PRICE_INPUT_PER_MTOK / LLM_PRICE_OUTPUT_PER_MTOK say
(0 by default: a self-hosted model bills nothing per token).


US dollars per million tokens, as listed on Anthropic's pricing page
(docs.anthropic.com/en/docs/about-claude/pricing) for the standard API with
5-minute prompt-cache writes; table written 2026-11. Check the page before
quoting a bill — these are estimates, and batch, long-context or regional
rates are not modelled. `min_cache_tokens` is the shortest prefix each model
caches at all (shorter prefixes are silently billed as plain input).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

PRICES_AS_OF = "2026-11"


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write: float
    cache_read: float
    min_cache_tokens: int = 1024

    def cost(self, input_tokens: int, output_tokens: int, cache_read_tokens: int, cache_write_tokens: int) -> float:
        """Dollars for these token counts."""
        return (input_tokens * self.input + output_tokens * self.output + cache_read_tokens * self.cache_read
                + cache_write_tokens * self.cache_write) / 1_000_000


# Longest prefix first: a model id matches the first entry it starts with (dated ids included).
PRICES: tuple[tuple[str, Price], ...] = (
    ("claude-opus-4-6", Price(5.0, 25.0, 6.25, 0.50, 4096)),
    ("claude-opus-4-5", Price(5.0, 25.0, 6.25, 0.50, 4096)),
    ("claude-opus-4-1", Price(15.0, 75.0, 18.75, 1.50)),
    ("claude-opus-4", Price(15.0, 75.0, 18.75, 1.50)),
    ("claude-sonnet-4-6", Price(3.0, 15.0, 3.75, 0.30)),
    ("claude-sonnet-4-5", Price(3.0, 15.0, 3.75, 0.30)),
    ("claude-sonnet-4", Price(3.0, 15.0, 3.75, 0.30)),
    ("claude-3-7-sonnet", Price(3.0, 15.0, 3.75, 0.30)),
    ("claude-haiku-4-5", Price(1.0, 5.0, 1.25, 0.10, 4096)),
    ("claude-3-5-haiku", Price(0.80, 4.0, 1.0, 0.08, 2048)),
    ("claude-3-haiku", Price(0.25, 1.25, 0.30, 0.03, 2048)),
)


def price_of(model: str) -> Price | None:
    """The price for a model id, or None when the table does not know it (costs then show as unknown)."""
    return next((price for prefix, price in PRICES if model.startswith(prefix)), None)


def price_for(provider: str, model: str, settings: Settings) -> Price | None:
    """The price of one provider's model: Claude's table, or the configured own-model price."""
    if provider == "openai":
        inp, out = settings.llm_price_input_per_mtok, settings.llm_price_output_per_mtok
        return Price(inp, out, cache_write=inp, cache_read=inp, min_cache_tokens=0)
    return price_of(model)
