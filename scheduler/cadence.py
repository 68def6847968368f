"""CadenceSpec: how often a team practises, as enablement sets it, validated with friendly errors.

The same model is filled from a Slack modal, a Discord command, the CLI or a YAML
file, so it accepts the loose shapes people type ("mon,wed,fri", "9:00",
"09:00-17:00") and turns every mistake into a sentence that says what to change.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scheduler.days import WEEKDAY_NAMES, choose_days, day_names

_DAY_ALIASES = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)} | {
    full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
} | {"tues": 1, "wednes": 2, "thur": 3, "thurs": 3}
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*$")
_SCENARIO_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")


class FieldProblem(ValueError):
    """A cross-field mistake pinned to the field a person should change (forms show it there)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_weekday(value: Any) -> int:
    """0=Monday..6=Sunday from an int or a day name ("mon", "Monday")."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a weekday")
    if isinstance(value, int):
        if 0 <= value <= 6:
            return value
        raise ValueError(f"weekday numbers run from 0 (Monday) to 6 (Sunday), not {value}")
    text = str(value).strip().lower()
    if text.isdigit():
        return parse_weekday(int(text))
    if text in _DAY_ALIASES:
        return _DAY_ALIASES[text]
    raise ValueError(f"'{value}' is not a weekday; use mon, tue, wed, thu, fri, sat, sun")


def parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 09:00 as the sexagesimal number 540 (minutes).
        value = f"{value // 60}:{value % 60:02d}" if value >= 24 else f"{value}:00"
    match = _TIME.match(str(value))
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour < 24 and minute < 60:
            return time(hour, minute)
        if hour == 24 and minute == 0:
            return time(23, 59)  # "24:00" means the end of the day
    raise ValueError(f"'{value}' is not a time of day; write it as HH:MM, e.g. 09:00")


def _split(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in re.split(r"[\s,;/]+", value.strip()) if part]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    return [value]


class CadenceSpec(BaseModel):
    """A team's practice cadence. Every field has the default enablement would pick."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sessions_per_week: int = Field(3, ge=1, le=5, description="Practice pushes per rep per week (1-5)")
    weekdays: tuple[int, ...] = Field((0, 1, 2, 3, 4), description="Days pushes may land on, 0=Monday")
    window_start: time = Field(time(9, 0), description="Start of the rep's local working hours")
    window_end: time = Field(time(17, 0), description="End of the rep's local working hours")
    min_spacing_hours: int = Field(24, ge=0, le=72, description="Least time between two pushes")
    start_date: date | None = None
    end_date: date | None = None
    scenario_ids: tuple[str, ...] = Field((), description="Scenarios to rotate; empty means every practice scenario")
    behaviors: tuple[str, ...] = Field((), description="Behaviors to rotate over; empty means all")
    holidays_country: str | None = Field(None, description="Skip public holidays (ISO country code, e.g. GB)")
    nudge_after_hours: int | None = Field(None, ge=1, le=72, description="Empty: the next working morning")
    max_nudges: int = Field(2, ge=0, le=2)
    digest_weekday: int = Field(0, ge=0, le=6)
    digest_hour: int = Field(8, ge=0, le=23)

    @model_validator(mode="before")
    @classmethod
    def _accept_window_range(cls, data: Any) -> Any:
        """`window: 09:00-17:00` is how people say it; split it into the two fields."""
        if isinstance(data, dict) and "window" in data:
            data = dict(data)
            window = data.pop("window")
            parts = str(window).replace("–", "-").split("-")
            if len(parts) != 2:
                raise FieldProblem("window_start", f"working hours '{window}' should look like 09:00-17:00")
            data.setdefault("window_start", parts[0])
            data.setdefault("window_end", parts[1])
        return data

    @field_validator("weekdays", mode="before")
    @classmethod
    def _weekdays(cls, value: Any) -> tuple[int, ...]:
        days = sorted({parse_weekday(v) for v in _split(value)})
        if not days:
            raise ValueError("pick at least one weekday")
        return tuple(days)

    @field_validator("digest_weekday", mode="before")
    @classmethod
    def _digest_weekday(cls, value: Any) -> int:
        return parse_weekday(value)

    @field_validator("window_start", "window_end", mode="before")
    @classmethod
    def _times(cls, value: Any) -> time:
        return parse_time(value)

    @field_validator("scenario_ids", mode="before")
    @classmethod
    def _scenario_ids(cls, value: Any) -> tuple[str, ...]:
        ids = tuple(dict.fromkeys(str(v).strip() for v in _split(value)))
        bad = [i for i in ids if not _SCENARIO_ID.match(i)]
        if bad:
            raise ValueError(f"{', '.join(bad)} is not a scenario id (lower-case letters, digits and dashes)")
        return ids

    @field_validator("behaviors", mode="before")
    @classmethod
    def _behaviors(cls, value: Any) -> tuple[str, ...]:
        from scoring import all_behaviors

        ids = tuple(dict.fromkeys(str(v).strip() for v in _split(value)))
        known = {b.id for b in all_behaviors()}
        unknown = [b for b in ids if b not in known]
        if unknown:
            raise ValueError(f"unknown behavior {', '.join(unknown)}; known behaviors: {', '.join(sorted(known))}")
        return ids

    @field_validator("holidays_country", mode="before")
    @classmethod
    def _country(cls, value: Any) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        import holidays

        code = str(value).strip().upper()
        if code not in holidays.list_supported_countries():
            raise ValueError(f"no public-holiday calendar for '{value}'; use an ISO country code such as GB, US or DE")
        return code

    @field_validator("nudge_after_hours", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and value.strip() == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> CadenceSpec:
        if self.window_end <= self.window_start:
            raise FieldProblem("window_end", f"the working-hours window must end after it starts "
                             f"({self.window_start:%H:%M} to {self.window_end:%H:%M})")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise FieldProblem("end_date", f"{self.end_date} is before the start date {self.start_date}")
        if self.sessions_per_week > len(self.weekdays):
            raise FieldProblem("sessions_per_week", f"{self.sessions_per_week} sessions a week need at least {self.sessions_per_week} "
                             f"practice days, but only {day_names(self.weekdays)} are allowed")
        if len(self.push_days) < self.sessions_per_week:
            raise FieldProblem("min_spacing_hours", f"{self.sessions_per_week} sessions on {day_names(self.weekdays)} can't be "
                             f"{self.min_spacing_hours} hours apart inside {self.window_start:%H:%M}-"
                             f"{self.window_end:%H:%M}; lower min_spacing_hours, allow more weekdays "
                             f"or plan fewer sessions")
        return self

    @property
    def window_start_h(self) -> float:
        return self.window_start.hour + self.window_start.minute / 60

    @property
    def window_end_h(self) -> float:
        return self.window_end.hour + self.window_end.minute / 60

    @property
    def push_days(self) -> tuple[int, ...]:
        """The weekdays an ordinary week's pushes land on (before holidays and snoozes)."""
        return choose_days(self.weekdays, self.sessions_per_week, float(self.min_spacing_hours),
                           self.window_start_h, self.window_end_h)

    def describe(self) -> str:
        """One line a person reads in a confirmation or `rehearse cadence show`."""
        parts = [f"{self.sessions_per_week}× a week on {day_names(self.push_days)}",
                 f"{self.window_start:%H:%M}-{self.window_end:%H:%M} local time",
                 f"at least {self.min_spacing_hours}h apart"]
        if self.start_date or self.end_date:
            parts.append(f"from {self.start_date or 'now'} to {self.end_date or 'no end date'}")
        if self.scenario_ids:
            parts.append(f"scenarios {', '.join(self.scenario_ids)}")
        if self.behaviors:
            parts.append(f"behaviors {', '.join(self.behaviors)}")
        if self.holidays_country:
            parts.append(f"skipping {self.holidays_country} public holidays")
        nudge = f"after {self.nudge_after_hours}h" if self.nudge_after_hours else "the next working morning"
        parts.append(f"up to {self.max_nudges} nudge(s), {nudge}" if self.max_nudges else "no nudges")
        return "; ".join(parts)
