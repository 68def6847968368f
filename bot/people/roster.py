"""Import a roster CSV: people, roles, teams and reporting lines, with an error per bad row.

Columns: platform, workspace, user_id, name, email, tz, roles, team, manager_user_id, country.
Only platform, workspace and user_id are required. Managers are linked after
every row is created, so a manager may appear below their reports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError, field_validator

from bot.people.roles import parse_roles
from bot.ports import Clock
from storage import Repositories

REQUIRED = ("platform", "workspace", "user_id")
PLATFORMS = ("slack", "discord", "console")


class RosterRow(BaseModel):
    platform: str
    workspace: str
    user_id: str
    name: str = ""
    email: str | None = None
    tz: str = "UTC"
    roles: list[str] = ["rep"]
    team: str | None = None
    manager_user_id: str | None = None
    country: str | None = None

    @field_validator("platform")
    @classmethod
    def _platform(cls, v: str) -> str:
        v = v.strip().lower()
        if v not in PLATFORMS:
            raise ValueError(f"must be one of {', '.join(PLATFORMS)}")
        return v

    @field_validator("workspace", "user_id")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return v.strip()

    @field_validator("tz")
    @classmethod
    def _tz(cls, v: str) -> str:
        v = v.strip() or "UTC"
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{v}' is not a time zone name (e.g. Europe/Berlin, America/New_York)") from None
        return v

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: object) -> list[str]:
        return parse_roles(v) if isinstance(v, str) else list(v)  # type: ignore[call-overload]  # a list from YAML or the CLI

    @field_validator("email", "team", "manager_user_id", "country", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)


def parse_roster(text: str) -> tuple[list[tuple[int, RosterRow]], list[RowError]]:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in headers]
    if missing:
        return [], [RowError(1, f"missing column(s) {', '.join(missing)}; the header needs {', '.join(REQUIRED)}")]
    rows: list[tuple[int, RosterRow]] = []
    errors: list[RowError] = []
    for raw in reader:
        line = reader.line_num
        data = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        try:
            rows.append((line, RosterRow.model_validate(data)))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'row'}: {e['msg'].removeprefix('Value error, ')}"
                                 for e in exc.errors())
            errors.append(RowError(line, problems))
    return rows, errors


def import_roster(repos: Repositories, clock: Clock, text: str,
                  progress: Callable[[Iterable[tuple[int, RosterRow]]], Iterable[tuple[int, RosterRow]]] = iter,
                  ) -> RosterResult:
    rows, errors = parse_roster(text)
    result = RosterResult(errors=errors)
    now = clock.now()
    ids: dict[tuple[str, str, str], int] = {}
    for _line, row in progress(rows):
        person, created = repos.people.ensure_person(row.platform, row.workspace, row.user_id, now,
                                                     row.name or None, row.tz)
        team_id = None
        if row.team:
            team_id = repos.people.ensure_team(person.workspace_id, row.team, now).id
        repos.people.update(person.id, display_name=row.name or person.display_name, email=row.email,  # type: ignore[arg-type]
                            tz=row.tz, roles=",".join(row.roles), team_id=team_id or person.team_id,
                            country=row.country)
        ids[(row.platform, row.workspace, row.user_id)] = person.id  # type: ignore[assignment]
        result.created += created
        result.updated += not created
    for line, row in rows:
        if not row.manager_user_id:
            continue
        manager_id = ids.get((row.platform, row.workspace, row.manager_user_id))
        if manager_id is None:
            found = repos.people.find(row.platform, row.workspace, row.manager_user_id)
            manager_id = found.id if found else None
        if manager_id is None:
            result.errors.append(RowError(line, f"manager_user_id: no person '{row.manager_user_id}' in this roster "
                                                f"or workspace; the row was imported without a manager"))
            continue
        repos.people.update(ids[(row.platform, row.workspace, row.user_id)], manager_id=manager_id)
    result.errors.sort(key=lambda e: e.line)
    return result
