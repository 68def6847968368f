"""A rep practises on Discord: /practice opens a private thread, the buyer answers there, the scorecard closes it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tests.discord.harness import buttons, open_practice, running_bot
from tests.fakes.discord_server import PRIVATE_THREAD, FakeDiscord

CURIOUS = "Before we get to pricing, what's driving this for you right now?"
IMPACT = "How is that affecting the business, and what does a late shipment cost you?"


def test_a_whole_practice_session_runs_in_a_private_thread_only_the_rep_can_see(db_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(db_url, tmp_path) as bot:
            fake = bot.fake
            assert fake.calls_to("GET", "/gateway/bot")  # AutoShardedClient asked where the gateway is
            rep = fake.add_user("ana")
            interaction = await fake.slash(rep, "practice", {"scenario": "discovery-procurement-stall"})
            deferral, answer = await fake.wait_for_replies(interaction, 2)
            assert deferral["type"] == 5 and deferral["data"]["flags"] & 64  # "thinking", only the rep sees it
            [thread] = fake.threads()
            assert answer["data"]["flags"] & 64
            assert f"<#{thread['id']}>" in answer["data"]["content"]
            assert "only you and I are in it" in answer["data"]["content"]

            [create] = fake.calls_to("POST", rf"/channels/{fake.channel_id}/threads")
            assert create.json["type"] == PRIVATE_THREAD and create.json["invitable"] is False
            assert thread["_members"] == [rep.id]  # the rep; the bot owns it

            card = (await fake.wait_for_posts(thread["id"], 1))[0]
            embed = card["embeds"][0]
            assert embed["title"] == "The discovery call that stalls into procurement"
            assert [f["name"] for f in embed["fields"]] == ["Practising", "Buyer", "Dana Whitfield says"]
            assert buttons(card) == ["Finish", "Skip"]

            await fake.say(rep, thread["id"], CURIOUS)
            posts = await fake.wait_for_posts(thread["id"], 2)
            assert posts[1]["content"].startswith("**Dana Whitfield:** ")
            await fake.say(rep, thread["id"], IMPACT)
            await fake.wait_for_posts(thread["id"], 3)
            await fake.say(rep, thread["id"], "done")
            posts = await fake.wait_for_posts(thread["id"], 4)

            scorecard = posts[3]["embeds"][0]
            assert scorecard["title"] == "Scorecard: The discovery call that stalls into procurement"
            body = "\n".join(f["value"] for f in scorecard["fields"])
            quotes = re.findall(r"^> “(.+)”$", body, flags=re.MULTILINE)
            assert "/100**" in body and quotes
            assert all(q in CURIOUS or q in IMPACT for q in quotes)  # evidence is the rep's own words
            session = bot.core.repos.sessions.find_by_thread("discord", thread["id"], thread["id"])
            assert session is not None and session.state == "finished" and session.workspace == fake.guild_id
            assert len(fake.posted_in(thread["id"])) == 4  # card, two buyer lines, scorecard: nothing else

    asyncio.run(scenario())


def test_finish_button_posts_the_scorecard_and_skip_closes_without_one(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            ana, ben = fake.add_user("ana"), fake.add_user("ben")
            thread, card = await open_practice(bot, ana)
            await fake.say(ana, thread["id"], CURIOUS)
            await fake.wait_for_posts(thread["id"], 2)
            press = await fake.press(ana, card, "Finish")
            posts = await fake.wait_for_posts(thread["id"], 3)
            assert fake.interaction_replies(press)[0]["type"] == 6  # acknowledged without a message of its own
            assert posts[2]["embeds"][0]["title"].startswith("Scorecard:")

            thread, card = await open_practice(bot, ben)
            await fake.press(ben, card, "Skip")
            posts = await fake.wait_for_posts(thread["id"], 2)
            assert posts[1]["content"].startswith("Skipped.")
            assert bot.core.repos.sessions.find_by_thread("discord", thread["id"], thread["id"]).state == "abandoned"

    asyncio.run(scenario())


def test_buttons_on_a_card_posted_before_a_restart_still_work(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        fake = await FakeDiscord().start()  # Discord outlives the bot process
        try:
            async with running_bot(sqlite_url, tmp_path, fake=fake) as first:
                rep = fake.add_user("ana")
                thread, card = await open_practice(first, rep)
                await fake.say(rep, thread["id"], CURIOUS)
                await fake.wait_for_posts(thread["id"], 2)
            async with running_bot(sqlite_url, tmp_path, fake=fake) as second:
                assert fake.identifies == 2  # a new process, a new gateway session
                await fake.press(rep, card, "Finish")
                posts = await fake.wait_for_posts(thread["id"], 3)
                assert posts[2]["embeds"][0]["title"].startswith("Scorecard:")
                session = second.core.repos.sessions.find_by_thread("discord", thread["id"], thread["id"])
                assert session is not None and session.state == "finished"
        finally:
            await fake.close()

    asyncio.run(scenario())


def test_practice_without_a_scenario_picks_the_next_one_for_the_rep(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            rep = bot.fake.add_user("ana")
            _, card = await open_practice(bot, rep, scenario=None)
            titles = {s.title for s in bot.core.library.all(kind="practice")}
            assert card["embeds"][0]["title"] in titles

    asyncio.run(scenario())
