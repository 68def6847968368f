"""build_discord: the Discord adapter assembled from the core and settings, ready to start.

`rehearse worker` calls `build_discord(core, settings).run()`; tests and the
composition root that shares an event loop use `await start()` / `await close()`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import discord

from adapters.discord.chat import DiscordChat
from adapters.discord.client import RehearseClient, point_at
from adapters.discord.parse import PLATFORM
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.app import Core

log = logging.getLogger(__name__)


BAD_TOKEN = ("Discord refused DISCORD_TOKEN. Copy a fresh one from the Developer Portal: Applications > your "
             "app > Bot > Reset Token.")
NO_MESSAGE_CONTENT = ("Discord refused the Message Content intent. Turn it on in the Developer Portal: "
                      "Applications > your app > Bot > Privileged Gateway Intents > Message Content Intent > "
                      "Save Changes. Then start the worker again.")


class DiscordNotConfigured(RuntimeError):
    """The bot cannot run as configured; the message says what to change."""


@dataclass
class DiscordAdapter:
    platform: ClassVar[str] = PLATFORM
    foreground: ClassVar[bool] = True  # the gateway's event loop owns the thread that runs it

    core: Core
    client: RehearseClient
    chat: DiscordChat
    token: str
    _connection: asyncio.Task[None] | None = field(default=None, repr=False)

    async def start(self, ready_timeout_s: float = 60) -> None:
        """Log in, connect the gateway in the background, and return once the first READY is in.

        A refused token or a missing Message Content intent raises DiscordNotConfigured saying what to fix."""
        try:
            await self.client.login(self.token)
        except discord.LoginFailure as exc:
            await self.client.close()
            raise DiscordNotConfigured(BAD_TOKEN) from exc
        self._connection = asyncio.create_task(self.client.connect(reconnect=True), name="discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({ready, self._connection}, timeout=ready_timeout_s,
                                     return_when=asyncio.FIRST_COMPLETED)
        if ready in done:
            return
        ready.cancel()
        if self._connection in done:
            try:
                self._connection.result()
            except discord.PrivilegedIntentsRequired as exc:
                raise DiscordNotConfigured(NO_MESSAGE_CONTENT) from exc
        raise TimeoutError(f"Discord did not become ready within {ready_timeout_s:.0f}s")

    async def close(self) -> None:
        await self.client.close()
        if self._connection is not None:
            try:
                await asyncio.wait_for(self._connection, 10)
            except (TimeoutError, asyncio.CancelledError):
                self._connection.cancel()
            except Exception:  # the gateway's own error is logged by discord.py; closing must not fail
                log.debug("gateway ended with an error on close", exc_info=True)

    async def serve(self) -> None:
        """Run until the gateway stops for good, the task is cancelled, or SIGTERM arrives.

        Platforms stop a process with SIGTERM (then SIGKILL). Python's default is to die on the
        spot (exit 143, the gateway left open, the scheduler never shut down); here it ends this
        loop like a normal stop, so the gateway closes and `run()` returns to the caller's
        `finally` (tests/trust/test_clean_stop.py: exit 0 in under 10 s)."""
        stopping = asyncio.Event()
        forget_signal = _on_sigterm(stopping.set)
        try:
            await self.start()
            assert self._connection is not None
            stop = asyncio.ensure_future(stopping.wait())
            await asyncio.wait({self._connection, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if self._connection.done():
                self._connection.result()  # the gateway's own end (or error), as before
        finally:
            forget_signal()
            await self.close()

    def run(self) -> None:
        """Blocking: the gateway in its own event loop until interrupted."""
        try:
            asyncio.run(self.serve())
        except KeyboardInterrupt:
            pass

    def run_in_background(self, port: int) -> None:
        """The gateway on a thread of its own (a process whose main thread serves another platform)."""
        threading.Thread(target=self.run, name="discord-gateway", daemon=True).start()

    def stop(self) -> None:
        """Nothing to do: `run` closes the gateway when its loop ends, and its thread is a daemon."""


def _on_sigterm(callback: Callable[[], None]) -> Callable[[], None]:
    """Call `callback` on SIGTERM while the running loop lives; returns the undo. A loop outside
    the main thread (Discord beside Slack in `rehearse run`) cannot take signals: nothing to do."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGTERM, callback)
    except (ValueError, RuntimeError, NotImplementedError):
        return lambda: None

    def forget() -> None:
        loop.remove_signal_handler(signal.SIGTERM)

    return forget


def build_discord(core: Core, settings: Settings, **client_options: Any) -> DiscordAdapter:
    """The Discord adapter over `core`. `client_options` go to discord.py (tests: guild_ready_timeout=0.1)."""
    if not settings.discord_token:
        raise DiscordNotConfigured("DISCORD_TOKEN is not set")
    point_at(settings.discord_api_url, settings.discord_gateway_url)
    client = RehearseClient(core, **client_options)
    core.connect(client.chat)
    return DiscordAdapter(core, client, client.chat, settings.discord_token)
