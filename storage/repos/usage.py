"""LLM token usage: one row per model call, summed per rep, team or month for `rehearse usage`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Integer, case, extract, func
from sqlmodel import col, select

from storage.db import Database
from storage.models import LlmUsage, Person, PracticeSession, Team

GroupBy = Literal["rep", "team", "month"]


@dataclass(frozen=True)
class UsageTotals:
    """Summed usage of one group (a rep, a team or a month) on one provider's model."""

    key: str
    label: str
    model: str
    calls: int
    failed: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    provider: str = "anthropic"


class UsageRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, *, purpose: str, model: str, at: datetime, provider: str = "anthropic",
               session_id: str | None = None,
               person_id: int | None = None, input_tokens: int = 0, output_tokens: int = 0,
               cache_read_tokens: int = 0, cache_write_tokens: int = 0, ok: bool = True) -> LlmUsage:
        """Store one call's usage; the rep is taken from the session when not given."""
        with self.db.session() as s:
            if person_id is None and session_id is not None:
                person_id = s.exec(select(PracticeSession.person_id).where(PracticeSession.id == session_id)).first()
            row = LlmUsage(
                session_id=session_id, person_id=person_id, purpose=purpose[:20], provider=provider[:20],
                model=model[:80],
                input_tokens=input_tokens, output_tokens=output_tokens, cache_read_tokens=cache_read_tokens,
                cache_write_tokens=cache_write_tokens, ok=ok, created_at=at,
            )
            s.add(row)
            return row

    def for_session(self, session_id: str) -> list[LlmUsage]:
        with self.db.session() as s:
            return list(s.exec(select(LlmUsage).where(LlmUsage.session_id == session_id)
                               .order_by(col(LlmUsage.created_at), col(LlmUsage.id))).all())

    def report(self, by: GroupBy = "rep", since: datetime | None = None,
               until: datetime | None = None) -> list[UsageTotals]:
        """Token sums per rep, team or calendar month (UTC), and per model so costs can be priced."""
        sums = (
            func.count(col(LlmUsage.id)),
            func.sum(case((col(LlmUsage.ok).is_(False), 1), else_=0)),
            func.sum(LlmUsage.input_tokens), func.sum(LlmUsage.output_tokens),
            func.sum(LlmUsage.cache_read_tokens), func.sum(LlmUsage.cache_write_tokens),
        )
        if by == "rep":
            keys: tuple = (LlmUsage.person_id, Person.display_name, Person.platform_user_id)
            query = (select(*keys, LlmUsage.provider, LlmUsage.model, *sums)
                     .outerjoin(Person, col(Person.id) == LlmUsage.person_id))
        elif by == "team":
            keys = (Team.id, Team.name)
            query = (select(*keys, LlmUsage.provider, LlmUsage.model, *sums)
                     .outerjoin(Person, col(Person.id) == LlmUsage.person_id)
                     .outerjoin(Team, col(Team.id) == Person.team_id))
        elif by == "month":
            keys = (extract("year", LlmUsage.created_at).cast(Integer), extract("month", LlmUsage.created_at).cast(Integer))
            query = select(*keys, LlmUsage.provider, LlmUsage.model, *sums)
        else:
            raise ValueError(f"cannot group usage by {by!r}; use rep, team or month")
        if since is not None:
            query = query.where(col(LlmUsage.created_at) >= since)
        if until is not None:
            query = query.where(col(LlmUsage.created_at) < until)
        query = query.group_by(*keys, LlmUsage.provider, LlmUsage.model)
        with self.db.session() as s:
            rows = list(s.exec(query).all())  # type: ignore[call-overload]
        out = [_totals(by, row) for row in rows]
        return sorted(out, key=lambda t: (t.label, t.model))


def _totals(by: GroupBy, row: tuple) -> UsageTotals:
    if by == "rep":
        person_id, name, user_id = row[0], row[1], row[2]
        key, label = (str(person_id), f"{name} ({user_id})" if name != user_id else str(name)) \
            if person_id is not None else ("", "(no rep)")
        rest = row[3:]
    elif by == "team":
        key, label = (str(row[0]), str(row[1])) if row[0] is not None else ("", "(no team)")
        rest = row[2:]
    else:
        key = label = f"{int(row[0]):04d}-{int(row[1]):02d}"
        rest = row[2:]
    provider, model, calls, failed, inp, out, read, write = rest
    return UsageTotals(key, label, str(model), int(calls or 0), int(failed or 0), int(inp or 0), int(out or 0),
                       int(read or 0), int(write or 0), str(provider))
