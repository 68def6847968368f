"""Long-running processes: `rehearse run`, `rehearse serve` and `rehearse worker`.

Part of the composition root (with bot/app.py): it finds the chat platforms
through the `rehearse.adapters` entry points, builds the configured ones over
the one Core, adds the scheduler and its jobs, and blocks until interrupted.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol

from bot.app import Core, build_core
from bot.logs import configure_logging
from bot.settings import Settings
from storage.db import WEB_ROLE

if TYPE_CHECKING:
    from bot.scheduling.build import Scheduling

log = logging.getLogger(__name__)

ENTRY_POINTS = "rehearse.adapters"
CHAT_PLATFORMS = ("slack", "discord")  # what `rehearse run` and `rehearse worker` connect when configured
RETENTION_EVERY_S = 6 * 3600.0


# ---- chat platforms as plug-ins -------------------------------------------------------


class RunningPlatform(Protocol):
    """One chat platform built over the core (what a PlatformPlugin's `build` returns)."""

    platform: str
    # True when the platform must own the main thread (Discord's gateway runs its own event loop
    # there); a process runs at most one such platform in the foreground and the rest beside it.
    foreground: bool

    def run_in_background(self, port: int) -> None:
        """Start taking events on the platform's own threads and return at once."""

    def run(self) -> None:
        """Take events in this thread until interrupted."""

    def stop(self) -> None:
        """Stop taking events and finish the work already accepted."""


class PlatformPlugin(Protocol):
    """What a `rehearse.adapters` entry point names: how to build one platform over the core.

    `load_platform` finds plug-ins through importlib.metadata, so the core never imports an adapter."""

    name: str

    def configured(self, settings: Settings) -> bool:
        """Whether the settings carry what this platform needs (its tokens)."""

    def build(self, core: Core, settings: Settings) -> Any:
        """The platform over `core`, its ChatPort connected (a RunningPlatform for chat platforms)."""


class UnknownPlatform(LookupError):
    """No installed adapter has that name (the package's entry points are missing or misspelt)."""


def load_platform(name: str) -> PlatformPlugin:
    """One adapter by name; UnknownPlatform says which are installed when it is not."""
    found = [ep for ep in entry_points(group=ENTRY_POINTS) if ep.name == name]
    if not found:
        known = sorted(ep.name for ep in entry_points(group=ENTRY_POINTS))
        raise UnknownPlatform(f"no '{name}' adapter is installed (found: {', '.join(known) or 'none'}); "
                              "reinstall the package (pip install -e .) to register its entry points")
    plugin: PlatformPlugin = found[0].load()
    return plugin


@dataclass
class Process:
    """What one process runs; `stop()` tears it down in reverse order."""

    core: Core
    scheduling: Scheduling | None = None
    platforms: dict[str, RunningPlatform] = field(default_factory=dict)
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def slack(self) -> Any | None:
        return self.platforms.get("slack")

    @property
    def discord(self) -> Any | None:
        return self.platforms.get("discord")

    def stop(self) -> None:
        if self.scheduling is not None:
            self.scheduling.stop()
        for platform in reversed(list(self.platforms.values())):
            platform.stop()


def start_scheduling(core: Core) -> Scheduling:
    """The core's scheduler, started, with retention and the event ledger's pruning beside its own jobs
    (pushes, nudges, expiry, digests, assessments)."""
    scheduling = core.scheduling
    scheduling.add_periodic("retention", core.privacy.purge_expired, RETENTION_EVERY_S)
    scheduling.add_periodic("event-ledger", core.practice_service.prune_events, RETENTION_EVERY_S)
    # Workspaces that uninstalled Slack longer than UNINSTALL_RETENTION_DAYS ago lose their practice data.
    scheduling.add_periodic("uninstalled-workspaces", core.workspaces.purge_uninstalled, RETENTION_EVERY_S)
    return scheduling.start()


def build_process(settings: Settings, *, platforms: Iterable[str] = CHAT_PLATFORMS, scheduler: bool,
                  role: str = "worker") -> Process:
    """The core, each named platform that is configured, and (when asked) the scheduler.

    `role` is "web" for a process that receives chat events over HTTP: web processes count each
    other on PostgreSQL to keep a rep's messages in order across them (PracticeService.peers)."""
    configure_logging(settings.log_level, [settings.slack_bot_token, settings.slack_signing_secret,
                                           settings.slack_app_token, settings.slack_client_secret,
                                           settings.discord_token, settings.anthropic_api_key,
                                           settings.openai_api_key])
    core = build_core(settings, role=role)
    process = Process(core)
    for name in platforms:
        plugin = load_platform(name)
        if plugin.configured(settings):
            process.platforms[name] = plugin.build(core, settings)
    if scheduler:
        process.scheduling = start_scheduling(core)
    # Turns stored before a restart but never answered get their buyer line now, off the start-up path.
    resume = threading.Thread(target=core.practice_service.resume_open_sessions, name="resume", daemon=True)
    resume.start()
    process.threads.append(resume)
    return process


def settle_heap() -> None:
    """Called once a long-running process has built everything: its start-up heap (modules, compiled
    patterns, scenarios, about 200 MB) is frozen out of the cyclic collector's sight.

    Otherwise the first full collection after start walks all of it while holding the GIL: 164 and
    169 ms in two 50-rep runs of `rehearse serve` (gc.callbacks, benchmarks/turn_floor.py's load),
    one such pause per run, landing on whichever turns were in flight. Frozen, no full collection
    came in the same runs and one costs well under a millisecond. Garbage made later is collected
    as before; only what is alive now is kept for good, which a server keeps anyway."""
    gc.collect()
    gc.freeze()


def _block_until_signal(process: Process) -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def _run_foreground(process: Process) -> None:
    """The platform that must own this thread (Discord's gateway) runs here; without one, wait for a signal."""
    foreground = [p for p in process.platforms.values() if p.foreground]
    if foreground:
        for extra in foreground[1:]:
            extra.run_in_background(process.core.settings.port)
        foreground[0].run()
    else:
        _block_until_signal(process)


def run_everything(settings: Settings) -> None:
    """`rehearse run`: Slack (HTTP and/or Socket Mode), Discord and the scheduler in one process."""
    process = build_process(settings, scheduler=True, role=WEB_ROLE)
    try:
        for platform in process.platforms.values():
            if not platform.foreground:
                platform.run_in_background(settings.port)
        settle_heap()
        _run_foreground(process)
    finally:
        process.stop()


def run_worker(settings: Settings) -> None:
    """`rehearse worker`: the scheduler and, when DISCORD_TOKEN is set, the Discord gateway.

    Pushes to Slack go through the Web API, so the worker builds the Slack chat too
    (without serving HTTP; the web process does that)."""
    process = build_process(settings, scheduler=True)
    server = None
    try:
        if settings.worker_metrics_port is not None:
            server = serve_worker_operations(process, settings.worker_metrics_port)
        if process.discord is None:
            log.info("worker running the scheduler (no DISCORD_TOKEN)")
        settle_heap()
        _run_foreground(process)
    finally:
        if server is not None:
            from bot.observability.http import shutdown

            shutdown(server)
        process.stop()


def serve_worker_operations(process: Process, port: int, host: str = "0.0.0.0") -> Any:
    """/metrics, /readyz and /healthz on the worker's own port, with its leadership and Discord gateway."""
    from bot.observability.http import serve_operations
    from bot.observability.metrics import SCHEDULER_LEADER

    ops = process.core.ops
    scheduling = process.scheduling
    if scheduling is not None:
        ops.add_info("scheduler", lambda: "leader" if scheduling.runner.is_leader else "standby")
        ops.on_scrape(lambda: SCHEDULER_LEADER.set(1 if scheduling.runner.is_leader else 0))
    discord = process.discord
    if discord is not None:
        ops.add_check("discord", lambda: None if discord.client.is_ready() and not discord.client.is_closed()
                      else "Discord gateway not connected")
    server = serve_operations(ops, host, port)
    log.info("worker metrics and readiness on port %s (/metrics, /readyz)", server.effective_port)
    return server
