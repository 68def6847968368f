"""Every application command works both in a DM with the bot and in a server channel.

Discord sends a DM interaction with `user` and no `guild_id`, a server one with
`member` and `guild_id`; the adapter must acknowledge both within 3 seconds and
answer only the person who typed. Buttons on the scenario card work in the
private thread and in the DM alike.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.discord.harness import RunningBot, buttons, running_bot
from tests.fakes.discord_server import User

WHERE = ["a DM with the bot", "a server channel"]
CURIOUS = "Before we get to pricing, what's driving this for you right now?"
WENT_WRONG = "something went wrong on my side"


def _channel(bot: RunningBot, rep: User, where: str) -> str:
    return bot.fake.dm_channel_id(rep) if where == "a DM with the bot" else bot.fake.channel_id


async def _answer(bot: RunningBot, rep: User, where: str, name: str, options: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """Run /name in `where`; the deferral (ephemeral, thinking) and the answer only `rep` sees."""
    interaction = await bot.fake.slash(rep, name, options or {}, channel_id=_channel(bot, rep, where))
    deferral, answer = await bot.fake.wait_for_replies(interaction, 2)
    assert deferral["type"] == 5 and deferral["data"]["flags"] & 64  # acknowledged, only to the invoker
    assert answer["data"]["flags"] & 64
    assert WENT_WRONG not in (answer["data"].get("content") or "")
    return answer["data"]


def _run(sqlite_url: str, tmp_path: Path, body: Any) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            await body(bot, bot.fake.add_user("ana"))

    asyncio.run(scenario())


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("scenario", [None, "pricing-objection"], ids=["no argument", "a scenario id"])
def test_practice_starts_a_scenario_where_it_is_typed(sqlite_url: str, tmp_path: Path, where: str,
                                                      scenario: str | None) -> None:
    async def body(bot: RunningBot, rep: User) -> None:
        answer = await _answer(bot, rep, where, "practice", {"scenario": scenario} if scenario else {})
        if where == "a DM with the bot":
            assert "Answer the buyer right here in our DM" in answer["content"]
            place = bot.fake.dm_channel_id(rep)
            assert bot.fake.threads() == []
        else:
            assert "Your practice thread is ready" in answer["content"]
            [thread] = bot.fake.threads()
            place = thread["id"]
        [card] = await bot.fake.wait_for_posts(place, 1)
        assert buttons(card) == ["Finish", "Skip"]
        if scenario:
            assert card["embeds"][0]["title"] == bot.core.library.get(scenario).title

    _run(sqlite_url, tmp_path, body)


@pytest.mark.parametrize("where", WHERE)
def test_practice_with_an_unknown_scenario_is_refused_only_to_the_rep(sqlite_url: str, tmp_path: Path,
                                                                      where: str) -> None:
    async def body(bot: RunningBot, rep: User) -> None:
        answer = await _answer(bot, rep, where, "practice", {"scenario": "cold-calling-101"})
        assert "I don't know a scenario called `cold-calling-101`" in answer["content"]
        assert bot.fake.threads() == [] and bot.fake.posted_in(bot.fake.dm_channel_id(rep)) == []

    _run(sqlite_url, tmp_path, body)


@pytest.mark.parametrize("where", WHERE)
def test_progress_answers_only_to_the_rep(sqlite_url: str, tmp_path: Path, where: str) -> None:
    async def body(bot: RunningBot, rep: User) -> None:
        answer = await _answer(bot, rep, where, "progress")
        assert "No scored sessions yet" in answer["embeds"][0]["description"]

    _run(sqlite_url, tmp_path, body)


@pytest.mark.parametrize("where", WHERE)
def test_snooze_sets_explains_and_clears(sqlite_url: str, tmp_path: Path, where: str) -> None:
    async def body(bot: RunningBot, rep: User) -> None:
        until = date.today() + timedelta(days=10)
        assert "isn't a date I can read" in (await _answer(bot, rep, where, "snooze", {"until": "friday"}))["content"]
        assert "isn't in the future" in (await _answer(bot, rep, where, "snooze", {"until": "2020-01-01"}))["content"]
        saved = await _answer(bot, rep, where, "snooze", {"until": until.isoformat()})
        assert f"no practice pushes until {until:%A %d %B %Y}" in saved["content"]
        assert "Snooze cleared" in (await _answer(bot, rep, where, "snooze"))["content"]

    _run(sqlite_url, tmp_path, body)


@pytest.mark.parametrize("where", WHERE)
def test_cadence_answers_only_to_the_person(sqlite_url: str, tmp_path: Path, where: str) -> None:
    # Synced as server-only, so Discord hides it in DMs; one that arrives from a DM is still answered.
    async def body(bot: RunningBot, rep: User) -> None:
        answer = await _answer(bot, rep, where, "cadence", {"team": "Closers"})
        assert "I don't know a team called 'Closers'" in answer["content"]

    _run(sqlite_url, tmp_path, body)


@pytest.mark.parametrize("label", ["Finish", "Skip"])
@pytest.mark.parametrize("where", WHERE)
def test_finish_and_skip_on_the_card_close_the_session(sqlite_url: str, tmp_path: Path, where: str,
                                                       label: str) -> None:
    async def body(bot: RunningBot, rep: User) -> None:
        await _answer(bot, rep, where, "practice", {"scenario": "pricing-objection"})
        place = bot.fake.dm_channel_id(rep) if where == "a DM with the bot" else bot.fake.threads()[0]["id"]
        [card] = await bot.fake.wait_for_posts(place, 1)
        await bot.fake.say(rep, place, CURIOUS)
        await bot.fake.wait_for_posts(place, 2)
        await bot.fake.press(rep, card, label)
        posts = await bot.fake.wait_for_posts(place, 3)
        if label == "Finish":
            assert posts[2]["embeds"][0]["title"].startswith("Scorecard:")
        else:
            assert "Skipped" in posts[2]["content"]

    _run(sqlite_url, tmp_path, body)

