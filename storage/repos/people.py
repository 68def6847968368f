"""Workspaces, teams and people: created on first contact, profiles cached."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import configure_mappers
from sqlmodel import select

from storage.db import Database
from storage.models import Person, Team, Workspace

_PEOPLE = Person.__table__  # type: ignore[attr-defined]
_PERSON_COLUMNS = tuple(c.name for c in _PEOPLE.columns)
# A known person, read at every /practice (twice: the rep and their DM channel): a Core statement built
# once, on a plain connection, is ~4x cheaper than an ORM session and a select built per call (issue #26).
_KNOWN_PERSON = core_select(_PEOPLE).where(_PEOPLE.c.workspace_id == bindparam("workspace_id"),
                                           _PEOPLE.c.platform_user_id == bindparam("user_id"))
_WORKSPACES = Workspace.__table__  # type: ignore[attr-defined]
_FIND_PERSON = (core_select(_PEOPLE)
                .join(_WORKSPACES, _WORKSPACES.c.id == _PEOPLE.c.workspace_id)
                .where(_WORKSPACES.c.platform == bindparam("platform"),
                       _WORKSPACES.c.external_id == bindparam("workspace"),
                       _PEOPLE.c.platform_user_id == bindparam("user_id"))
                .limit(1))


# First contact (issue #26): a rep's profile was stored with a lookup, an ORM insert, and an ORM read and
# update (two units of work); their DM channel with a lookup and another ORM read and update. Under a
# push wave or the benchmark's ramp every rep is a first contact (~11 ms of CPU per /practice on
# PostgreSQL). Now the profile is one upsert and the DM channel one UPDATE.
_PROFILE: dict[str, Any] = {"display_name": bindparam("p_display_name"), "tz": bindparam("p_tz"),
            "profile_fetched_at": bindparam("p_fetched_at")}


def _upsert_profile(dialect: Any) -> Any:
    statement = dialect.insert(_PEOPLE).values(workspace_id=bindparam("p_workspace_id"), platform=bindparam("p_platform"),
                                               platform_user_id=bindparam("p_user_id"), created_at=bindparam("p_now"),
                                               **_PROFILE)
    return statement.on_conflict_do_update(index_elements=["workspace_id", "platform_user_id"],
                                           set_={name: statement.excluded[name] for name in _PROFILE},
                                           ).returning(*_PEOPLE.columns)


_UPSERT_PROFILE = {"postgresql": _upsert_profile(postgresql), "sqlite": _upsert_profile(sqlite)}
_SET_DM_CHANNEL = (update(_PEOPLE)
                   .where(_PEOPLE.c.workspace_id == bindparam("p_workspace_id"),
                          _PEOPLE.c.platform_user_id == bindparam("p_user_id"))
                   .values(dm_channel_id=bindparam("p_channel")))
_PERSON_MAPPER = Person.__mapper__  # type: ignore[attr-defined]
_NEW_PERSON = Person._sa_class_manager.new_instance  # type: ignore[attr-defined]


def _person_of(row: Any) -> Person:
    """A detached Person from a Core row, made as the ORM makes a loaded one: its columns set in its
    __dict__, with no attribute events (Person(**columns) set 16 attributes through two __setattr__s)."""
    if not _PERSON_MAPPER.configured:
        configure_mappers()
    person = _NEW_PERSON()
    person.__dict__.update({name: row[name] for name in _PERSON_COLUMNS})
    return person


class PeopleRepo:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Workspaces are created once and never change identity; every inbound message and every
        # push asks for one, so remembering them saves a transaction on each.
        self._workspaces: dict[tuple[str, str], Workspace] = {}

    def ensure_workspace(self, platform: str, external_id: str, now: datetime, name: str = "") -> Workspace:
        known = self._workspaces.get((platform, external_id))
        if known is None:
            known = self._workspaces[(platform, external_id)] = self._ensure_workspace(platform, external_id, now, name)
        return known

    def _ensure_workspace(self, platform: str, external_id: str, now: datetime, name: str) -> Workspace:
        try:
            with self.db.session() as s:
                ws = s.exec(
                    select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
                ).first()
                if ws is None:
                    ws = Workspace(platform=platform, external_id=external_id, name=name, created_at=now)
                    s.add(ws)
                    s.flush()
                return ws
        except IntegrityError:  # two first contacts at once: the other one created it; read theirs
            with self.db.session() as s:
                return s.exec(
                    select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
                ).one()

    def ensure_person(
        self,
        platform: str,
        workspace: str,
        user_id: str,
        now: datetime,
        display_name: str | None = None,
        tz: str | None = None,
    ) -> tuple[Person, bool]:
        """The stored person for a platform user, created on first contact. Returns (person, created)."""
        ws = self.ensure_workspace(platform, workspace, now)
        with self.db.engine.connect() as connection:
            row = connection.execute(_KNOWN_PERSON, {"workspace_id": ws.id, "user_id": user_id}).first()
        if row is not None:  # detached, like the ORM's with expire_on_commit=False
            return _person_of(row._mapping), False
        try:
            with self.db.session() as s:
                person = s.exec(
                    select(Person).where(Person.workspace_id == ws.id, Person.platform_user_id == user_id)
                ).first()
                if person is not None:
                    return person, False
                person = Person(
                    workspace_id=ws.id,  # type: ignore[arg-type]
                    platform=platform,
                    platform_user_id=user_id,
                    display_name=display_name or user_id,
                    tz=tz or "UTC",
                    created_at=now,
                )
                s.add(person)
                s.flush()
                return person, True
        except IntegrityError:  # the same person's two first messages at once: the other one created them
            with self.db.session() as s:
                return s.exec(
                    select(Person).where(Person.workspace_id == ws.id, Person.platform_user_id == user_id)
                ).one(), False

    def find(self, platform: str, workspace: str, user_id: str) -> Person | None:
        with self.db.engine.connect() as connection:
            row = connection.execute(_FIND_PERSON, {"platform": platform, "workspace": workspace,
                                                    "user_id": user_id}).first()
        return None if row is None else _person_of(row._mapping)

    def get(self, person_id: int) -> Person | None:
        with self.db.session() as s:
            return s.get(Person, person_id)

    def workspace_of(self, person: Person) -> Workspace:
        with self.db.session() as s:
            ws = s.get(Workspace, person.workspace_id)
            assert ws is not None
            return ws

    def update(self, person_id: int, **changes: object) -> Person:
        return self.db.update(Person, person_id, **changes)

    def remember_profile(self, platform: str, workspace: str, user_id: str, display_name: str, tz: str,
                         fetched_at: datetime, now: datetime) -> Person:
        """Store the name and time zone a platform just gave for this user, creating them on first contact:
        one statement (an upsert on the person's unique workspace and user id)."""
        ws = self.ensure_workspace(platform, workspace, now)
        with self.db.engine.begin() as connection:
            row = connection.execute(_UPSERT_PROFILE[self.db.engine.dialect.name], {
                "p_workspace_id": ws.id, "p_platform": platform, "p_user_id": user_id, "p_now": now,
                "p_display_name": display_name, "p_tz": tz, "p_fetched_at": fetched_at}).one()
        return _person_of(row._mapping)

    def set_dm_channel(self, platform: str, workspace: str, user_id: str, channel: str | None, now: datetime) -> bool:
        """The DM channel to reuse for this user (None: open a new one next time); False when the user
        is not stored. One UPDATE."""
        ws = self.ensure_workspace(platform, workspace, now)
        with self.db.engine.begin() as connection:
            result = connection.execute(_SET_DM_CHANNEL, {"p_workspace_id": ws.id, "p_user_id": user_id,
                                                          "p_channel": channel})
        return bool(result.rowcount)

    def snooze(self, person_id: int, until: date | None) -> Person:
        return self.update(person_id, snoozed_until=until)

    def ensure_team(self, workspace_id: int, name: str, now: datetime) -> Team:
        with self.db.session() as s:
            team = s.exec(select(Team).where(Team.workspace_id == workspace_id, Team.name == name)).first()
            if team is None:
                team = Team(workspace_id=workspace_id, name=name, created_at=now)
                s.add(team)
                s.flush()
            return team

    def team_members(self, team_id: int) -> list[Person]:
        with self.db.session() as s:
            return list(
                s.exec(select(Person).where(Person.team_id == team_id, Person.deleted_at.is_(None))).all()  # type: ignore[union-attr]
            )

    def reports_of(self, manager_id: int) -> list[Person]:
        """The people who report to a manager: the only people a manager may see."""
        with self.db.session() as s:
            return list(
                s.exec(
                    select(Person)
                    .where(Person.manager_id == manager_id, Person.deleted_at.is_(None))  # type: ignore[union-attr]
                    .order_by(Person.display_name)
                ).all()
            )

    def all_people(self) -> list[Person]:
        with self.db.session() as s:
            return list(s.exec(select(Person).where(Person.deleted_at.is_(None))).all())  # type: ignore[union-attr]
