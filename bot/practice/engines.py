"""The buyer and the judge a process runs with: offline always, a model in front of them when one is set up.

Which model comes from bot/llm/providers.py. Each model sits behind the
offline engine (bot/practice/fallback.py) and one circuit breaker per
provider, so an outage of a local server does not close the path to Claude
when the judge runs there, and the other way round.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.llm.providers import ProviderChoice, resolve
from bot.ports import BuyerPort, Clock, JudgePort
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.judges.offline import OfflineJudge
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.llm.breaker import CircuitBreaker
    from bot.llm.client import ModelClient, UsageRecorder


def make_engines(settings: Settings, usage: UsageRecorder | None = None, clock: Clock | None = None
                 ) -> tuple[BuyerPort, JudgePort]:
    """The fallback-wrapped buyer and judge for these settings (plain offline engines when no model is set)."""
    buyer_choice, judge_choice = resolve(settings, "buyer"), resolve(settings, "judge")
    buyer: BuyerPort = OfflineBuyer()
    judge: JudgePort = OfflineJudge()
    if buyer_choice.provider == judge_choice.provider == "offline":
        return buyer, judge
    # Imported here so a process without a model never loads an SDK (bot.llm.client imports anthropic's:
    # 54 MB of `rehearse serve`'s idle memory, 206 against 152 MB, and ~1.3 s of its start).
    from bot.llm.breaker import CircuitBreaker
    from bot.practice.buyers.llm import LlmBuyer
    from bot.practice.fallback import FallbackBuyer, FallbackJudge
    from bot.practice.judges.llm import LlmJudge

    clients: dict[ProviderChoice, ModelClient] = {}
    breakers: dict[str, CircuitBreaker] = {}

    def client(choice: ProviderChoice) -> ModelClient:
        if choice not in clients:
            clients[choice] = make_client(settings, choice, usage, clock)
        return clients[choice]

    def breaker(choice: ProviderChoice) -> CircuitBreaker:
        if choice.provider not in breakers:
            breakers[choice.provider] = CircuitBreaker(settings.anthropic_breaker_failures,
                                                       timedelta(seconds=settings.anthropic_breaker_cooldown_s), clock,
                                                       provider=choice.provider)
        return breakers[choice.provider]

    if buyer_choice.provider != "offline":
        buyer = FallbackBuyer(LlmBuyer(client(buyer_choice)), buyer, breaker(buyer_choice))
    if judge_choice.provider != "offline":
        judge = FallbackJudge(LlmJudge(client(judge_choice)), judge, breaker(judge_choice))
    return buyer, judge


def make_client(settings: Settings, choice: ProviderChoice, usage: UsageRecorder | None = None,
                clock: Clock | None = None) -> ModelClient:
    """The SDK client for one provider and model."""
    if choice.provider == "anthropic":
        from bot.llm.client import LlmClient

        return LlmClient(settings, usage, clock, model=choice.model)
    if choice.provider == "openai":
        from bot.llm.openai_compat import OpenAiCompatClient

        return OpenAiCompatClient(settings, choice.model, usage, clock)
    raise ValueError("the offline engines need no client")
