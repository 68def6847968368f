"""Voice on Discord: a rep's voice message is heard and scored; the buyer answers with a voice message."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

from bot.voice.errors import CorruptAudio
from bot.voice.pipeline import VoicePipeline
from tests.discord.harness import open_practice, running_bot, stored_turns

VOICE_FLAG = 8192
LINE = "What is the business impact of the delay for your team?"


def test_a_voice_message_is_heard_and_the_buyer_answers_with_a_voice_message(
        sqlite_url: str, tmp_path: Path, voice: VoicePipeline) -> None:
    clip = voice.speak(LINE)

    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path, speech=voice) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, _ = await open_practice(bot, rep)
            attachment = fake.voice_attachment(thread["id"], clip.data, clip.duration_s)
            await fake.say(rep, thread["id"], attachments=[attachment], flags=VOICE_FLAG)
            posts = await fake.wait_for_posts(thread["id"], 2, timeout=60)

            # The clip came from Discord's CDN through the client's own HTTP session.
            assert fake.calls_to("GET", r"/attachments/.*voice-message\.ogg")
            heard = [t for t in await stored_turns(bot, thread["id"], 3) if t.speaker == "rep"][0]
            # Offline speech recognition is approximate; the turn is what was heard, with its timing.
            assert len({"what", "impact", "delay", "your", "team"} & set(heard.text.split())) >= 3
            assert heard.engine and heard.audio_duration_s and heard.audio_duration_s > 1

            reply = posts[1]
            assert reply["flags"] & VOICE_FLAG and reply["content"] == "" and reply["embeds"] == []
            [audio] = reply["attachments"]
            assert audio["content_type"] == "audio/ogg" and audio["duration_secs"] > 0.5
            assert 0 < len(base64.b64decode(audio["waveform"])) <= 256
            [upload] = [c for c in fake.calls_to("POST", rf"/channels/{thread['id']}/messages") if c.files]
            assert upload.files[0][3].startswith(b"OggS")  # OGG/Opus, as Discord voice messages require

    asyncio.run(scenario())


def test_where_voice_messages_are_refused_the_buyer_sends_an_audio_file(
        sqlite_url: str, tmp_path: Path, voice: VoicePipeline) -> None:
    async def scenario() -> None:
        # With voice replies on, the buyer speaks from the opening line.
        async with running_bot(sqlite_url, tmp_path, speech=voice, voice_replies=True) as bot:
            fake = bot.fake
            fake.deny_voice_messages()
            thread, _ = await open_practice(bot, fake.add_user("ana"))
            posts = await fake.wait_for_posts(thread["id"], 2, timeout=60)

            refused = fake.calls_to("POST", rf"/channels/{thread['id']}/messages", ok_only=False)
            assert any(c.status == 403 and c.payload.get("flags") == VOICE_FLAG for c in refused)
            opening = posts[1]
            assert not opening["flags"] & VOICE_FLAG
            assert opening["content"].startswith("**Dana Whitfield:** 🔊 Look, I've only got a few minutes.")
            assert opening["attachments"][0]["filename"].endswith(".ogg")
            assert len(posts) == 2  # refused once, delivered once

    asyncio.run(scenario())


def test_a_voice_message_that_will_not_decode_gets_a_friendly_reply_and_the_session_goes_on(
        sqlite_url: str, tmp_path: Path, voice: VoicePipeline) -> None:
    async def scenario() -> None:
        async with running_bot(sqlite_url, tmp_path, speech=voice) as bot:
            fake = bot.fake
            rep = fake.add_user("ana")
            thread, _ = await open_practice(bot, rep)
            broken = fake.voice_attachment(thread["id"], b"OggS" + bytes(range(256)) * 8, 2.0)
            await fake.say(rep, thread["id"], attachments=[broken], flags=VOICE_FLAG)
            posts = await fake.wait_for_posts(thread["id"], 2)
            assert posts[1]["content"] == CorruptAudio.user_message

            await fake.say(rep, thread["id"], LINE)  # typing instead works as usual
            posts = await fake.wait_for_posts(thread["id"], 3)
            assert posts[2]["content"].startswith("**Dana Whitfield:**")

    asyncio.run(scenario())
