"""Which model plays the buyer and which judges: one rule, read from settings.

`LLM_PROVIDER=auto` (the default) picks Anthropic when `ANTHROPIC_API_KEY` is
set, else the OpenAI-compatible server at `OPENAI_BASE_URL`, else the offline
engines. `LLM_JUDGE_PROVIDER` and `LLM_JUDGE_MODEL` let the judge differ from
the buyer (a small local model can play the buyer while a stronger one
judges). A provider named explicitly but not configured is a set-up error,
said plainly at start, rather than a silent fall back to offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from bot.settings import Settings

Provider = Literal["anthropic", "openai", "offline"]
Role = Literal["buyer", "judge"]


class ProviderNotConfigured(ValueError):
    """LLM_PROVIDER names a provider whose settings are missing."""


@dataclass(frozen=True)
class ProviderChoice:
    """The provider and model one role runs on (model is "" offline)."""

    provider: Provider
    model: str

    @property
    def engine(self) -> str:
        """The engine name recorded on turns and scores: `claude:<model>`, `openai:<model>` or `offline`."""
        if self.provider == "offline":
            return "offline"
        return f"{'claude' if self.provider == 'anthropic' else 'openai'}:{self.model}"


def resolve(settings: Settings, role: Role) -> ProviderChoice:
    """The provider and model for `role`, from settings alone."""
    wanted = settings.llm_provider
    if role == "judge" and settings.llm_judge_provider is not None:
        wanted = settings.llm_judge_provider
    if wanted == "auto":
        wanted = "anthropic" if settings.anthropic_api_key else "openai" if settings.openai_base_url else "offline"
    model = settings.llm_model
    if role == "judge" and settings.llm_judge_model:
        model = settings.llm_judge_model
    if wanted == "anthropic":
        if not settings.anthropic_api_key:
            raise ProviderNotConfigured("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY")
        return ProviderChoice("anthropic", model or settings.anthropic_model)
    if wanted == "openai":
        if not settings.openai_base_url:
            raise ProviderNotConfigured("LLM_PROVIDER=openai needs OPENAI_BASE_URL (e.g. http://localhost:11434/v1)")
        if not model:
            raise ProviderNotConfigured("LLM_PROVIDER=openai needs LLM_MODEL: the model name your server serves")
        return ProviderChoice("openai", model)
    return ProviderChoice("offline", "")
