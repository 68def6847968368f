"""`rehearse usage`: Claude tokens and estimated cost per rep, team and month.

Costs come from bot/llm/pricing.py (one table, dated); a model it does not
know shows its tokens and "?" for cost rather than a made-up figure.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from typing import Iterable, Optional

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.root import app
from bot.llm.pricing import PRICES_AS_OF, price_of
from bot.settings import get_settings

GROUPS = ("rep", "team", "month")


@dataclass
class Line:
    """One row of the report: a rep, team or month, all models summed."""

    label: str
    calls: int = 0
    failed: int = 0
    input_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0


def summarise(totals: Iterable) -> list[Line]:  # Iterable[storage.repos.usage.UsageTotals]
    """Sum models into one line per group, pricing each model's tokens."""
    lines: OrderedDict[str, Line] = OrderedDict()
    for t in totals:
        line = lines.setdefault(t.key or t.label, Line(t.label))
        line.calls += t.calls
        line.failed += t.failed
        line.input_tokens += t.input_tokens
        line.cache_write_tokens += t.cache_write_tokens
        line.cache_read_tokens += t.cache_read_tokens
        line.output_tokens += t.output_tokens
        price = price_of(t.model)
        if price is None or line.cost_usd is None:
            line.cost_usd = None
        else:
            line.cost_usd += price.cost(t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_write_tokens)
    return list(lines.values())


def _table(by: str, lines: list[Line]) -> Table:
    table = Table(title=f"Claude usage per {by}")
    table.add_column(by, min_width=12)
    for name in ("calls", "fail", "input", "cache w", "cache r", "output", "est. $"):
        table.add_column(name, justify="right", no_wrap=True)  # a cut-off number is worse than a wrapped name
    for ln in lines:
        cost = "?" if ln.cost_usd is None else f"{ln.cost_usd:.4f}" if ln.cost_usd < 10 else f"{ln.cost_usd:,.2f}"
        table.add_row(ln.label, f"{ln.calls:,}", f"{ln.failed:,}", _n(ln.input_tokens), _n(ln.cache_write_tokens),
                      _n(ln.cache_read_tokens), _n(ln.output_tokens), cost)
    return table


def _n(tokens: int) -> str:
    """Token counts that fit a terminal: exact below 100k, then k and M (--json has the exact figures)."""
    if tokens < 100_000:
        return f"{tokens:,}"
    if tokens < 10_000_000:
        return f"{tokens / 1000:,.0f}k"
    return f"{tokens / 1_000_000:,.1f}M"


def _day(value: Optional[str], option: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=timezone.utc)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-01", param_hint=option) from None


@app.command()
def usage(
    by: Optional[str] = typer.Option(None, "--by", help="rep, team or month (default: all three)."),
    since: Optional[str] = typer.Option(None, "--since", help="From this day (UTC), e.g. 2026-11-01."),
    until: Optional[str] = typer.Option(None, "--until", help="Up to, not including, this day (UTC)."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of tables."),
) -> None:
    """Claude tokens (uncached input, cache writes, cache reads, output) and estimated cost."""
    from storage import Repositories
    from storage.repos.usage import UsageRepo

    if by is not None and by not in GROUPS:
        raise typer.BadParameter(f"{by!r}: choose rep, team or month", param_hint="--by")
    start, end = _day(since, "--since"), _day(until, "--until")
    repos = Repositories.open(get_settings().database_url)
    repo = UsageRepo(repos.db)
    console = Console(highlight=False)
    reports = {group: summarise(repo.report(group, since=start, until=end))  # type: ignore[arg-type]
               for group in ([by] if by else list(GROUPS))}
    if not as_json and not any(reports.values()):
        when = " in that period" if (since or until) else " yet"
        console.print(f"No Claude calls recorded{when}: the offline buyer and scorer answered, so there are no "
                      "tokens and no cost. Set ANTHROPIC_API_KEY to use Claude.")
        repos.db.dispose()
        return
    for group, lines in reports.items():
        if as_json:
            for ln in lines:
                typer.echo(json.dumps({"by": group, **asdict(ln)}))
            continue
        console.print(_table(group, lines))
    if not as_json:
        console.print(f"[dim]input = uncached input; cache w/r = prompt-cache writes/reads; fail = failed calls. "
                      f"Cost estimated from list prices as of {PRICES_AS_OF} (bot/llm/pricing.py).[/dim]")
    repos.db.dispose()
