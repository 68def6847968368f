"""The `rehearse` command line. Each sub-module registers its commands on `root.app`."""

from __future__ import annotations

from bot.cli.root import app

# Importing a module registers its commands; keep one line per command module.
from bot.cli import db, practice, scenarios, score  # noqa: E402,F401


def main() -> None:
    app()
