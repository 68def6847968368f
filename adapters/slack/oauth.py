"""Installing Rehearse in many Slack workspaces, on slack-bolt's own OAuth support (issue #22).

Bolt serves GET /slack/install (the "Add to Slack" page) and GET
/slack/oauth_redirect (the code exchange) itself, and resolves each request's
bot token from `team_id` / `enterprise_id` through an InstallationStore. The
stores here are Bolt's interfaces over the core's `Workspaces` (installations
and OAuth states in the project database, behind the migration), so the web
process, the worker and every restart see one truth. `WorkspaceClients` gives
every other Slack call (pushes, nudges, digests, the ChatPort) the same
workspace's token, rotating it first when it is about to expire, exactly as
Bolt does for requests.

An Enterprise Grid org-wide install is refused with a page that says to install
per workspace: every person, team and cadence in Rehearse belongs to one
workspace, and a token that spans many would blur that line. Its token is
revoked so the org is not left with an app that does nothing.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from slack_bolt.error import BoltError
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

from adapters.slack.client import NotInstalled, api_base, make_web_client
from bot.people.workspaces import Install, Workspaces
from bot.settings import Settings

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Bolt's default: a rotating token (12 hours) is renewed when it has less than this left.
ROTATE_MINUTES_BEFORE_EXPIRY = 120
MAX_CLIENTS = 10_000  # one WebClient per live token; far beyond any deployment's workspace count


class OrgWideInstallRefused(BoltError):
    """An Enterprise Grid org-wide install: Rehearse installs per workspace."""


# ---- Bolt's stores over the core ------------------------------------------------------------


class WorkspaceInstallationStore(InstallationStore):
    """Bolt's InstallationStore over the core's Workspaces (the slack_installation table).

    One installation per workspace: Rehearse asks for bot scopes only, so it keeps no user tokens,
    and a person's own installation (Bolt's user_id lookups) is never there."""

    def __init__(self, workspaces: Workspaces, client: WebClient) -> None:
        self.workspaces = workspaces
        self.client = client  # to revoke the token of a refused org-wide install
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def save(self, installation: Installation) -> None:
        if installation.is_enterprise_install:
            self._revoke(installation.bot_token)
            raise OrgWideInstallRefused("org_wide_install")
        self.workspaces.save(_to_install(installation))

    def save_bot(self, bot: Bot) -> None:
        if bot.is_enterprise_install:
            raise OrgWideInstallRefused("org_wide_install")
        self.workspaces.save(_bot_to_install(bot))

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        if user_id is not None:
            return None  # no user tokens are kept: Bolt then uses the workspace's bot installation
        found = self.workspaces.find(enterprise_id, team_id, is_enterprise_install)
        return _to_installation(found) if found is not None else None

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        found = self.workspaces.find(enterprise_id, team_id, is_enterprise_install)
        if found is None or not found.bot_token:
            return None
        return _to_installation(found).to_bot()

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        if user_id is None:  # a user's own tokens (tokens_revoked with oauth ids) were never kept
            self.workspaces.uninstall(enterprise_id, team_id)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.workspaces.uninstall(enterprise_id, team_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.workspaces.uninstall(enterprise_id, team_id)

    def _revoke(self, token: str | None) -> None:
        if not token:
            return
        try:
            self.client.auth_revoke(token=token)
        except SlackApiError as exc:
            log.warning("could not revoke a refused org-wide install's token: %s", exc.response.get("error"))


class WorkspaceStateStore(OAuthStateStore):
    """Single-use, expiring "Add to Slack" states in the project database (the oauth_state table).

    Bolt also ties each state to the installer's browser with a cookie; this store is what makes
    a state work once, in any process, and never after `ttl`."""

    def __init__(self, workspaces: Workspaces, ttl: timedelta) -> None:
        self.workspaces = workspaces
        self.ttl = ttl
        self._logger = logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        self.workspaces.issue_state(state, self.ttl)
        return state

    def consume(self, state: str) -> bool:
        return self.workspaces.consume_state(state)


# ---- every other call: the right workspace's client -------------------------------------------


class WorkspaceClients:
    """The WebClient for a workspace: its installation's bot token, rotated before it expires.

    Scheduled sends have no request to take a token from, so they look it up the way Bolt does
    for requests (by the workspace's team_id); a token rotated here is saved for every process."""

    per_workspace = True

    def __init__(self, workspaces: Workspaces, settings: Settings, base: WebClient) -> None:
        self.workspaces = workspaces
        self.api_url = settings.slack_api_url
        self.rotator = TokenRotator(client_id=settings.slack_client_id or "",
                                    client_secret=settings.slack_client_secret or "", client=base)
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    def __call__(self, workspace: str) -> WebClient:
        found = self.workspaces.for_workspace(workspace)
        if found is None or not found.bot_token:
            raise NotInstalled(workspace)
        token = self._fresh(found)
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                if len(self._clients) >= MAX_CLIENTS:
                    self._clients.clear()
                client = self._clients[token] = make_web_client(token, self.api_url)
            return client

    def _fresh(self, found: Install) -> str:
        assert found.bot_token is not None
        if found.bot_refresh_token is None or found.bot_token_expires_at is None:
            return found.bot_token
        rotated = self.rotator.perform_bot_token_rotation(bot=_to_installation(found).to_bot(),
                                                          minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY)
        if rotated is None:
            return found.bot_token
        self.workspaces.save(_bot_to_install(rotated))
        log.info("rotated the bot token of Slack workspace %s", found.workspace)
        return rotated.bot_token


# ---- Bolt's OAuth settings and the pages people see --------------------------------------------


def authorize_url(api_url: str) -> str:
    """slack.com/oauth/v2/authorize on the host of SLACK_API_URL (so a proxy or a test fake serves both)."""
    return urljoin(api_base(api_url), "../oauth/v2/authorize")


def oauth_settings(settings: Settings, workspaces: Workspaces, client: WebClient) -> OAuthSettings:
    return OAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
        scopes=[s.strip() for s in settings.slack_scopes.split(",") if s.strip()], user_scopes=[],
        redirect_uri=settings.slack_redirect_uri, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=WorkspaceInstallationStore(workspaces, client),
        state_store=WorkspaceStateStore(workspaces, timedelta(seconds=settings.slack_install_state_ttl_s)),
        state_expiration_seconds=settings.slack_install_state_ttl_s,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
        callback_options=CallbackOptions(success=_installed_page, failure=_failed_page),
        logger=logging.getLogger("slack_bolt.rehearse.oauth"),
    )


# Why an install did not complete, in words for the person who tried (Bolt's reasons and Slack's errors).
_REASONS = {
    "access_denied": "The install was cancelled, so Rehearse was not added. Nothing changed in your workspace.",
    "invalid_state": "This install link was already used or has expired (links work once, for ten minutes).",
    "invalid_browser": "This install was started in another browser, or its cookie expired.",
    "missing_code": "Slack did not send the install code back.",
    "invalid_code": "Slack did not accept the install code; it may have been used already.",
    "org_wide_install": ("Rehearse installs one workspace at a time, not across a whole Enterprise Grid org. "
                         "Nothing was kept; add Rehearse to each workspace that wants it."),
    "storage_error": "The install could not be saved. Please try again in a minute.",
}


def _installed_page(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    team = installation.team_name or installation.team_id or "your workspace"
    body = (f"<p>Rehearse is now in <b>{html.escape(team)}</b>.</p>"
            "<p>Open Slack and type <code>/practice</code> in any channel to try a scenario, or open "
            "Rehearse's <b>Home</b> tab to see your practice and, for enablement, set a team's cadence.</p>")
    return _page(200, "Rehearse is installed", body)


def _failed_page(args: FailureArgs) -> BoltResponse:
    reason = args.reason
    if isinstance(args.error, OrgWideInstallRefused):
        reason = "org_wide_install"
    log.info("Slack install did not complete: %s", reason)
    text = _REASONS.get(reason, f"Slack said: {reason}.")
    body = (f"<p>{html.escape(text)}</p>"
            f'<p><a href="{html.escape(INSTALL_PATH)}">Start again</a> to add Rehearse to Slack.</p>')
    status = 200 if reason in ("access_denied", "org_wide_install") else args.suggested_status_code
    return _page(status, "Rehearse was not installed", body)


def _page(status: int, title: str, body: str) -> BoltResponse:
    page = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>"
            "<body style=\"font-family: sans-serif; max-width: 36em; margin: 4em auto; line-height: 1.5\">"
            f"<h1>{html.escape(title)}</h1>{body}</body></html>")
    return BoltResponse(status=status, body=page, headers={"Content-Type": "text/html; charset=utf-8"})


# ---- conversions ------------------------------------------------------------------------------


def _to_install(installation: Installation) -> Install:
    return Install(
        enterprise_id=installation.enterprise_id, team_id=installation.team_id, bot_token=installation.bot_token,
        team_name=installation.team_name, enterprise_name=installation.enterprise_name, app_id=installation.app_id,
        bot_id=installation.bot_id, bot_user_id=installation.bot_user_id,
        bot_scopes=",".join(installation.bot_scopes or []), bot_refresh_token=installation.bot_refresh_token,
        bot_token_expires_at=_when(installation.bot_token_expires_at), installer_user_id=installation.user_id,
        is_enterprise_install=bool(installation.is_enterprise_install), token_type=installation.token_type,
        installed_at=_when(installation.installed_at),
    )


def _bot_to_install(bot: Bot) -> Install:
    return Install(
        enterprise_id=bot.enterprise_id, team_id=bot.team_id, bot_token=bot.bot_token, team_name=bot.team_name,
        enterprise_name=bot.enterprise_name, app_id=bot.app_id, bot_id=bot.bot_id, bot_user_id=bot.bot_user_id,
        bot_scopes=",".join(bot.bot_scopes or []), bot_refresh_token=bot.bot_refresh_token,
        bot_token_expires_at=_when(bot.bot_token_expires_at), is_enterprise_install=bool(bot.is_enterprise_install),
    )


def _to_installation(install: Install) -> Installation:
    return Installation(
        app_id=install.app_id, enterprise_id=install.enterprise_id, enterprise_name=install.enterprise_name,
        team_id=install.team_id, team_name=install.team_name, bot_token=install.bot_token, bot_id=install.bot_id,
        bot_user_id=install.bot_user_id, bot_scopes=install.bot_scopes, bot_refresh_token=install.bot_refresh_token,
        bot_token_expires_at=int(install.bot_token_expires_at.timestamp()) if install.bot_token_expires_at else None,
        user_id=install.installer_user_id or "", is_enterprise_install=install.is_enterprise_install,
        token_type=install.token_type,
        installed_at=install.installed_at.timestamp() if install.installed_at else None,
    )


def _when(value: float | int | datetime | None) -> datetime | None:
    """slack_sdk keeps times as epoch seconds; the database as aware UTC datetimes."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromtimestamp(float(value), UTC)
