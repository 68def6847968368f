"""Building the report service from settings: a signer when SECRET_KEY is set, none (pages off) otherwise."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.digests.service import DigestService, ReportLink
from bot.ports import Clock
from bot.reports.links import MANAGER, LinkSigner
from bot.reports.service import ReportService
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories

if TYPE_CHECKING:
    from bot.digests.enablement import EnablementDigests


def link_signer(settings: Settings, clock: Clock) -> LinkSigner | None:
    """The signer for report links, or None without SECRET_KEY (then no link is handed out or served)."""
    if not settings.secret_key:
        return None
    return LinkSigner(settings.secret_key, settings.report_base_url, clock,
                      timedelta(days=max(1, settings.report_link_days)))


def report_link(settings: Settings, clock: Clock) -> ReportLink | None:
    """What the digest's "Open the full report" button hands out: a manager's link for that period."""
    signer = link_signer(settings, clock)
    if signer is None:
        return None
    return lambda manager_id, period_start: signer.url(manager_id, MANAGER, period_start)


def build_reports(settings: Settings, repos: Repositories, library: ScenarioLibrary, clock: Clock,
                  digests: DigestService, enablement: EnablementDigests | None = None) -> ReportService:
    return ReportService(repos, library, clock, link_signer(settings, clock), digests, enablement)
