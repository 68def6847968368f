"""`rehearse worker`: the scheduler and the Discord gateway."""

from __future__ import annotations

from bot.cli.root import app
from bot.settings import get_settings


@app.command()
def worker() -> None:
    """Run the scheduler (pushes, nudges, digests, retention) and, with DISCORD_TOKEN, the Discord gateway."""
    from bot.runtime import run_worker

    run_worker(get_settings())
