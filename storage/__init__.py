"""Persistence: SQLModel tables, the engine, migrations and the repositories."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database
from storage.repos.events import EventLedger
from storage.repos.people import PeopleRepo
from storage.repos.sessions import ScenarioRepo, SessionRepo


@dataclass
class Repositories:
    """Every repository over one database; the composition root builds one of these."""

    db: Database
    people: PeopleRepo
    sessions: SessionRepo
    scenarios: ScenarioRepo
    events: EventLedger

    @classmethod
    def open(cls, url: str, migrate: bool = True, role: str = "cli") -> Repositories:
        """`role` names this process on PostgreSQL ("web" for a process serving chat events over HTTP)."""
        db = Database(url, role)
        if migrate:
            from storage.migrate import upgrade

            upgrade(db)
        return cls(db=db, people=PeopleRepo(db), sessions=SessionRepo(db), scenarios=ScenarioRepo(db),
                   events=EventLedger(db))


__all__ = ["Database", "Repositories"]
