"""What the core sends unprompted (digests, charts, pushes) reaches the person's DM, and its buttons route."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.messages import Action, ActionEvent, Card, Field, Image, PersonRef, Text
from tests.discord.harness import buttons, running_bot

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 16


def test_a_digest_and_its_chart_arrive_in_the_dm_and_the_digest_button_reaches_its_handler(
        sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake, chat = bot.fake, bot.adapter.chat
            manager = fake.add_user("maya")
            pressed: list[ActionEvent] = []

            def details(event: ActionEvent) -> None:  # a use case owning its own button, as digests do
                pressed.append(event)
                chat.send(event.ref, Text("Here are the details."))

            bot.core.actions.register("digest_details", details)
            who = PersonRef("discord", fake.guild_id, manager.id, "maya")
            digest = Card(kind="digest", title="Your team's fortnight", body="*4 of 5* reps practised.",
                          fields=(Field("Empathy", "▲ +6"),), actions=(Action("digest_details", "Details", "team-7"),))
            await asyncio.to_thread(chat.send_direct, who, digest)  # the core calls from a worker thread
            await asyncio.to_thread(chat.send_direct, who, Image(PNG, "scores.png", title="Scores by behavior"))

            dm = fake.dm_channel_id(manager)
            card, chart = await fake.wait_for_posts(dm, 2)
            assert card["embeds"][0]["title"] == "Your team's fortnight"
            assert card["embeds"][0]["description"] == "**4 of 5** reps practised."
            assert card["embeds"][0]["color"] == 0xEB459E and buttons(card) == ["Details"]
            assert chart["content"] == "Scores by behavior" and chart["attachments"][0]["filename"] == "scores.png"

            await fake.press(manager, card, "Details")
            posts = await fake.wait_for_posts(dm, 3)
            assert posts[2]["content"] == "Here are the details."
            [event] = pressed
            assert (event.action_id, event.value, event.person.user_id) == ("digest_details", "team-7", manager.id)
            assert event.ref.channel == dm and event.ref.workspace == "dm"

    asyncio.run(scenario())


def test_a_button_nobody_handles_any_more_gets_a_polite_answer(sqlite_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path) as bot:
            fake, chat = bot.fake, bot.adapter.chat
            rep = fake.add_user("ana")
            who = PersonRef("discord", fake.guild_id, rep.id, "ana")
            old = Card(title="An old card", actions=(Action("retired_feature", "Open", "x"),))
            await asyncio.to_thread(chat.send_direct, who, old)
            dm = fake.dm_channel_id(rep)
            [card] = await fake.wait_for_posts(dm, 1)
            await fake.press(rep, card, "Open")
            posts = await fake.wait_for_posts(dm, 2)
            assert "isn't something I know how to do any more" in posts[1]["content"]

    asyncio.run(scenario())
