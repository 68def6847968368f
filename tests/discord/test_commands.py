"""The application commands as people use them: synced on start, autocomplete, /progress, /snooze, /cadence."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from tests.discord.harness import open_practice, running_bot

CURIOUS = "Before we get to pricing, what's driving this for you right now?"


def test_commands_are_synced_on_start_with_scenario_autocomplete(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            [sync] = fake.calls_to("PUT", rf"/applications/{fake.app_id}/commands")
            by_name = {c["name"]: c for c in sync.json}
            assert set(by_name) == {"practice", "progress", "snooze", "cadence"}
            [scenario_option] = by_name["practice"]["options"]
            assert scenario_option["autocomplete"] is True and scenario_option["required"] is False
            assert by_name["practice"]["contexts"] == [0, 1]  # in servers and in DMs with the bot
            assert by_name["cadence"]["contexts"] == [0]  # server only

            typed = await fake.slash(fake.add_user("ana"), "practice", {"scenario": "renew"}, focused="scenario")
            [answer] = await fake.wait_for_replies(typed)
            assert answer["type"] == 8  # autocomplete result
            assert [c["value"] for c in answer["data"]["choices"]] == ["renewal-gone-cold"]

            everything = await fake.slash(fake.add_user("ben"), "practice", {"scenario": ""}, focused="scenario")
            [answer] = await fake.wait_for_replies(everything)
            assert 1 < len(answer["data"]["choices"]) <= 25

    asyncio.run(scenario())


def test_progress_shows_each_behavior_after_a_session_and_a_pointer_before(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            before = await fake.slash(rep, "progress")
            _, answer = await fake.wait_for_replies(before, 2)
            assert answer["data"]["flags"] & 64
            assert "No scored sessions yet" in answer["data"]["embeds"][0]["description"]

            thread, _ = await open_practice(bot, rep)
            await fake.say(rep, thread["id"], CURIOUS)
            await fake.wait_for_posts(thread["id"], 2)
            await fake.say(rep, thread["id"], "done")
            await fake.wait_for_posts(thread["id"], 3)

            after = await fake.slash(rep, "progress")
            _, answer = await fake.wait_for_replies(after, 2)
            embed = answer["data"]["embeds"][0]
            assert embed["description"].startswith("1 scored session")
            assert "Business impact before product" in [f["name"] for f in embed["fields"]]
            assert all("/100**" in f["value"] for f in embed["fields"])

            in_dm = await fake.slash(rep, "progress", channel_id=fake.dm_channel_id(rep))
            _, answer = await fake.wait_for_replies(in_dm, 2)  # the same rep, asking outside the server
            assert answer["data"]["embeds"][0]["description"].startswith("1 scored session")

    asyncio.run(scenario())


def test_snooze_takes_a_date_and_explains_a_bad_one(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")

            async def snooze(until: str | None) -> str:
                interaction = await fake.slash(rep, "snooze", {"until": until} if until is not None else {})
                _, answer = await fake.wait_for_replies(interaction, 2)
                assert answer["data"]["flags"] & 64
                return answer["data"]["content"]

            assert "isn't a date I can read" in await snooze("next friday")
            assert "isn't in the future" in await snooze("2020-01-01")
            assert "at most 180 days" in await snooze((date.today() + timedelta(days=400)).isoformat())
            person = bot.core.repos.people.find("discord", fake.guild_id, rep.id)
            assert person is None or person.snoozed_until is None  # nothing changed by bad input

            until = date.today() + timedelta(days=10)
            assert f"no practice pushes until {until:%A %d %B %Y}" in await snooze(until.isoformat())
            assert bot.core.repos.people.find("discord", fake.guild_id, rep.id).snoozed_until == until
            assert "Snooze cleared" in await snooze(None)
            assert bot.core.repos.people.find("discord", fake.guild_id, rep.id).snoozed_until is None

    asyncio.run(scenario())


def test_only_enablement_can_set_a_cadence_and_mistakes_are_named(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake, people = bot.fake, bot.core.repos.people
            rep, lead = fake.add_user("ana"), fake.add_user("erin")
            now = bot.core.clock.now()
            erin, _ = people.ensure_person("discord", fake.guild_id, lead.id, now, "erin")
            people.update(erin.id, roles="rep,enablement")
            people.ensure_team(erin.workspace_id, "Closers", now)

            async def cadence(who, **options) -> str:  # type: ignore[no-untyped-def]
                interaction = await fake.slash(who, "cadence", options)
                _, answer = await fake.wait_for_replies(interaction, 2)
                assert answer["data"]["flags"] & 64
                return answer["data"]["content"]

            assert "only your enablement team" in await cadence(rep, team="Closers", sessions_per_week=2)
            assert "I don't know a team called 'Hunters'" in await cadence(lead, team="Hunters")
            assert "3× a week" in await cadence(lead, team="Closers")  # no changes: show the current one
            problem = await cadence(lead, team="Closers", sessions_per_week=3, weekdays="mon,tue")
            assert "3 sessions a week need at least 3" in problem
            saved = await cadence(lead, team="Closers", sessions_per_week=2, weekdays="tue,thu", window="10:00-16:00")
            assert "Cadence for **Closers** saved: 2× a week on Tue, Thu; 10:00-16:00 local time" in saved
            assert "2× a week on Tue, Thu" in await cadence(rep, team="Closers")  # anyone may look

    asyncio.run(scenario())
