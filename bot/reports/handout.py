"""Handing out report links from settings: what the digest button, the App Home and /progress give people.

Light on purpose (no digest or chart imports): the processes that only hand links out,
and `rehearse practice`, never load matplotlib for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from bot.ports import Clock
from bot.reports.links import MANAGER, REP, LinkSigner
from bot.settings import Settings


def link_signer(settings: Settings, clock: Clock) -> LinkSigner | None:
    """The signer for report links, or None without SECRET_KEY (then no link is handed out or served)."""
    if not settings.secret_key:
        return None
    return LinkSigner(settings.secret_key, settings.report_base_url, clock,
                      timedelta(days=max(1, settings.report_link_days)))


def manager_link(settings: Settings, clock: Clock) -> Callable[[int, date], str] | None:
    """(manager id, period start) -> their team report for that period; None without SECRET_KEY."""
    signer = link_signer(settings, clock)
    if signer is None:
        return None
    return lambda manager_id, period_start: signer.url(manager_id, MANAGER, period_start)


def rep_link(settings: Settings, clock: Clock) -> Callable[[int], str] | None:
    """person id -> their own history page; None without SECRET_KEY."""
    signer = link_signer(settings, clock)
    if signer is None:
        return None
    return lambda person_id: signer.url(person_id, REP)
