"""The composition root: every core service built once, collaborators given through constructors.

`build_core(settings)` opens storage, loads the scenarios, picks the buyer, judge
and voice from configuration, and hands them to `compose`, which builds each
use case once into one frozen `Core`. Tests call `compose` with fakes (a
recording chat, a manual clock, an in-memory database) and so run the app as
it runs in production. Adapters receive the Core, call its use cases, and
connect their ChatPort with `core.connect(chat)`; they are found through the
`rehearse.adapters` entry points (bot/runtime.py), so nothing in bot/ imports one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.actions import ActionRouter
from bot.authoring import actions as draft_buttons
from bot.authoring.library import WorkspaceLibraries
from bot.authoring.service import AuthoringService, DrafterPort
from bot.digests import render as digest_render
from bot.impact.holds import Holds
from bot.observability.http import Operations
from bot.people.directory import PeopleDirectory
from bot.people.home import HomeService
from bot.people.privacy import PrivacyService
from bot.people.workspaces import Workspaces
from bot.ports import BuyerPort, ChatPort, Clock, JudgePort, SpeechPort, SystemClock
from bot.practice import cards
from bot.practice.engine import PracticeService
from bot.practice.self_service import RepSelfService
from bot.reports.handout import manager_link, rep_link
from bot.scheduling.cadence_chat import CadenceFromChat
from bot.scheduling.cadences import CadenceService
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from scheduler.ratelimit import DEFAULT_RATES, RateLimiter
from storage import Repositories
from storage.audio_store import AudioStore
from storage.db import WEB_ROLE
from storage.repos.programmes import ProgrammeRepo
from storage.repos.scenarios import WorkspaceScenarioRepo

if TYPE_CHECKING:
    from bot.digests.service import DigestService
    from bot.reports.service import ReportService
    from bot.scheduling.build import Scheduling

log = logging.getLogger(__name__)

# The digest buttons (DigestService.act owns them), registered before the service is first built.
DIGEST_ACTIONS = (digest_render.NUDGE, digest_render.ASSIGN, digest_render.REPORT)
# Threads for the turns an adapter works off its request threads (Slack's work pool). A turn on PostgreSQL
# holds its thread through five round trips to the database as well as the post, so twice as many threads
# keep one process busy: at 400 reps on benchmarks/turn_floor.py's saturation load, 16 threads answered
# more turns in six of eight alternating pairs, 8-10 % more on average, inside one pair's noise (issue #26).
# On SQLite, which has no round trips, 16 threads measured no better than 8.
TURN_WORKERS = 8
POSTGRES_TURN_WORKERS = 16


@dataclass(frozen=True)
class Core:
    """What every entry point shares: settings, storage, scenarios, and each use case, built once."""

    settings: Settings
    repos: Repositories
    library: ScenarioLibrary
    clock: Clock
    buyer: BuyerPort
    judge: JudgePort
    speech: SpeechPort | None
    # The one map of connected platforms. Services share it (never copy it), so a platform an
    # adapter connects after start-up is seen by all of them at once.
    chats: dict[str, ChatPort]
    actions: ActionRouter
    limiter: RateLimiter  # one per process: every delivery to a platform draws on the same budget
    audio_store: AudioStore
    practice_service: PracticeService
    holds: Holds  # who an impact programme holds back from practice
    cadences: CadenceService
    cadence_chat: CadenceFromChat
    self_service: RepSelfService
    people: PeopleDirectory
    home: HomeService
    privacy: PrivacyService
    workspaces: Workspaces  # installations per workspace, when Slack is installed through "Add to Slack"
    ops: Operations  # /metrics and /readyz of this process; running parts add their checks
    libraries: WorkspaceLibraries  # the scenarios each workspace sees: the base plus its own (issue #23)
    authoring: AuthoringService  # enablement drafts, tries, publishes and retires its scenarios
    drafts: draft_buttons.DraftActions  # the draft card's Try it, Publish and Discard buttons

    @property
    def turn_workers(self) -> int:
        """How many threads an adapter's pool of turns should have, for this process's database."""
        return POSTGRES_TURN_WORKERS if self.repos.db.is_postgres else TURN_WORKERS

    # The scheduled services (pushes, nudges, digests, assessments) over the one outbox. Built once,
    # on first use and not started: a worker starts it, the web process only needs its digest
    # buttons, and `rehearse practice` never loads it (the charts' matplotlib alone takes 0.6 s to
    # import, measured with `python -X importtime -c 'import bot.digests.service'`).
    @cached_property
    def scheduling(self) -> Scheduling:
        from bot.scheduling.build import build_scheduling

        return build_scheduling(self.repos, self.library, self.clock, self.limiter, self.practice_service,
                                self.chats, self.settings.data_dir, cadences=self.cadences, holds=self.holds,
                                report_link=manager_link(self.settings, self.clock))

    @property
    def digests(self) -> DigestService:
        return self.scheduling.digests

    # The report pages (bot/reports): built on first use, over the scheduling's digest services, so
    # the figures on a page are the digest's own. Off (every page a 503) without SECRET_KEY.
    @cached_property
    def reports(self) -> ReportService:
        from bot.reports.build import build_reports

        return build_reports(self.settings, self.repos, self.library, self.clock, self.digests,
                             self.scheduling.enablement)

    def connect(self, chat: ChatPort) -> None:
        """An adapter's ChatPort joins the core: practice, digests and buttons reach that platform from now on."""
        self.chats[chat.platform] = chat

    def practice(self, chats: Mapping[str, ChatPort] | None = None) -> PracticeService:
        """The practice use cases, after connecting `chats` (the terminal's, a test's recording chat)."""
        for chat in (chats or {}).values():
            self.connect(chat)
        return self.practice_service


def compose(settings: Settings, repos: Repositories, library: ScenarioLibrary, buyer: BuyerPort, judge: JudgePort,
            clock: Clock | None = None, speech: SpeechPort | None = None,
            chats: Mapping[str, ChatPort] | None = None, drafter: DrafterPort | None = None) -> Core:
    """Every service once, over the given storage, scenarios and engines (production's or a test's fakes)."""
    clock = clock or SystemClock()
    connected: dict[str, ChatPort] = dict(chats or {})
    actions = ActionRouter(connected)
    limiter = RateLimiter(dict(DEFAULT_RATES))
    audio_store = AudioStore(Path(settings.data_dir) / "audio")
    holds = Holds(ProgrammeRepo(repos.db))
    libraries = WorkspaceLibraries(library, WorkspaceScenarioRepo(repos.db))
    practice = PracticeService(
        repos, library, buyer, judge, connected, clock, speech=speech,
        expiry=timedelta(hours=settings.session_expiry_hours), voice_replies=settings.voice_replies,
        audio_store=audio_store, holds=holds.message, libraries=libraries.for_workspace,
        peers=repos.db.web_processes if repos.db.role == WEB_ROLE else None,
    )
    authoring = AuthoringService(repos, libraries, clock, drafter)
    # A team's cadence may name its workspace's own scenarios.
    cadences = CadenceService(repos, clock, library, libraries=libraries.for_workspace)
    privacy = PrivacyService(repos, settings, clock)
    core = Core(
        settings=settings, repos=repos, library=library, clock=clock, buyer=buyer, judge=judge, speech=speech,
        chats=connected, actions=actions, limiter=limiter, audio_store=audio_store, practice_service=practice,
        holds=holds, cadences=cadences, cadence_chat=CadenceFromChat(repos, cadences, clock),
        self_service=RepSelfService(repos, clock, history_link=rep_link(settings, clock)),
        people=PeopleDirectory(repos, clock),
        home=HomeService(repos, cadences, library, clock, history_link=rep_link(settings, clock)),
        privacy=privacy,
        workspaces=Workspaces(repos, privacy, clock, settings.uninstall_retention_days),
        ops=_operations(settings, repos),
        libraries=libraries, authoring=authoring, drafts=draft_buttons.DraftActions(authoring, practice),
    )
    for action_id in (cards.FINISH, cards.SKIP):
        actions.register(action_id, practice.act)
    for action_id in draft_buttons.CORE_ACTIONS:
        actions.register(action_id, core.drafts.act)
    for action_id in DIGEST_ACTIONS:
        actions.register(action_id, lambda event: core.digests.act(event))
    return core


def _operations(settings: Settings, repos: Repositories) -> Operations:
    from bot.observability.metrics import EVENT_BACKLOG
    from storage.health import database_problem

    ops = Operations(metrics_token=settings.metrics_token)
    ops.add_check("database", lambda: database_problem(repos.db))
    ops.on_scrape(lambda: EVENT_BACKLOG.set(repos.events.backlog()))
    return ops


def build_core(settings: Settings, clock: Clock | None = None, migrate: bool = True, role: str = "cli") -> Core:
    """The production core: storage from DATABASE_URL, the scenario library, and the configured engines.

    `role` is "web" in a process that receives chat events over HTTP (`serve`, `run`)."""
    repos = Repositories.open(settings.database_url, migrate=migrate, role=role)
    library = ScenarioLibrary.load(settings.scenarios_dir)
    buyer, judge = make_buyer_and_judge(settings, repos, clock)
    return compose(settings, repos, library, buyer, judge, clock, speech=make_speech(settings),
                   drafter=make_drafter(settings, repos))


def make_buyer_and_judge(settings: Settings, repos: Repositories, clock: Clock | None = None
                         ) -> tuple[BuyerPort, JudgePort]:
    """Offline engines always; a model (Claude or an OpenAI-compatible server) in front of them when set up."""
    from bot.practice.engines import make_engines
    from storage.repos.usage import UsageRepo

    return make_engines(settings, UsageRepo(repos.db), clock)


def make_drafter(settings: Settings, repos: Repositories) -> DrafterPort | None:
    """The judge's model (Claude, or the own model) drafting scenarios from a description; None without
    one (the form still works)."""
    from bot.llm.providers import resolve

    choice = resolve(settings, "judge")  # the larger, structured-output model of the two
    if choice.provider == "offline":
        return None
    from bot.authoring.claude import ClaudeDrafter
    from bot.practice.engines import make_client
    from storage.repos.usage import UsageRepo

    return ClaudeDrafter(make_client(settings, choice, UsageRepo(repos.db)))


def make_speech(settings: Settings) -> SpeechPort | None:
    """The offline voice pipeline, built lazily so a text-only process never loads audio models."""
    try:
        from bot.voice.pipeline import LazyVoicePipeline
    except ImportError:
        return None
    return LazyVoicePipeline(stt_model_dir=settings.stt_model_dir)
