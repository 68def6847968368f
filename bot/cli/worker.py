"""`rehearse worker`: the scheduler and the Discord gateway."""

from __future__ import annotations

import signal

from bot.cli.root import app
from bot.settings import get_settings


@app.command()
def worker() -> None:
    """Run the scheduler (pushes, nudges, digests, retention) and, with DISCORD_TOKEN, the Discord gateway."""
    from bot.runtime import run_worker

    # Platforms stop a worker with SIGTERM (then SIGKILL after ~10-30 s). Python's default for it is to
    # die on the spot (exit 143): the gateway left open, the scheduler never shut down. Treat it as
    # Ctrl-C instead: asyncio cancels the gateway task, whose `finally` closes it, the Discord adapter
    # returns, and run_worker's `finally` stops the scheduler (tests/trust/test_clean_stop.py: exit 0 in under 10 s).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    run_worker(get_settings())
