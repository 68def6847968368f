"""Outside a thread: practice in a DM, strangers, channels where the bot may not open threads, mentions."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.discord.harness import buttons, running_bot
from tests.fakes.discord_server import NO_THREAD_PERMISSIONS

CURIOUS = "Before we get to pricing, what's driving this for you right now?"


def test_practice_in_a_dm_runs_the_whole_session_in_the_dm(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            dm = fake.dm_channel_id(rep)
            interaction = await fake.slash(rep, "practice", {"scenario": "renewal-gone-cold"}, channel_id=dm)
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert "right here in our DM" in answer["data"]["content"]
            card = (await fake.wait_for_posts(dm, 1))[0]
            assert buttons(card) == ["Finish", "Skip"] and fake.threads() == []

            await fake.say(rep, dm, CURIOUS)  # a plain DM message: it belongs to the open session
            await fake.wait_for_posts(dm, 2)
            await fake.say(rep, dm, "done")
            posts = await fake.wait_for_posts(dm, 3)
            assert posts[2]["embeds"][0]["title"].startswith("Scorecard:")
            session = bot.core.repos.sessions.find_by_thread("discord", dm, dm)
            assert session is not None and session.state == "finished"

    asyncio.run(scenario())


def test_a_dm_from_someone_the_bot_has_never_seen_gets_a_friendly_pointer(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            stranger = fake.add_user("stranger")
            dm = fake.dm_channel_id(stranger)
            await fake.say(stranger, dm, "hey, what is this bot?")
            [reply] = await fake.wait_for_posts(dm, 1)
            assert "/practice" in reply["content"] and "Rehearse" in reply["content"]

    asyncio.run(scenario())


def test_where_the_bot_lacks_thread_permissions_the_rep_is_told_and_practises_in_a_dm(
        sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            interaction = await fake.slash(rep, "practice", {"scenario": "discovery-procurement-stall"},
                                           permissions=NO_THREAD_PERMISSIONS)
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert answer["data"]["flags"] & 64  # only the rep sees it
            text = answer["data"]["content"]
            assert "Create Private Threads" in text and "in our DMs instead" in text
            assert fake.calls_to("POST", r"/channels/\d+/threads", ok_only=False) == []

            dm = fake.dm_channel_id(rep)
            await fake.wait_for_posts(dm, 1)
            await fake.say(rep, dm, CURIOUS)  # from the DM (no guild), answering a session of the guild
            posts = await fake.wait_for_posts(dm, 2)
            assert posts[1]["content"].startswith("**Dana Whitfield:**")

    asyncio.run(scenario())


def test_when_discord_refuses_the_thread_the_practice_moves_to_a_dm(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            fake.deny_threads(fake.channel_id)  # e.g. a channel overwrite the interaction didn't show
            interaction = await fake.slash(rep, "practice", {"scenario": "discovery-procurement-stall"})
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert "didn't let me open a private thread" in answer["data"]["content"]
            assert len(await fake.wait_for_posts(fake.dm_channel_id(rep), 1)) == 1

    asyncio.run(scenario())


def test_when_neither_a_thread_nor_a_dm_is_possible_the_rep_is_told_and_nothing_is_saved(
        sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            fake.close_dms(rep)
            interaction = await fake.slash(rep, "practice", {"scenario": "discovery-procurement-stall"},
                                           permissions=NO_THREAD_PERMISSIONS)
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert "couldn't start your practice" in answer["data"]["content"]
            assert "privacy settings" in answer["data"]["content"]
            person = bot.core.repos.people.find("discord", fake.guild_id, rep.id)
            assert person is not None and bot.core.repos.sessions.sessions_of(person.id) == []

    asyncio.run(scenario())


def test_an_unknown_scenario_gets_an_answer_only_the_rep_sees(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            interaction = await fake.slash(fake.add_user("ana"), "practice", {"scenario": "cold-calling-101"})
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert answer["data"]["flags"] & 64
            assert "I don't know a scenario called `cold-calling-101`" in answer["data"]["content"]
            assert fake.threads() == []

    asyncio.run(scenario())


def test_in_a_channel_the_bot_answers_a_mention_and_ignores_the_rest(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            await fake.say(rep, fake.channel_id, "morning all, anyone for coffee?")
            await fake.say(rep, fake.channel_id, f"<@{fake.bot.id}> how do I use you?", mentions=[fake.bot])
            [reply] = await fake.wait_for_posts(fake.channel_id, 1)
            assert "/practice" in reply["content"]

    asyncio.run(scenario())


def test_a_rep_whose_baseline_assessment_is_pending_is_told_so_and_no_thread_opens(sqlite_url: str,
                                                                                   tmp_path: Path) -> None:
    from bot.impact.programmes import ProgrammeRequest, Programmes
    from storage.repos.programmes import ProgrammeRepo

    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake, core = bot.fake, bot.core
            ana = fake.add_user("ana")
            now = core.clock.now()
            rep, _ = core.repos.people.ensure_person("discord", fake.guild_id, ana.id, now, "Ana", "UTC")
            team = core.repos.people.ensure_team(rep.workspace_id, "Support", now)
            core.repos.people.update(rep.id, team_id=team.id)  # type: ignore[arg-type]
            programme = Programmes(core.repos, core.library, core.clock, ProgrammeRepo(core.repos.db)).start_programme(
                ProgrammeRequest(team.id, behaviors=("empathy",)))  # type: ignore[arg-type]
            interaction = await fake.slash(ana, "practice", {"scenario": "discovery-procurement-stall"})
            _, answer = await fake.wait_for_replies(interaction, 2)
            assert f"Your assessment for programme {programme.id} comes first" in answer["data"]["content"]
            assert fake.threads() == []

    asyncio.run(scenario())
