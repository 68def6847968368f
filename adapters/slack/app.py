"""Builds the Slack side of Rehearse around a Core: `build_slack(core, settings) -> SlackAdapter`.

The adapter owns one WebClient (with Slack's retry rules), the Bolt app with its
listeners, the ordered work pool, and the ChatPort it registers with the core
under "slack". `serve(port)` runs the HTTP endpoint (and Socket Mode when an app
token is set); `start_socket_mode()` connects Socket Mode alone, for processes
that do other things too.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from adapters.slack import listeners
from adapters.slack.blocks import PersonaStyle
from adapters.slack.chat import SlackChat
from adapters.slack.client import make_web_client
from adapters.slack.directory import SlackDirectory
from adapters.slack.jobs import SlackJobs
from adapters.slack.parse import PLATFORM
from adapters.slack.work import OrderedWork
from bot.app import Core
from bot.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 8
DRAIN_S = 25  # Heroku and most platforms kill 30 s after SIGTERM


class SlackNotConfigured(RuntimeError):
    """SLACK_BOT_TOKEN and a way in (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) are needed."""


@dataclass
class SlackAdapter:
    platform: ClassVar[str] = PLATFORM
    foreground: ClassVar[bool] = False  # Bolt and the HTTP server run on their own threads

    core: Core
    settings: Settings
    chat: SlackChat
    bolt_app: App
    work: OrderedWork
    jobs: SlackJobs
    _socket: SocketModeHandler | None = field(default=None, repr=False)

    @property
    def http_enabled(self) -> bool:
        """Events over HTTP need the signing secret: without it no request could be verified."""
        return bool(self.settings.slack_signing_secret)

    def wsgi(self) -> Any:
        from adapters.slack.server import wsgi_app

        return wsgi_app(self)

    def serve(self, port: int | None = None, host: str = "0.0.0.0") -> None:
        """Blocking: the HTTP endpoint on PORT, plus Socket Mode when SLACK_APP_TOKEN is set.

        On SIGTERM it stops taking requests and finishes the work Slack was already told
        about (within the 30 s platforms allow), so an acknowledged message is never dropped."""
        from adapters.slack.server import serve

        if self.settings.slack_app_token:
            self.start_socket_mode()
        try:
            serve(self.wsgi(), host, port if port is not None else self.settings.port)
        finally:
            log.info("stopping: finishing %s queued Slack job(s)", self.work.pending)
            self.close(timeout=DRAIN_S)

    def start_socket_mode(self) -> SocketModeHandler:
        """Connect to Slack over Socket Mode and return at once; events flow on Slack's threads."""
        if not self.settings.slack_app_token:
            raise SlackNotConfigured("Socket Mode needs SLACK_APP_TOKEN (an xapp- app-level token)")
        if self._socket is None:
            self._socket = SocketModeHandler(self.bolt_app, self.settings.slack_app_token,
                                             web_client=self.chat.client)
            self._socket.connect()
            log.info("Slack Socket Mode connected")
        return self._socket

    def run_in_background(self, port: int) -> None:
        """The HTTP endpoint on its own thread when events come over HTTP, else Socket Mode alone."""
        if self.http_enabled:
            threading.Thread(target=self.serve, kwargs={"port": port}, name="slack-http", daemon=True).start()
            log.info("Slack HTTP endpoint on port %s", port)
        else:
            self.start_socket_mode()

    def run(self) -> None:
        self.serve()

    def stop(self) -> None:
        self.close()

    def close(self, timeout: float = 10) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.work.shutdown(timeout)


def build_slack(core: Core, settings: Settings, *, workers: int = DEFAULT_WORKERS,
                persona_style: PersonaStyle = "username") -> SlackAdapter:
    """The Slack adapter over `core`; registers its ChatPort with the core as "slack"."""
    if not settings.slack_bot_token:
        raise SlackNotConfigured("SLACK_BOT_TOKEN is not set")
    if not (settings.slack_signing_secret or settings.slack_app_token):
        raise SlackNotConfigured("set SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode)")
    client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
    directory = SlackDirectory(client, core.people, core.clock)
    chat = SlackChat(client, directory, persona_style=persona_style)
    core.connect(chat)
    jobs = SlackJobs(core, chat, directory)
    work = OrderedWork(workers, name="slack-work")
    bolt_app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Slack's HTTP answer goes out when a listener returns; listeners only enqueue.
        process_before_response=True,
        # auth.test on the first request rather than at start-up: start never needs the network.
        token_verification_enabled=False,
        # Bolt sets the level of the logger named after the app on every request; keep that
        # logger inside Bolt's namespace so it never overrides the project's own loggers.
        name="slack_bolt.rehearse",
    )
    listeners.register(bolt_app, jobs, work, core.library)
    return SlackAdapter(core, settings, chat, bolt_app, work, jobs)
