"""The App Home tab: what each person sees when they open Rehearse in Slack.

A rep sees their streak, this week's sessions against their team's cadence, how
each coached behavior is trending, a Start button and a "snooze until" date
(vacation). A manager also sees their team at a glance; enablement also sees
every team's cadence with an Edit button (the cadence modal). The figures come
from storage.repos.progress and the cadence service; this module only lays them out.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from adapters.slack.blocks import clip, escape
from bot.ports import Clock
from bot.practice.cards import trend_text
from bot.scheduling.cadences import CadenceService
from scenarios.loader import ScenarioLibrary
from scheduler.cadence import CadenceSpec
from scheduler.hours import local_date, zone
from scoring import UnknownBehavior, get_behavior
from storage import Repositories
from storage.models import Person
from storage.repos.progress import BehaviorTrend, MemberGlance, ProgressRepo

HOME_START = "rehearse_home_start"
HOME_SNOOZE = "rehearse_home_snooze"
HOME_UNSNOOZE = "rehearse_home_unsnooze"
HOME_EDIT_CADENCE = "rehearse_home_cadence"

MAX_BLOCKS = 100  # Slack's limit for a Home tab view
MAX_TEAM_ROWS = 25

Block = dict[str, Any]


class HomeViews:
    def __init__(self, repos: Repositories, progress: ProgressRepo, cadences: CadenceService,
                 library: ScenarioLibrary, clock: Clock) -> None:
        self.repos = repos
        self.progress = progress
        self.cadences = cadences
        self.library = library
        self.clock = clock

    def view(self, person: Person) -> dict[str, Any]:
        """The Home tab for one person: every section their roles call for."""
        blocks: list[Block] = []
        roles = set(person.roles.split(","))
        if "rep" in roles or not roles & {"manager", "enablement"}:
            blocks += self.rep_section(person)
        if "manager" in roles:
            blocks += self.manager_section(person)
        if "enablement" in roles:
            blocks += self.enablement_section(person)
        return {"type": "home", "callback_id": "rehearse_home", "blocks": blocks[:MAX_BLOCKS]}

    # ---- rep ---------------------------------------------------------------

    def rep_section(self, person: Person) -> list[Block]:
        now = self.clock.now()
        progress = self.progress.of(person, now)
        per_week = self.sessions_per_week(person)
        today = local_date(person.tz, now)
        streak = (f":fire: *{progress.week_streak}-week streak*" if progress.week_streak
                  else "No streak yet: one session this week starts one")
        week = f"*{progress.sessions_this_week} of {per_week}* sessions this week"
        last = (f"last practised {_day(progress.last_practised, person.tz)}" if progress.last_practised
                else "no sessions yet")
        blocks: list[Block] = [
            _header(f"Your practice, {person.display_name}" if person.display_name else "Your practice"),
            _section(f"{streak} · {week} · {last}"),
        ]
        if person.snoozed_until and person.snoozed_until >= today:
            blocks.append({
                "type": "section",
                "text": {"type": "mrkdwn", "text": f":zzz: Practice pushes are snoozed until "
                                                   f"*{person.snoozed_until:%a %-d %b %Y}*."},
                "accessory": {"type": "button", "action_id": HOME_UNSNOOZE, "value": "off",
                              "text": {"type": "plain_text", "text": "Resume now"}},
            })
        blocks.append(_section(trend_lines(progress.trends) if progress.trends else
                               "_Your behavior trends appear here after your first scorecard._"))
        snooze: Block = {
            "type": "datepicker", "action_id": HOME_SNOOZE,
            "placeholder": {"type": "plain_text", "text": "Snooze until…"},
        }
        if person.snoozed_until and person.snoozed_until >= today:
            snooze["initial_date"] = person.snoozed_until.isoformat()
        blocks.append({"type": "actions", "block_id": "rehearse_home_rep", "elements": [
            {"type": "button", "action_id": HOME_START, "style": "primary", "value": "",
             "text": {"type": "plain_text", "text": "Start a practice session"}},
            snooze,
        ]})
        blocks.append(_context("Away? Pick a date and no practice is pushed to you until then. "
                               "`/rehearse snooze YYYY-MM-DD` does the same."))
        return blocks

    def sessions_per_week(self, person: Person) -> int:
        spec = self.cadences.get(person.team_id) if person.team_id is not None else CadenceSpec()
        return spec.sessions_per_week

    # ---- manager ------------------------------------------------------------

    def manager_section(self, person: Person) -> list[Block]:
        reports = self.repos.people.reports_of(person.id)  # type: ignore[arg-type]
        blocks: list[Block] = [{"type": "divider"}, _header("Your team at a glance")]
        if not reports:
            return blocks + [_context("Nobody reports to you in Rehearse yet.")]
        glance = self.progress.team_glance(reports[:MAX_TEAM_ROWS * 2], self.clock.now())
        per_week = {r.id: self.sessions_per_week(r) for r in reports}
        lines = [team_line(g, per_week.get(g.person_id, 3), person.tz, local_date(person.tz, self.clock.now()))
                 for g in glance]
        blocks += [_section(chunk) for chunk in _chunks(lines)]
        practised = sum(1 for g in glance if g.sessions_this_week)
        blocks.append(_context(f"{practised} of {len(glance)} practised this week. "
                               "Your biweekly digest has the detail and a chart."))
        return blocks

    # ---- enablement -----------------------------------------------------------

    def enablement_section(self, person: Person) -> list[Block]:
        practice = len(self.library.all(kind="practice"))
        assessments = len(self.library.all(kind="assessment"))
        blocks: list[Block] = [
            {"type": "divider"}, _header("Practice settings"),
            _context(f"{practice} practice scenarios and {assessments} assessments in the library."),
        ]
        teams = [t for t, _ in self.cadences.cadences.teams() if t.workspace_id == person.workspace_id]
        if not teams:
            return blocks + [_context("No teams yet. Once people are placed in teams, each team's cadence "
                                      "and scenarios are set here.")]
        for team in teams[:MAX_TEAM_ROWS]:
            stored = self.cadences.stored(team.id)  # type: ignore[arg-type]
            spec = stored or CadenceSpec()
            note = "" if stored else " _(default)_"
            blocks.append({
                "type": "section",
                "text": {"type": "mrkdwn",
                         "text": clip(f"*{escape(team.name)}*{note}\n{escape(spec.describe())}", 3000)},
                "accessory": {"type": "button", "action_id": HOME_EDIT_CADENCE, "value": str(team.id),
                              "text": {"type": "plain_text", "text": "Edit cadence"}},
            })
        return blocks


def trend_lines(trends: tuple[BehaviorTrend, ...], limit: int = 8) -> str:
    """One line per behavior: latest score, the scorecard's trend against the last three, the history."""
    lines = []
    for t in trends[:limit]:
        earlier = list(reversed(t.scores[:-1]))[:3]
        history = " → ".join(str(s) for s in t.scores)
        lines.append(f"*{escape(_behavior_name(t.behavior))}* {t.latest}/100 · {trend_text(t.latest, earlier)}"
                     f"  _{history}_")
    return "\n".join(lines)


def team_line(g: MemberGlance, per_week: int, viewer_tz: str, today: date) -> str:
    parts = [f"*{escape(g.name)}*", f"{g.sessions_this_week}/{per_week} this week"]
    if g.week_streak:
        parts.append(f":fire: {g.week_streak} wk")
    if g.average_recent is not None:
        parts.append(f"avg {g.average_recent:.0f}")
    parts.append(f"last {_day(g.last_practised, viewer_tz)}" if g.last_practised else "not started")
    if g.snoozed_until and g.snoozed_until >= today:
        parts.append(f":zzz: until {g.snoozed_until:%-d %b}")
    return " · ".join(parts)


def _behavior_name(behavior_id: str) -> str:
    try:
        return get_behavior(behavior_id).name
    except UnknownBehavior:  # a behavior retired from the catalog still has its history
        return behavior_id


def _day(t: datetime | None, tz: str | None) -> str:
    return f"{t.astimezone(zone(tz)):%a %-d %b}" if t else ""


def _chunks(lines: list[str], limit: int = 2900) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > limit:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return chunks + ([current] if current else [])


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, 150)}}


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, 2000)}]}
