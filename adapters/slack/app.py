"""Builds the Slack side of Rehearse around a Core: `build_slack(core, settings) -> SlackAdapter`.

The adapter owns the Web API clients (with Slack's retry rules), the Bolt app with
its listeners, the ordered work pool, and the ChatPort it registers with the core
under "slack". With SLACK_BOT_TOKEN it serves that one workspace; with
SLACK_CLIENT_ID and SLACK_CLIENT_SECRET it serves every workspace that installs
it through "Add to Slack" (adapters/slack/oauth.py), each with its own token. `serve(port)` runs the HTTP endpoint (and Socket Mode when an app
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
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack import listeners
from adapters.slack.blocks import PersonaStyle
from adapters.slack.chat import SlackChat
from adapters.slack.client import Clients, OneClient, make_web_client
from adapters.slack.directory import SlackDirectory
from adapters.slack.jobs import SlackJobs
from adapters.slack.oauth import WorkspaceClients, oauth_settings
from adapters.slack.parse import PLATFORM
from adapters.slack.work import OrderedWork
from bot.app import Core
from bot.settings import Settings

log = logging.getLogger(__name__)

DRAIN_S = 25  # Heroku and most platforms kill 30 s after SIGTERM


class SlackNotConfigured(RuntimeError):
    """A token (SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for many workspaces) and a way in
    (SLACK_SIGNING_SECRET or SLACK_APP_TOKEN) are needed."""


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
    client: WebClient  # the app's own client: the one token, or none (each installation brings its own)
    directory: SlackDirectory | None = None
    _socket: SocketModeHandler | None = field(default=None, repr=False)
    _app: Any = field(default=None, repr=False)

    def connection_problem(self) -> str | None:
        """Readiness: the bot token works (auth.test, once it has passed), and Socket Mode is connected if used."""
        if self.settings.slack_app_token and (self._socket is None or not self._socket.client.is_connected()):
            return "Slack Socket Mode is not connected"
        # With many workspaces there is no one token to check: each installation is checked on use.
        if self.directory is not None and not self.directory.clients.per_workspace:
            try:
                self.directory.identity()
            except SlackApiError as exc:  # Slack's error code only, never the response body
                return f"Slack token check failed ({exc.response.get('error')})"
            except Exception as exc:  # noqa: BLE001
                return f"Slack unreachable ({type(exc).__name__})"
        return None

    @property
    def http_enabled(self) -> bool:
        """Events over HTTP need the signing secret: without it no request could be verified."""
        return bool(self.settings.slack_signing_secret)

    @property
    def installs(self) -> bool:
        """Whether GET /slack/install and /slack/oauth_redirect are served (many workspaces)."""
        return self.bolt_app.oauth_flow is not None

    def wsgi(self) -> Any:
        """The WSGI app `serve` runs, built once. Build it before a long-running process settles its heap
        (bot.runtime.settle_heap): building it imports the report pages' modules (matplotlib, numpy: ~58,000
        objects), and left out of the freeze they made every full collection a 26-37 ms pause (issue #26)."""
        if self._app is None:
            from adapters.slack.server import wsgi_app

            self._app = wsgi_app(self)
        return self._app

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
                                             web_client=self.client)
            self._socket.connect()
            log.info("Slack Socket Mode connected")
        return self._socket

    def run_in_background(self, port: int) -> None:
        """The HTTP endpoint on its own thread when events come over HTTP, else Socket Mode alone."""
        if self.http_enabled:
            self.wsgi()  # on the caller's thread, before it settles its heap
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


def build_slack(core: Core, settings: Settings, *, workers: int | None = None,
                persona_style: PersonaStyle = "username") -> SlackAdapter:
    """The Slack adapter over `core`; registers its ChatPort with the core as "slack". `workers` threads
    work off the turns (the core's `turn_workers` unless given)."""
    if not (settings.slack_bot_token or settings.slack_oauth):
        raise SlackNotConfigured("set SLACK_BOT_TOKEN (one workspace), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                                 "(many workspaces, installed through /slack/install)")
    if not (settings.slack_signing_secret or settings.slack_app_token):
        raise SlackNotConfigured("set SLACK_SIGNING_SECRET (HTTP events) or SLACK_APP_TOKEN (Socket Mode)")
    if settings.slack_oauth:
        if settings.slack_bot_token:
            log.warning("SLACK_CLIENT_ID is set, so SLACK_BOT_TOKEN is ignored: every workspace, yours included, "
                        "runs with the token of its own installation (install it from /slack/install)")
        client = make_web_client(None, settings.slack_api_url)
        clients: Clients = WorkspaceClients(core.workspaces, settings, client)
    else:
        client = make_web_client(settings.slack_bot_token, settings.slack_api_url)
        clients = OneClient(client)
    directory = SlackDirectory(clients, core.people, core.clock)
    chat = SlackChat(clients, directory, persona_style=persona_style, api_url=settings.slack_api_url)
    core.connect(chat)
    jobs = SlackJobs(core, chat, directory)
    work = OrderedWork(workers or core.turn_workers, name="slack-work")
    bolt_app = App(
        client=client,
        signing_secret=settings.slack_signing_secret or "",
        # Slack's HTTP answer goes out when a listener returns; listeners only enqueue.
        process_before_response=True,
        # auth.test on the first request rather than at start-up: start never needs the network.
        token_verification_enabled=False,
        # adapters/slack/screen.py has verified the signature and timestamp of every request that reaches
        # Bolt over HTTP (the install pages are browser GETs Bolt never verifies; Socket Mode is not
        # signed): Bolt's own check would verify each one a second time.
        request_verification_enabled=False,
        # Bolt sets the level of the logger named after the app on every request; keep that
        # logger inside Bolt's namespace so it never overrides the project's own loggers.
        name="slack_bolt.rehearse",
        **(_many_workspaces(core, settings, client) if settings.slack_oauth else {}),
    )
    listeners.register(bolt_app, jobs, work, core.library)
    if settings.slack_oauth:
        # app_uninstalled and tokens_revoked: Bolt's own listeners, which call the installation store.
        bolt_app.enable_token_revocation_listeners()
    adapter = SlackAdapter(core, settings, chat, bolt_app, work, jobs, client, directory=directory)
    core.ops.add_check("slack", adapter.connection_problem)
    return adapter


def _many_workspaces(core: Core, settings: Settings, client: WebClient) -> dict[str, Any]:
    """Bolt's OAuth flow and per-request token lookup over the core's installations."""
    oauth = oauth_settings(settings, core.workspaces, client)
    authorize = InstallationStoreAuthorize(
        logger=logging.getLogger("slack_bolt.rehearse.authorize"), installation_store=oauth.installation_store,
        client_id=oauth.client_id, client_secret=oauth.client_secret, client=client,
        token_rotation_expiration_minutes=oauth.token_rotation_expiration_minutes,
        # auth.test answers once per token, not once per request (as with the single token); a
        # rotated token is a new key, and an uninstalled workspace is refused before the cache.
        cache_enabled=True,
    )
    return {"oauth_settings": oauth, "authorize": authorize, "installation_store": oauth.installation_store}
