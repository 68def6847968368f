"""The `rehearse` command line. Each sub-module registers its commands on `root.app`.

Modules are discovered rather than listed so that adding a command is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil

from bot.cli.root import app

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "root":
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    app()
