"""The composition root: the one module that builds adapters and hands them the core.

Everything else in bot/ is platform-free; this is where configuration decides
which buyer, judge, voice and chat platforms a process runs with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Mapping

from bot.actions import ActionRouter
from bot.ports import BuyerPort, ChatPort, Clock, JudgePort, SpeechPort, SystemClock
from bot.practice import cards
from bot.practice.buyers.offline import OfflineBuyer
from bot.practice.engine import PracticeService
from bot.practice.judges.offline import OfflineJudge
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories
from storage.audio_store import AudioStore

log = logging.getLogger(__name__)


@dataclass
class Core:
    """What every entry point shares: settings, storage, scenarios and the engines."""

    settings: Settings
    repos: Repositories
    library: ScenarioLibrary
    buyer: BuyerPort
    judge: JudgePort
    clock: Clock
    speech: SpeechPort | None = None
    chats: dict[str, ChatPort] = field(default_factory=dict)
    _practice: PracticeService | None = None
    _actions: ActionRouter | None = None

    def practice(self, chats: Mapping[str, ChatPort] | None = None) -> PracticeService:
        """The practice use cases over the given chat platforms (shared by every caller)."""
        if chats:
            self.chats.update(chats)
        if self._practice is None:
            self._practice = PracticeService(
                self.repos, self.library, self.buyer, self.judge, self.chats, self.clock, speech=self.speech,
                expiry=timedelta(hours=self.settings.session_expiry_hours),
                voice_replies=self.settings.voice_replies, audio_store=self.audio_store,
            )
            for action_id in (cards.FINISH, cards.SKIP):
                self.actions.register(action_id, self._practice.act)
            from bot.impact.holds import Holds  # here: a process that never practises skips it
            from storage.repos.programmes import ProgrammeRepo

            self._practice.holds = Holds(ProgrammeRepo(self.repos.db)).message
        return self._practice

    @property
    def audio_store(self) -> AudioStore:
        return AudioStore(Path(self.settings.data_dir) / "audio")

    @property
    def actions(self) -> ActionRouter:
        if self._actions is None:
            self._actions = ActionRouter(self.chats)
        return self._actions


def build_core(settings: Settings, clock: Clock | None = None, migrate: bool = True) -> Core:
    repos = Repositories.open(settings.database_url, migrate=migrate)
    library = ScenarioLibrary.load(settings.scenarios_dir)
    buyer, judge = make_buyer_and_judge(settings, repos, clock)
    return Core(settings, repos, library, buyer, judge, clock or SystemClock(), speech=make_speech(settings))


def make_buyer_and_judge(settings: Settings, repos: Repositories, clock: Clock | None = None
                         ) -> tuple[BuyerPort, JudgePort]:
    """Offline engines always; Claude in front of them, behind one circuit breaker, when a key is configured."""
    buyer, judge = OfflineBuyer(), OfflineJudge()
    if not settings.has_claude:
        return buyer, judge
    # Imported here so a process without a key never loads the SDK.
    from bot.llm import LlmClient
    from bot.llm.breaker import CircuitBreaker
    from bot.practice.buyers.claude import ClaudeBuyer
    from bot.practice.fallback import FallbackBuyer, FallbackJudge
    from bot.practice.judges.claude import ClaudeJudge
    from storage.repos.usage import UsageRepo

    client = LlmClient(settings, UsageRepo(repos.db))
    breaker = CircuitBreaker(settings.anthropic_breaker_failures,
                             timedelta(seconds=settings.anthropic_breaker_cooldown_s), clock)
    return (FallbackBuyer(ClaudeBuyer(client), buyer, breaker),
            FallbackJudge(ClaudeJudge(client), judge, breaker))


def make_speech(settings: Settings) -> SpeechPort | None:
    """The offline voice pipeline, built lazily so a text-only process never loads audio models."""
    try:
        from bot.voice.pipeline import LazyVoicePipeline
    except ImportError:
        return None
    return LazyVoicePipeline(stt_model_dir=settings.stt_model_dir)
