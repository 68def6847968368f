"""Delivery on a real gateway: replays answered once, bots ignored, reps in parallel, rate limits survived."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.discord.harness import open_practice, running_bot, stored_turns

CURIOUS = "Before we get to pricing, what's driving this for you right now?"
IMPACT = "How is that affecting the business, and what does a late shipment cost you?"


def test_a_message_replayed_after_a_gateway_resume_gets_one_reply(db_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(db_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, _ = await open_practice(bot, rep)
            seen_before = len(fake.events)
            await fake.say(rep, thread["id"], CURIOUS)
            await fake.wait_for_posts(thread["id"], 2)

            await fake.force_resume(replay_from_seq=seen_before)  # Discord sends the rep's message again
            assert fake.resumes == 1
            await fake.say(rep, thread["id"], IMPACT)
            posts = await fake.wait_for_posts(thread["id"], 3)

            assert len(posts) == 3  # the card and one buyer line per distinct message
            rep_turns = [t for t in await stored_turns(bot, thread["id"], 5) if t.speaker == "rep"]
            assert [t.text for t in rep_turns] == [CURIOUS, IMPACT]

    asyncio.run(scenario())


def test_a_replayed_button_press_or_command_does_nothing_twice(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, card = await open_practice(bot, rep)
            await fake.say(rep, thread["id"], CURIOUS)
            await fake.wait_for_posts(thread["id"], 2)
            press = await fake.press(rep, card, "Finish")
            await fake.wait_for_posts(thread["id"], 3)
            command = next(e["d"] for e in fake.events if e["t"] == "INTERACTION_CREATE" and e["d"]["type"] == 2)

            await fake.dispatch("INTERACTION_CREATE", press)  # the same interaction id, again
            await fake.dispatch("INTERACTION_CREATE", command)
            await fake.wait_until(lambda: len(fake.calls_to("POST", r"/interactions/.*/callback", ok_only=False)) == 4)
            await fake.say(rep, thread["id"], "hello again")  # a later message syncs us with the bot
            posts = await fake.wait_for_posts(thread["id"], 4)

            assert posts[3]["content"].startswith("This session is already scored")
            assert sum(1 for p in posts if p["embeds"] and p["embeds"][0]["title"].startswith("Scorecard")) == 1
            assert len(fake.threads()) == 1  # the replayed /practice opened nothing

    asyncio.run(scenario())


def test_the_bot_ignores_itself_and_other_bots(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep, other_bot = fake.add_user("ana"), fake.add_user("helper", bot=True)
            thread, _ = await open_practice(bot, rep)
            await fake.say(other_bot, thread["id"], "What's driving this for you?")
            await fake.say(other_bot, fake.dm_channel_id(other_bot), "hi")
            await fake.say(rep, thread["id"], CURIOUS)
            posts = await fake.wait_for_posts(thread["id"], 2)
            # Its own posts come back over the gateway too (fake dispatches them): none was answered.
            assert len(posts) == 2 and posts[1]["content"].startswith("**Dana Whitfield:**")
            assert fake.posted_in(fake.dm_channel_id(other_bot)) == []

    asyncio.run(scenario())


def test_two_reps_practise_at_once_each_in_their_own_thread(db_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(db_url, tmp_path) as bot:
            fake = bot.fake
            ana, ben = fake.add_user("ana"), fake.add_user("ben")
            (ana_thread, _), (ben_thread, _) = await asyncio.gather(
                open_practice(bot, ana), open_practice(bot, ben, scenario="renewal-gone-cold"))
            assert ana_thread["id"] != ben_thread["id"]
            assert ana_thread["_members"] == [ana.id] and ben_thread["_members"] == [ben.id]

            await asyncio.gather(fake.say(ana, ana_thread["id"], CURIOUS), fake.say(ben, ben_thread["id"], IMPACT))
            ana_posts, ben_posts = await asyncio.gather(fake.wait_for_posts(ana_thread["id"], 2),
                                                        fake.wait_for_posts(ben_thread["id"], 2))
            assert ana_posts[1]["content"].startswith("**Dana Whitfield:**")
            ben_buyer = bot.core.library.get("renewal-gone-cold").persona.name
            assert ben_posts[1]["content"].startswith(f"**{ben_buyer}:**")

            await fake.say(ben, ana_thread["id"], "Let me jump in here")  # not ben's thread
            ana_posts = await fake.wait_for_posts(ana_thread["id"], 3)
            assert "belongs to someone else" in ana_posts[2]["content"]

    asyncio.run(scenario())


def test_a_rate_limit_storm_delays_the_buyers_reply_but_never_loses_it(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, _ = await open_practice(bot, rep)
            # More 429s in a row than discord.py's own five tries.
            fake.fail_next("POST", rf"/channels/{thread['id']}/messages", status=429, times=8, retry_after=0.01)
            await fake.say(rep, thread["id"], CURIOUS)
            posts = await fake.wait_for_posts(thread["id"], 2, timeout=30)

            throttled = [c for c in fake.calls_to("POST", rf"/channels/{thread['id']}/messages", ok_only=False)
                         if c.status == 429]
            assert len(throttled) == 8
            assert len(posts) == 2 and posts[1]["content"].startswith("**Dana Whitfield:**")

    asyncio.run(scenario())
