"""A running Discord bot for tests: the fake Discord, the real core and the real discord.py client.

`async with running_bot(db_url, tmp_path) as bot:` logs the adapter in against
the fake, waits for READY, and yields the fake (to act as people and read what
the bot posted), the adapter and the core.
"""

from __future__ import annotations

import asyncio
import base64
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord import DiscordAdapter, build_discord
from bot.app import Core, compose, make_buyer_and_judge
from bot.ports import SpeechPort, SystemClock
from bot.settings import Settings
from scenarios.loader import ScenarioLibrary
from storage import Repositories
from tests.fakes.discord_server import FakeDiscord, User


def token_for(app_id: str) -> str:
    """A token shaped like Discord's: the base64 application id, a timestamp part, an HMAC part."""
    return base64.b64encode(app_id.encode()).decode().rstrip("=") + ".GfAKE0.not-a-real-secret"


@dataclass
class RunningBot:
    fake: FakeDiscord
    adapter: DiscordAdapter
    core: Core


@functools.cache
def _library() -> ScenarioLibrary:
    return ScenarioLibrary.load()  # parsing every scenario takes about a second: once per test run


def _core(settings: Settings, speech: SpeechPort | None) -> Core:
    """The composition root's core on a fresh database, with the scenario library parsed once."""
    repos = Repositories.open(settings.database_url)
    buyer, judge = make_buyer_and_judge(settings, repos)
    return compose(settings, repos, _library(), buyer, judge, SystemClock(), speech=speech)


@asynccontextmanager
async def running_bot(db_url: str, tmp_path: Path, *, speech: SpeechPort | None = None,
                      voice_replies: bool = False, fake: FakeDiscord | None = None,
                      use_gateway_setting: bool = False, **client_options: Any) -> AsyncIterator[RunningBot]:
    """A bot process. Pass the `fake` of an earlier one to restart against the same Discord."""
    original_base, original_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    owns_fake = fake is None
    fake = fake or await FakeDiscord().start()
    settings = Settings(_env_file=None, database_url=db_url, discord_token=token_for(fake.app_id),  # type: ignore[call-arg]
                        discord_api_url=fake.api_url,
                        discord_gateway_url=fake.gateway_url if use_gateway_setting else None,
                        data_dir=str(tmp_path / "var"), voice_replies=voice_replies)
    core = _core(settings, speech)
    client_options.setdefault("guild_ready_timeout", 0.1)
    adapter = build_discord(core, settings, **client_options)
    try:
        await adapter.start(ready_timeout_s=20)
        yield RunningBot(fake, adapter, core)
    finally:
        await adapter.close()
        if owns_fake:
            await fake.close()
        core.repos.db.dispose()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = original_base, original_gateway


async def open_practice(bot: RunningBot, rep: User, scenario: str | None = "discovery-procurement-stall",
                        channel_id: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """`rep` runs /practice; returns their private thread and the scenario card posted in it."""
    fake = bot.fake
    interaction = await fake.slash(rep, "practice", {"scenario": scenario} if scenario else {},
                                   channel_id=channel_id)
    await fake.wait_for_replies(interaction, 2)  # the deferral, then the link to the thread
    thread = next(t for t in fake.threads() if rep.id in t.get("_members", []))
    card = (await fake.wait_for_posts(thread["id"], 1))[0]
    return thread, card


async def stored_turns(bot: RunningBot, thread_id: str, count: int, timeout: float = 30) -> list[Any]:
    """The thread's session turns once `count` are stored: a turn is written just after its line is posted."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        session = bot.core.repos.sessions.find_by_thread("discord", thread_id, thread_id)
        turns = bot.core.repos.sessions.turns(session.id) if session is not None else []
        if len(turns) >= count or asyncio.get_running_loop().time() > deadline:
            return turns
        await asyncio.sleep(0.02)


def buttons(message: dict[str, Any]) -> list[str]:
    return [b["label"] for row in message.get("components", []) for b in row["components"]]
