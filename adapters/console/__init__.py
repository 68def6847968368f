"""The terminal as a chat platform: `rehearse practice` talks to the buyer here.

`plugin` is what the `rehearse.adapters` entry point "console" names (see bot/runtime.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console

from adapters.console.chat import ConsoleChat, run_practice

if TYPE_CHECKING:
    from bot.app import Core
    from bot.settings import Settings


@dataclass
class Terminal:
    """The terminal connected to the core: one practice session at a time, read from `stdin`."""

    core: Core
    chat: ConsoleChat

    @property
    def console(self) -> Console:
        return self.chat.console

    def practise(self, stdin: TextIO, scenario_id: str | None = None, resume: bool = False) -> str | None:
        return run_practice(self.core, self.chat, stdin, scenario_id, resume=resume)


class ConsolePlugin:
    name = "console"

    def configured(self, settings: Settings) -> bool:
        return True  # a terminal needs no token

    def build(self, core: Core, settings: Settings) -> Terminal:
        chat = ConsoleChat(Console(highlight=False), Path(settings.data_dir) / "media")
        core.connect(chat)
        return Terminal(core, chat)


plugin = ConsolePlugin()

__all__ = ["ConsoleChat", "Terminal", "plugin"]
