"""The `rehearse` command line. Each sub-module registers its commands on `root.app`.

Modules are discovered rather than listed so that adding a command is adding a file.
A platform's own commands (`rehearse slack-manifest`, `rehearse discord invite-url`)
live in its adapter and are found through the `rehearse.commands` entry points,
so the command line never imports an adapter by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points

from bot.cli.root import app

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "root":
        importlib.import_module(f"{__name__}.{_module.name}")

for _commands in entry_points(group="rehearse.commands"):
    _commands.load()  # the module registers its commands on `app` as it is imported


def main() -> None:
    app()
