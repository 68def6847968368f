"""What `/rehearse ...` asks for: snooze, progress, cadence or help, read from the command's text.

Only the reading happens here; whether a snooze date is acceptable is the core's
call (bot.practice.self_service). Unreadable text becomes BadCommand with a
sentence that says what to type instead, shown where the person typed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

_OFF = frozenset({"off", "clear", "none", "stop", "resume", "cancel"})

HELP = (
    "*Rehearse* — practise conversations where you already work.\n"
    "• `/practice` starts your next scenario in our DM; `/practice <scenario-id>` picks one.\n"
    "• Answer the buyer in the scenario's thread; write `done` (or press Finish) for your scorecard.\n"
    "• `/rehearse snooze 2026-12-24` pauses practice pushes until that date; `/rehearse snooze off` resumes.\n"
    "• `/rehearse progress` shows your scores per behavior (only to you).\n"
    "• `/rehearse cadence [team]` (enablement) sets how often a team practises.\n"
    "Your streak and trends are on the Rehearse *Home* tab."
)


class BadCommand(ValueError):
    """The command's text could not be used; str() is the friendly explanation."""


@dataclass(frozen=True)
class Snooze:
    until: date | None  # None: resume now


@dataclass(frozen=True)
class Progress:
    pass


@dataclass(frozen=True)
class OpenCadence:
    team: str | None


@dataclass(frozen=True)
class Help:
    pass


Request = Snooze | Progress | OpenCadence | Help


def parse_rehearse(text: str, today: date) -> Request:
    words = text.split()
    if not words or words[0].lower() in ("help", "?"):
        return Help()
    verb, rest = words[0].lower(), words[1:]
    if verb in ("snooze", "vacation", "pause"):
        return Snooze(parse_snooze(" ".join(rest), today))
    if verb in ("unsnooze", "resume"):
        return Snooze(None)
    if verb in ("progress", "scores", "stats"):
        return Progress()
    if verb == "cadence":
        return OpenCadence(" ".join(rest) or None)
    raise BadCommand(f"I don't know `/rehearse {verb}`. Try `/rehearse snooze 2026-12-24`, "
                     f"`/rehearse progress`, `/rehearse cadence` or `/rehearse help`.")


def parse_snooze(text: str, today: date) -> date | None:
    """The date practice resumes, or None for "off"."""
    value = text.strip().lower()
    if value in _OFF:
        return None
    if not value:
        raise BadCommand("Until when? For example `/rehearse snooze 2026-12-24`, or `/rehearse snooze off`.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadCommand(f"'{text.strip()}' isn't a date I can read. Use year-month-day, "
                         f"e.g. `/rehearse snooze {today + timedelta(days=14):%Y-%m-%d}`.") from None
