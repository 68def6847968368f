"""The enablement view of the biweekly digest: team aggregates and the measured effect of programmes.

Enablement sees aggregates only (bot/people/roles.py): per team and behavior, the
team's mean this period, its change from the period before, and how many reps
and scores stand behind it; never a rep's name or row. Under each team comes
the impact section of each programme running there (Reporting.digest_reports in bot/impact/reporting.py:
aggregate scope, small groups hidden), so the people who run a programme learn
every two weeks whether it is working, or that there is not enough data yet.

Delivered by the scheduler on the reader's digest day, once per period: the
push-log key `digest:enablement:{person}:{period start}` is claimed through the
outbox (bot/scheduling/outbox.py, which owns its retry rule) before sending, so a
second worker or a re-run never sends it twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.digests.compose import behavior_name
from bot.digests.periods import Period, latest_digest_moment, parse_period
from bot.digests.reminders import person_ref
from bot.digests.render import CARD_BUDGET, capped_fields
from bot.digests.service import DeliveryRun
from bot.impact.report import ImpactReport, render_digest_section
from bot.impact.report import to_json as impact_json
from bot.messages import Card, Field
from bot.ports import ChatPort, Clock
from bot.scheduling.outbox import ENABLEMENT_DIGEST, RATE_LIMITED, Outbox
from scheduler.hours import zone
from storage import Repositories
from storage.repos.digests import DigestRepo, ManagerSchedule, TeamAggregate, TeamView
from storage.repos.pushes import NewPush

log = logging.getLogger(__name__)

KIND = ENABLEMENT_DIGEST  # its own push-log kind: no other deliverer claims these rows
MIN_REPS = 3  # a behavior line backed by fewer reps would all but name them
MAX_TEAM_FIELDS = 20  # Discord shows 25 fields at most, Slack 50 blocks: room for the rest of the card


class ImpactReports(Protocol):
    """The impact section of a team (bot.impact.reporting.Reporting.digest_reports)."""

    def digest_reports(self, viewer_id: int, team_id: int) -> list[ImpactReport]: ...


@dataclass(frozen=True)
class BehaviorLine:
    behavior: str
    name: str
    mean: float
    change: float | None  # against the period before; None when that period had no scores
    reps: int
    scores: int

    @property
    def text(self) -> str:
        change = "first period with scores" if self.change is None else f"{self.change:+.0f} vs the period before"
        return (f"{self.name}: {self.mean:.0f}/100 ({change}; {self.reps} reps, "
                f"{self.scores} score{'s' if self.scores != 1 else ''})")


@dataclass(frozen=True)
class TeamSection:
    team_id: int
    name: str
    behaviors: tuple[BehaviorLine, ...]
    hidden: int  # behaviors scored by fewer than MIN_REPS reps: counted, not shown
    impact: tuple[ImpactReport, ...]


@dataclass(frozen=True)
class EnablementDigest:
    reader_id: int
    reader_name: str
    period: Period
    teams: tuple[TeamSection, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        return f"Enablement digest · {self.period.label()}"

    @property
    def has_news(self) -> bool:
        return any(t.behaviors or t.impact for t in self.teams)


def team_lines(current: list[TeamAggregate], before: list[TeamAggregate]) -> tuple[list[BehaviorLine], int]:
    """Behavior lines for one team (busiest first) and how many were too small to show."""
    previous = {a.behavior: a.mean for a in before}
    lines, hidden = [], 0
    for a in sorted(current, key=lambda a: (-a.n, a.behavior)):
        if a.reps < MIN_REPS:
            hidden += 1
            continue
        change = a.mean - previous[a.behavior] if a.behavior in previous else None
        lines.append(BehaviorLine(a.behavior, behavior_name(a.behavior), a.mean, change, a.reps, a.n))
    return lines, hidden


def build(view: TeamView, impact: ImpactReports, period: Period, tz: str) -> EnablementDigest:
    """The digest one enablement reader may see: every team of their workspace, aggregates only."""
    bounds = [period.shift(-1).utc_bounds(tz), period.utc_bounds(tz)]
    teams = []
    for team_id, name in view.teams():
        aggregates = view.team_aggregates(team_id, bounds)
        lines, hidden = team_lines([a for a in aggregates if a.period == 1], [a for a in aggregates if a.period == 0])
        reports = tuple(impact.digest_reports(view.viewer.id, team_id))  # type: ignore[arg-type]
        teams.append(TeamSection(team_id, name, tuple(lines), hidden, reports))
    return EnablementDigest(view.viewer.id, view.viewer.display_name, period, tuple(teams))  # type: ignore[arg-type]


def _team_text(team: TeamSection) -> list[str]:
    lines = [f"• {b.text}" for b in team.behaviors] or ["• No scores this period."]
    if team.hidden:
        lines.append(f"• {team.hidden} more behavior(s) scored by fewer than {MIN_REPS} reps, not shown.")
    for report in team.impact:
        lines.append(render_digest_section(report))
    return lines


def to_text(digest: EnablementDigest) -> str:
    """The digest for a terminal: plain text, without the chat platforms' `*bold*` marks."""
    out = [digest.title, "Team figures only: no rep is named here.", ""]
    for team in digest.teams:
        out += [team.name, *(_PLAIN_BOLD.sub(r"\1", line) for line in _team_text(team)), ""]
    if not digest.teams:
        out.append("No teams in your workspace yet.")
    return "\n".join(out).rstrip() + "\n"


_PLAIN_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")  # chat bold, as the impact section writes it


def to_json(digest: EnablementDigest) -> dict[str, Any]:
    return {
        "reader_id": digest.reader_id, "period_start": digest.period.start.isoformat(),
        "period_end": digest.period.end.isoformat(),
        "teams": [{"team_id": t.team_id, "name": t.name, "hidden_behaviors": t.hidden,
                   "behaviors": [{"behavior": b.behavior, "mean": round(b.mean, 1),
                                  "change": None if b.change is None else round(b.change, 1),
                                  "reps": b.reps, "scores": b.scores} for b in t.behaviors],
                   "programmes": [impact_json(r) for r in t.impact]} for t in digest.teams],
    }


def to_card(digest: EnablementDigest) -> Card:
    """The digest as a chat card, within the platforms' size limits (busiest teams first when it must cut)."""
    budget = [CARD_BUDGET]
    preview = f"`rehearse digest --enablement {digest.reader_id}`"
    teams = sorted(digest.teams, key=lambda t: (-sum(b.scores for b in t.behaviors), -len(t.impact), t.name))
    fields: list[Field] = []
    for i, team in enumerate(teams):
        if budget[0] <= 0 or len(fields) >= MAX_TEAM_FIELDS:
            fields.append(Field("More teams", f"{len(teams) - i} more team(s); {preview} shows them all."))
            break
        fields += capped_fields(team.name, _team_text(team), budget, more=f"in {preview}")
    return Card(title=digest.title, body="Team figures and programme effects; no rep is named here.",
                fields=tuple(fields), footer="Changes are against the period before. Effects come with a 95 % "
                "interval; \"not enough data yet\" means just that.", kind="digest")


class EnablementDigests:
    """Build and deliver the enablement digests."""

    def __init__(self, repos: Repositories, impact: ImpactReports, chats: dict[str, ChatPort], clock: Clock,
                 outbox: Outbox, grace: timedelta = timedelta(days=2)) -> None:
        self.repos = repos
        self.impact = impact
        self.chats = chats  # shared: platforms connected later are seen here too
        self.clock = clock
        self.outbox = outbox
        self.pushes = outbox.log
        self.grace = grace
        self.store = DigestRepo(repos.db)

    def build(self, reader_id: int, period: Period | str = "last") -> EnablementDigest:
        """A reader's digest for a period or a --period word or date. Raises AccessDenied for a non-reader."""
        schedule = self._schedule(reader_id)
        if isinstance(period, str):
            today = self.clock.now().astimezone(zone(schedule.member.tz)).date()
            period = parse_period(period, today, schedule.digest_weekday)
        return build(TeamView.for_viewer(self.repos.db, reader_id), self.impact, period, schedule.member.tz)

    def _schedule(self, reader_id: int) -> ManagerSchedule:
        from storage.repos.digests import AccessDenied

        found = self.store.enablement_readers(reader_id)
        if not found:
            raise AccessDenied(f"person {reader_id} is not in enablement, so there is no enablement digest for them")
        return found[0]

    def deliver_due(self, now: datetime | None = None) -> DeliveryRun:
        """Send every reader whose digest moment has come their digest for the period, once."""
        now = now or self.clock.now()
        run = DeliveryRun()
        for schedule in self.store.enablement_readers():
            moment, period = latest_digest_moment(now, schedule.member.tz, schedule.digest_weekday,
                                                  schedule.digest_hour)
            if now - moment > self.grace:
                continue
            chat = self.chats.get(schedule.member.platform)
            if chat is None:
                run.unreachable += 1
                continue
            key = f"digest:enablement:{schedule.member.person_id}:{period.start.isoformat()}"
            existing = self.pushes.get(key)
            if existing is not None and existing.status != "pending":
                run.already += 1
                continue
            digest = build(TeamView.for_viewer(self.repos.db, schedule.member.person_id), self.impact, period,
                           schedule.member.tz)
            if not digest.has_news:
                run.empty += 1
                continue
            row = self.outbox.claim(NewPush(key, KIND, schedule.member.person_id, moment))
            if row is None:
                run.already += 1
                continue
            card = to_card(digest)
            who = person_ref(schedule.member)
            attempt = self.outbox.send(row, schedule.member.platform, chat.send_direct, who, card)
            if attempt.outcome == RATE_LIMITED:
                run.rate_limited += 1
            elif not attempt.sent:
                run.failed += 1
            else:
                self.outbox.mark_sent(row)
                run.delivered += 1
        if run.delivered or run.failed:
            log.info("enablement digests: %s", run)
        return run
