"""Installing and pointing the bot: the invite link, and the REST/gateway base overrides."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from typer.testing import CliRunner

from adapters.discord import DiscordNotConfigured
from adapters.discord.client import point_at
from bot.cli import app
from tests.discord.harness import open_practice, running_bot, token_for
from tests.fakes.discord_server import FakeDiscord

# View Channels, Send Messages, Send Messages in Threads, Create Private Threads, Embed Links,
# Attach Files, Read Message History, Use Application Commands.
PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 38) | (1 << 36) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)


def _query(output: str) -> dict[str, list[str]]:
    url = urlparse(output.strip().splitlines()[0])
    assert (url.scheme, url.netloc, url.path) == ("https", "discord.com", "/oauth2/authorize")
    return parse_qs(url.query)


def test_invite_url_asks_for_exactly_the_permissions_the_bot_uses() -> None:
    result = CliRunner().invoke(app, ["discord", "invite-url", "--client-id", "1187654321098765432"])
    assert result.exit_code == 0, result.output
    query = _query(result.output)
    assert query["client_id"] == ["1187654321098765432"]
    assert query["permissions"] == [str(PERMISSIONS)] == ["345744985088"]
    assert query["scope"] == ["bot applications.commands"]

    voice = _query(CliRunner().invoke(app, ["discord", "invite-url", "--client-id", "1", "--voice-messages"]).output)
    assert voice["permissions"] == [str(PERMISSIONS | 1 << 46)]


def test_invite_url_reads_the_client_id_from_the_token_or_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("DISCORD_TOKEN", token_for("1187654321098765432"))
    try:
        result = CliRunner().invoke(app, ["discord", "invite-url"])
        assert result.exit_code == 0 and _query(result.output)["client_id"] == ["1187654321098765432"]
        monkeypatch.setenv("DISCORD_TOKEN", "not-a-token")
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["discord", "invite-url"])
        assert result.exit_code == 2 and "--client-id" in result.output
    finally:
        get_settings.cache_clear()
    bad = CliRunner().invoke(app, ["discord", "invite-url", "--client-id", "my-bot"])
    assert bad.exit_code == 2 and "numeric application id" in bad.output


def test_the_api_url_gets_discords_version_when_it_has_none() -> None:
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        point_at("https://proxy.example/api", "wss://proxy.example/gw")
        assert Route.BASE == "https://proxy.example/api/v10"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://proxy.example/gw"
        point_at(None, None)
        assert Route.BASE == "https://discord.com/api/v10"
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def test_with_a_fixed_shard_count_the_bot_connects_to_discord_gateway_url(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path, use_gateway_setting=True, shard_count=1) as bot:
            fake = bot.fake
            assert fake.calls_to("GET", "/gateway/bot") == []  # never asked: DISCORD_GATEWAY_URL was used
            assert fake.identifies == 1
            thread, card = await open_practice(bot, fake.add_user("ana"))
            assert card["embeds"]

    asyncio.run(scenario())


def test_a_refused_token_or_a_missing_message_content_intent_says_what_to_fix(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        fake = await FakeDiscord().start()
        try:
            fake.token = "the-real-token"
            with pytest.raises(DiscordNotConfigured, match="Bot > Reset Token"):
                async with running_bot(sqlite_url, tmp_path, fake=fake):
                    pass
            fake.token = None
            fake.message_content_allowed = False
            with pytest.raises(DiscordNotConfigured, match="Privileged Gateway Intents > Message Content Intent"):
                async with running_bot(sqlite_url, tmp_path, fake=fake):
                    pass
        finally:
            await fake.close()

    asyncio.run(scenario())
