"""The one Slack Web API client every Slack call in the process goes through.

Slack answers 429 with a Retry-After header and occasionally 5xx; slack_sdk only
retries connection errors by default, so the handlers that honour those are
added here once, and Bolt, SlackChat and the App Home all share this client.
"""

from __future__ import annotations

from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from adapters.slack.pooled import PooledWebClient
from bot.observability.metrics import SLACK_429
from bot.ports import Unreachable

DEFAULT_API_URL = "https://slack.com/api/"
# Rate limits clear after Retry-After, so waiting is nearly always right; give up only after
# long enough that the caller should hear about it (bot.ports.RateLimited).
RATE_LIMIT_RETRIES = 8
SERVER_ERROR_RETRIES = 3
TIMEOUT_S = 15


def api_base(url: str | None) -> str:
    """SLACK_API_URL with the trailing slash slack_sdk needs to join method names onto it."""
    base = (url or DEFAULT_API_URL).strip()
    return base if base.endswith("/") else base + "/"


class CountedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Slack's own 429 handling (wait Retry-After, try again), counting each 429 by Web API method."""

    def _can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                   error: Exception | None = None) -> bool:
        limited = super()._can_retry(state=state, request=request, response=response, error=error)
        if limited:
            SLACK_429.labels(request.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]).inc()
        return limited


def make_web_client(token: str | None, api_url: str | None = None, timeout_s: int = TIMEOUT_S,
                    rate_limit_retries: int = RATE_LIMIT_RETRIES) -> WebClient:
    return PooledWebClient(  # kept-alive connections: no TCP/TLS handshake per post (issue #26)
        token=token,
        base_url=api_base(api_url),
        timeout=timeout_s,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            CountedRateLimitRetryHandler(max_retry_count=rate_limit_retries),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
        ],
    )


class NotInstalled(Unreachable):
    """Rehearse is not (or no longer) installed in this workspace: nothing can be sent there."""

    def __init__(self, workspace: str) -> None:
        super().__init__(f"Rehearse is not installed in Slack workspace {workspace or '(unknown)'}")
        self.workspace = workspace


class Clients(Protocol):
    """The WebClient that carries a workspace's bot token (workspace = its team_id)."""

    per_workspace: bool  # False: one token for every workspace (SLACK_BOT_TOKEN)

    def __call__(self, workspace: str) -> WebClient: ...


class OneClient:
    """Single-workspace mode: SLACK_BOT_TOKEN's client, whatever the workspace."""

    per_workspace = False

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def __call__(self, workspace: str) -> WebClient:
        return self.client


def as_clients(clients: WebClient | Clients) -> Clients:
    return OneClient(clients) if isinstance(clients, WebClient) else clients
