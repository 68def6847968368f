"""Long-running processes: `rehearse run` and `rehearse worker`.

Part of the composition root (with bot/app.py): it builds the configured
adapters, the scheduler and its jobs, and blocks until interrupted.
"""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field
from typing import Any

from bot.app import Core, build_core
from bot.logs import configure_logging
from bot.settings import Settings

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 6 * 3600.0


@dataclass
class Process:
    """What one process runs; `stop()` tears it down in reverse order."""

    core: Core
    scheduling: Any | None = None
    slack: Any | None = None
    discord: Any | None = None
    threads: list[threading.Thread] = field(default_factory=list)

    def stop(self) -> None:
        if self.scheduling is not None:
            self.scheduling.stop()
        if self.slack is not None:
            self.slack.close()


def start_scheduling(core: Core) -> Any:
    """The scheduler with every periodic job: pushes, nudges, expiry, digests, retention, assessments."""
    from bot.people.privacy import PrivacyService
    from bot.scheduling.build import build_scheduling
    from scheduler.ratelimit import RateLimiter

    scheduling = build_scheduling(core.repos, core.library, core.clock, RateLimiter(), core.practice(), core.chats,
                                  core.settings.data_dir)
    scheduling.digests.register(core.actions)  # the digest buttons
    privacy = PrivacyService(core.repos, core.settings, core.clock)
    scheduling.add_periodic("retention", privacy.purge_expired, RETENTION_EVERY_S)
    return scheduling.start()


def _wire_actions(core: Core) -> None:
    """Register the digest buttons even in processes that do not schedule (the web process)."""
    from bot.digests import render
    from bot.digests.service import DigestService
    from bot.scheduling.build import build_outbox
    from scheduler.ratelimit import RateLimiter

    if not core.actions.handles(render.NUDGE):
        DigestService.from_core(core, build_outbox(core.repos, core.clock, RateLimiter()))  # this process's limiter


def build_process(settings: Settings, *, slack: bool, discord: bool, scheduler: bool) -> Process:
    configure_logging(settings.log_level, [settings.slack_bot_token, settings.slack_signing_secret,
                                           settings.slack_app_token, settings.discord_token,
                                           settings.anthropic_api_key])
    core = build_core(settings)
    process = Process(core)
    if slack and settings.has_slack:
        from adapters.slack import build_slack

        process.slack = build_slack(core, settings)
    if discord and settings.has_discord:
        from adapters.discord import build_discord

        process.discord = build_discord(core, settings)
    if scheduler:
        process.scheduling = start_scheduling(core)
    else:
        _wire_actions(core)
    # Turns stored before a restart but never answered get their buyer line now, off the start-up path.
    resume = threading.Thread(target=core.practice().resume_open_sessions, name="resume", daemon=True)
    resume.start()
    process.threads.append(resume)
    return process


def _block_until_signal(process: Process) -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()


def run_everything(settings: Settings) -> None:
    """`rehearse run`: Slack (HTTP and/or Socket Mode), Discord and the scheduler in one process."""
    process = build_process(settings, slack=True, discord=True, scheduler=True)
    try:
        if process.slack is not None and process.slack.http_enabled:
            web = threading.Thread(target=process.slack.serve, kwargs={"port": settings.port}, name="slack-http",
                                   daemon=True)
            web.start()
            log.info("Slack HTTP endpoint on port %s", settings.port)
        elif process.slack is not None:
            process.slack.start_socket_mode()
        if process.discord is not None:
            process.discord.run()  # blocks in its own event loop until interrupted
        else:
            _block_until_signal(process)
    finally:
        process.stop()


def run_worker(settings: Settings) -> None:
    """`rehearse worker`: the scheduler and, when DISCORD_TOKEN is set, the Discord gateway.

    Pushes to Slack go through the Web API, so the worker builds the Slack chat too
    (without serving HTTP; the web process does that)."""
    process = build_process(settings, slack=True, discord=True, scheduler=True)
    try:
        if process.discord is not None:
            process.discord.run()
        else:
            log.info("worker running the scheduler (no DISCORD_TOKEN)")
            _block_until_signal(process)
    finally:
        process.stop()
