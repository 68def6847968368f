"""The App Home tab: what each person sees when they open Rehearse in Slack.

A rep sees their streak, this week's sessions against their team's cadence, how
each coached behavior is trending, a Start button and a "snooze until" date
(vacation). A manager also sees their team at a glance; enablement also sees
every team's cadence with an Edit button (the cadence modal). The figures come
from the core's HomeView (bot/people/home.py); this module only lays them out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.slack.blocks import clip, escape
from bot.people.home import EnablementHome, HomeView, ManagerHome, RepHome, TeamMember, Trend
from bot.practice.cards import trend_text

HOME_START = "rehearse_home_start"
HOME_SNOOZE = "rehearse_home_snooze"
HOME_UNSNOOZE = "rehearse_home_unsnooze"
HOME_EDIT_CADENCE = "rehearse_home_cadence"

MAX_BLOCKS = 100  # Slack's limit for a Home tab view

Block = dict[str, Any]


def home_view(home: HomeView) -> dict[str, Any]:
    """The Home tab for one person: every section their roles call for."""
    blocks: list[Block] = []
    if home.rep is not None:
        blocks += rep_section(home.rep)
    if home.manager is not None:
        blocks += manager_section(home.manager)
    if home.enablement is not None:
        blocks += enablement_section(home.enablement)
    return {"type": "home", "callback_id": "rehearse_home", "blocks": blocks[:MAX_BLOCKS]}


# ---- rep ---------------------------------------------------------------


def rep_section(rep: RepHome) -> list[Block]:
    streak = (f":fire: *{rep.week_streak}-week streak*" if rep.week_streak
              else "No streak yet: one session this week starts one")
    week = f"*{rep.sessions_this_week} of {rep.sessions_per_week}* sessions this week"
    last = f"last practised {_day(rep.last_practised)}" if rep.last_practised else "no sessions yet"
    blocks: list[Block] = [
        _header(f"Your practice, {rep.name}" if rep.name else "Your practice"),
        _section(f"{streak} · {week} · {last}"),
    ]
    if rep.snoozed_until:
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn", "text": f":zzz: Practice pushes are snoozed until "
                                               f"*{rep.snoozed_until:%a %-d %b %Y}*."},
            "accessory": {"type": "button", "action_id": HOME_UNSNOOZE, "value": "off",
                          "text": {"type": "plain_text", "text": "Resume now"}},
        })
    blocks.append(_section(trend_lines(rep.trends) if rep.trends else
                           "_Your behavior trends appear here after your first scorecard._"))
    snooze: Block = {
        "type": "datepicker", "action_id": HOME_SNOOZE,
        "placeholder": {"type": "plain_text", "text": "Snooze until…"},
    }
    if rep.snoozed_until:
        snooze["initial_date"] = rep.snoozed_until.isoformat()
    blocks.append({"type": "actions", "block_id": "rehearse_home_rep", "elements": [
        {"type": "button", "action_id": HOME_START, "style": "primary", "value": "",
         "text": {"type": "plain_text", "text": "Start a practice session"}},
        snooze,
    ]})
    blocks.append(_context("Away? Pick a date and no practice is pushed to you until then. "
                           "`/rehearse snooze YYYY-MM-DD` does the same."))
    return blocks


# ---- manager ------------------------------------------------------------


def manager_section(manager: ManagerHome) -> list[Block]:
    blocks: list[Block] = [{"type": "divider"}, _header("Your team at a glance")]
    if not manager.members:
        return blocks + [_context("Nobody reports to you in Rehearse yet.")]
    blocks += [_section(chunk) for chunk in _chunks([team_line(m) for m in manager.members])]
    blocks.append(_context(f"{manager.practised} of {len(manager.members)} practised this week. "
                           "Your biweekly digest has the detail and a chart."))
    return blocks


# ---- enablement -----------------------------------------------------------


def enablement_section(enablement: EnablementHome) -> list[Block]:
    blocks: list[Block] = [
        {"type": "divider"}, _header("Practice settings"),
        _context(f"{enablement.practice_scenarios} practice scenarios and {enablement.assessments} assessments "
                 "in the library."),
    ]
    if not enablement.teams:
        return blocks + [_context("No teams yet. Once people are placed in teams, each team's cadence "
                                  "and scenarios are set here.")]
    for team in enablement.teams:
        note = " _(default)_" if team.is_default else ""
        blocks.append({
            "type": "section",
            "text": {"type": "mrkdwn", "text": clip(f"*{escape(team.name)}*{note}\n{escape(team.cadence)}", 3000)},
            "accessory": {"type": "button", "action_id": HOME_EDIT_CADENCE, "value": str(team.team_id),
                          "text": {"type": "plain_text", "text": "Edit cadence"}},
        })
    return blocks


def trend_lines(trends: tuple[Trend, ...], limit: int = 8) -> str:
    """One line per behavior: latest score, the scorecard's trend against the last three, the history."""
    lines = []
    for t in trends[:limit]:
        earlier = list(reversed(t.scores[:-1]))[:3]
        history = " → ".join(str(s) for s in t.scores)
        lines.append(f"*{escape(t.behavior)}* {t.latest}/100 · {trend_text(t.latest, earlier)}  _{history}_")
    return "\n".join(lines)


def team_line(m: TeamMember) -> str:
    parts = [f"*{escape(m.name)}*", f"{m.sessions_this_week}/{m.sessions_per_week} this week"]
    if m.week_streak:
        parts.append(f":fire: {m.week_streak} wk")
    if m.average_recent is not None:
        parts.append(f"avg {m.average_recent:.0f}")
    parts.append(f"last {_day(m.last_practised)}" if m.last_practised else "not started")
    if m.snoozed_until:
        parts.append(f":zzz: until {m.snoozed_until:%-d %b}")
    return " · ".join(parts)


def _day(t: datetime | None) -> str:
    return f"{t:%a %-d %b}" if t else ""


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
