"""Configuration from the environment and `.env`; every optional piece has a safe default."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# The bot scopes of adapters/slack/manifest.yml: what an "Add to Slack" install grants.
SLACK_BOT_SCOPES = ("app_mentions:read,chat:write,chat:write.customize,commands,files:read,files:write,"
                    "im:history,im:read,im:write,users:read")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///rehearse.db"
    port: int = 3000
    log_level: str = "INFO"
    log_format: Literal["plain", "json"] = "plain"  # json: one object per line with the extra fields
    metrics_token: str | None = None  # when set, GET /metrics needs `Authorization: Bearer <token>`
    worker_metrics_port: int | None = None  # the worker's /metrics and /readyz port; off by default

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Distribution to many workspaces (issue #22): with a client id and secret, `rehearse serve` serves
    # "Add to Slack" on /slack/install and each workspace runs with its own installation's token.
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_scopes: str = SLACK_BOT_SCOPES  # comma-separated bot scopes asked for at install
    slack_redirect_uri: str | None = None  # default: the redirect URL configured in the Slack app
    slack_install_state_ttl_s: int = 600  # an "Add to Slack" link works this long, once
    uninstall_retention_days: int = 30  # an uninstalled workspace's practice data waits this long, then is purged

    discord_token: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None

    anthropic_api_key: str | None = None
    anthropic_base_url: str | None = None  # also read by the SDK from the process environment
    anthropic_model: str = "claude-sonnet-4-6"  # 4-5 reaches end-of-life on 2026-11-30
    anthropic_timeout_s: float = 8.0  # the buyer's whole budget per reply, retries included
    anthropic_max_retries: int = 2
    anthropic_max_tokens_buyer: int = 300
    anthropic_max_tokens_judge: int = 1200
    anthropic_judge_timeout_s: float = 30.0  # the judge's whole budget; the buyer's is anthropic_timeout_s
    anthropic_breaker_failures: int = 3  # failed calls in a row before the offline engines take over
    anthropic_breaker_cooldown_s: float = 30.0  # how long they do before one call probes Claude again

    # Which LLM plays the buyer and judges (bot/llm/providers.py). `auto`: Anthropic when ANTHROPIC_API_KEY is
    # set, else the OpenAI-compatible server at OPENAI_BASE_URL, else the offline engines.
    llm_provider: Literal["auto", "anthropic", "openai", "offline"] = "auto"
    llm_judge_provider: Literal["auto", "anthropic", "openai", "offline"] | None = None  # None: as LLM_PROVIDER
    llm_model: str | None = None  # None: ANTHROPIC_MODEL on Anthropic; an OpenAI-compatible server needs it set
    llm_judge_model: str | None = None  # None: LLM_MODEL (a small local buyer can sit beside a stronger judge)
    openai_base_url: str | None = None  # e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama)
    openai_api_key: str | None = None  # local servers need none
    # Dollars per million tokens on the OpenAI-compatible server; 0 for a self-hosted model.
    llm_price_input_per_mtok: float = 0.0
    llm_price_output_per_mtok: float = 0.0

    scenarios_dir: str | None = Field(default=None, description="Extra scenario YAML folder")
    session_expiry_hours: int = 24
    audio_retention_days: int = 30
    transcript_retention_days: int | None = None
    voice_replies: bool = False  # buyer answers with voice notes by default
    stt_model_dir: str | None = None
    data_dir: str = "var"

    # The report pages (bot/reports): links are signed with SECRET_KEY (no key, no pages) and built on
    # PUBLIC_URL (default http://localhost:$PORT); each lasts REPORT_LINK_DAYS.
    secret_key: str | None = None
    public_url: str | None = None
    report_link_days: int = 7

    @property
    def report_base_url(self) -> str:
        return (self.public_url or f"http://localhost:{self.port}").rstrip("/")

    @property
    def has_slack(self) -> bool:
        """One workspace with SLACK_BOT_TOKEN, or many through "Add to Slack"; either needs a way in."""
        return bool((self.slack_bot_token or self.slack_oauth) and (self.slack_signing_secret or self.slack_app_token))

    @property
    def slack_oauth(self) -> bool:
        """Many workspaces: each installs through /slack/install and runs with its own token."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @property
    def has_discord(self) -> bool:
        return bool(self.discord_token)

    @property
    def has_claude(self) -> bool:
        return bool(self.anthropic_api_key)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
