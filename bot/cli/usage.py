"""`rehearse usage`: model tokens and estimated cost per rep, team and month, with the provider.

Costs come from bot/llm/pricing.py (Claude's dated table, or the configured
price of your own model); a Claude model it does not know shows its tokens and
"?" for cost rather than a made-up figure.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.root import app
from bot.llm.pricing import PRICES_AS_OF, price_for
from bot.settings import Settings, get_settings

GROUPS = ("rep", "team", "month")
PROVIDER_NAMES = {"anthropic": "Anthropic (Claude)", "openai": "own model (OpenAI-compatible)"}


@dataclass
class Line:
    """One row of the report: a rep, team or month, all models summed."""

    label: str
    provider: str = "anthropic"
    calls: int = 0
    failed: int = 0
    input_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0


def summarise(totals: Iterable, settings: Settings) -> list[Line]:  # Iterable[storage.repos.usage.UsageTotals]
    """Sum models into one line per group and provider, pricing each model's tokens."""
    lines: OrderedDict[tuple[str, str], Line] = OrderedDict()
    for t in totals:
        line = lines.setdefault((t.provider, t.key or t.label), Line(t.label, t.provider))
        line.calls += t.calls
        line.failed += t.failed
        line.input_tokens += t.input_tokens
        line.cache_write_tokens += t.cache_write_tokens
        line.cache_read_tokens += t.cache_read_tokens
        line.output_tokens += t.output_tokens
        price = price_for(t.provider, t.model, settings)
        if price is None or line.cost_usd is None:
            line.cost_usd = None
        else:
            line.cost_usd += price.cost(t.input_tokens, t.output_tokens, t.cache_read_tokens, t.cache_write_tokens)
    return sorted(lines.values(), key=lambda ln: ln.provider)  # stable: each provider's groups keep their order


def _table(by: str, provider: str, lines: list[Line]) -> Table:
    # One table per provider: a provider column would squeeze the figures out of an 80-column terminal.
    table = Table(title=f"LLM usage per {by} — {PROVIDER_NAMES.get(provider, provider)}")
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


def _day(value: str | None, option: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2026-11-01", param_hint=option) from None


@app.command()
def usage(
    by: str | None = typer.Option(None, "--by", help="rep, team or month (default: all three)."),
    since: str | None = typer.Option(None, "--since", help="From this day (UTC), e.g. 2026-11-01."),
    until: str | None = typer.Option(None, "--until", help="Up to, not including, this day (UTC)."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of tables."),
) -> None:
    """LLM tokens (uncached input, cache writes, cache reads, output), provider and estimated cost."""
    from storage import Repositories
    from storage.repos.usage import UsageRepo

    if by is not None and by not in GROUPS:
        raise typer.BadParameter(f"{by!r}: choose rep, team or month", param_hint="--by")
    start, end = _day(since, "--since"), _day(until, "--until")
    settings = get_settings()
    repos = Repositories.open(settings.database_url)
    repo = UsageRepo(repos.db)
    console = Console(highlight=False)
    reports = {group: summarise(repo.report(group, since=start, until=end), settings)  # type: ignore[arg-type]
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
        for provider in dict.fromkeys(ln.provider for ln in lines):
            console.print(_table(group, provider, [ln for ln in lines if ln.provider == provider]))
    if not as_json:
        console.print(f"[dim]input = uncached input; cache w/r = prompt-cache writes/reads; fail = failed calls. "
                      f"Cost estimated from list prices as of {PRICES_AS_OF} (bot/llm/pricing.py); "
                      f"an own model costs LLM_PRICE_INPUT_PER_MTOK / LLM_PRICE_OUTPUT_PER_MTOK (0 unless set).[/dim]")
    repos.db.dispose()
