"""Building the report service from settings: a signer when SECRET_KEY is set, none (pages off) otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.digests.service import DigestService
from bot.ports import Clock
from bot.reports.handout import link_signer
from bot.reports.service import ReportService
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories

if TYPE_CHECKING:
    from bot.digests.enablement import EnablementDigests


def build_reports(settings: Settings, repos: Repositories, library: ScenarioLibrary, clock: Clock,
                  digests: DigestService, enablement: EnablementDigests | None = None) -> ReportService:
    return ReportService(repos, library, clock, link_signer(settings, clock), digests, enablement)
