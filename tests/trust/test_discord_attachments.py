"""Discord attachments are fetched only from Discord's CDN, and never past the size limit (issue 18, item 6).

The real discord.py client against the fake gateway, REST API and CDN; the stranger's
host is a second local server that records whether anyone came."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from bot.voice.pipeline import LazyVoicePipeline
from tests.discord.harness import open_practice, running_bot

VOICE_FLAG = 8192
RE_RECORD = "re-record"


async def _stranger() -> tuple[web.AppRunner, str, list[str]]:
    visits: list[str] = []

    async def serve(request: web.Request) -> web.Response:
        visits.append(request.path)
        return web.Response(body=b"OggS" + b"\0" * 100, content_type="audio/ogg")

    app = web.Application()
    app.router.add_get("/{path:.*}", serve)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}", visits


def test_an_attachment_url_outside_discord_s_cdn_is_never_fetched(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        runner, elsewhere, visits = await _stranger()
        try:
            async with running_bot(sqlite_url, tmp_path, speech=LazyVoicePipeline()) as bot:
                fake = bot.fake
                rep = fake.add_user("ana")
                thread, _ = await open_practice(bot, rep)
                attachment = fake.voice_attachment(thread["id"], b"OggS" + b"\0" * 100, 2.0)
                attachment["url"] = attachment["proxy_url"] = f"{elsewhere}/steal/voice-message.ogg"
                await fake.say(rep, thread["id"], attachments=[attachment], flags=VOICE_FLAG)
                posts = await fake.wait_for_posts(thread["id"], 2, timeout=60)

                assert visits == []
                assert RE_RECORD in posts[1]["content"]
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_an_attachment_declared_small_that_streams_60_mib_is_cut_off_at_the_limit(
        sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path, speech=LazyVoicePipeline()) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, _ = await open_practice(bot, rep)
            attachment = fake.voice_attachment(thread["id"], b"OggS" + b"\0" * (60 * 1024 * 1024), 2.0)
            attachment["size"] = 1024  # what Discord's metadata claimed
            await fake.say(rep, thread["id"], attachments=[attachment], flags=VOICE_FLAG)
            posts = await fake.wait_for_posts(thread["id"], 2, timeout=60)

            assert "too large" in posts[1]["content"] and "type it" in posts[1]["content"]
            session = bot.core.repos.sessions.find_by_thread("discord", thread["id"], thread["id"])
            assert [t for t in bot.core.repos.sessions.turns(session.id) if t.speaker == "rep"] == []

    asyncio.run(scenario())
