"""Voice notes in Slack: the rep's audio clip is fetched with the bot token and heard by the voice
pipeline; the buyer answers with a voice note uploaded into the thread (or, if the upload fails,
with the same words as text)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.voice.audio import encode
from bot.voice.pipeline import VoicePipeline, default_pipeline
from bot.voice.tts import synthesize_pcm
from scenarios.loader import ScenarioLibrary
from tests.fakes.slack_api import BOT_TOKEN
from tests.slack.conftest import SlackWorld, make_world

QUESTION = "What business problem are you trying to solve?"


@pytest.fixture(scope="module")
def pipeline() -> VoicePipeline:
    return default_pipeline()


@pytest.fixture(scope="module")
def clip() -> bytes:
    """A rep's question as Slack's clip recorder would send it: Opus in WebM."""
    return encode(synthesize_pcm(QUESTION).set_frame_rate(48_000), format="webm", codec="libopus",
                  parameters=["-b:a", "32k"])


@pytest.fixture
def voice(fresh_sqlite: str, library: ScenarioLibrary, pipeline: VoicePipeline) -> Iterator[SlackWorld]:
    world = make_world(fresh_sqlite, speech=pipeline, library=library, migrate=False)
    yield world
    world.close()


def test_a_reps_voice_note_is_heard_and_the_buyer_answers_with_one(voice: SlackWorld, clip: bytes) -> None:
    rep = "U0DANA"
    thread = voice.start(rep)
    audio = voice.fake.add_file(clip, "audio/webm", "audio_message.webm", subtype="slack_audio", duration_ms=5200)
    replies = voice.say(rep, thread, "", files=[audio])

    (download,) = voice.fake.calls_of("files.download")
    assert download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    buyer = replies[-1]
    (note,) = buyer.files
    assert note["name"].endswith(".ogg") and buyer.thread_ts == thread
    assert buyer.text.startswith("*Dana Whitfield:* ")  # the transcript beside the clip
    voice.settle()  # a turn is stored once its line is out
    session = voice.core.repos.sessions.find_by_thread("slack", voice.dm(rep), thread)
    assert session is not None
    rep_turn = voice.core.repos.sessions.turns(session.id)[1]
    assert rep_turn.speaker == "rep" and rep_turn.engine and rep_turn.engine.startswith("pocketsphinx")
    heard = set((rep_turn.text or "").lower().split())
    assert len(heard & set(QUESTION.lower().rstrip("?").split())) >= 2  # offline STT: close, not perfect
    assert (rep_turn.audio_duration_s or 0) > 1
    assert rep_turn.delivery is not None  # pace, pauses and fillers were measured


@pytest.fixture
def speaking(fresh_sqlite: str, library: ScenarioLibrary, pipeline: VoicePipeline) -> Iterator[SlackWorld]:
    """A workspace where the buyer always answers with voice notes (VOICE_REPLIES)."""
    world = make_world(fresh_sqlite, speech=pipeline, library=library, migrate=False, voice_replies=True)
    yield world
    world.close()


def test_when_the_upload_fails_the_buyers_words_arrive_as_text(speaking: SlackWorld) -> None:
    rep = "U0DANA"
    thread = speaking.start(rep)
    opening = speaking.fake.wait_thread(speaking.dm(rep), thread, 1)[0]
    assert opening.files and "Dana Whitfield" in opening.text  # the opening line as a voice note
    speaking.fake.fail("upload", 500, times=1)
    buyer = speaking.say(rep, thread, QUESTION)[-1]
    assert buyer.files == [] and buyer.username == "Dana Whitfield" and buyer.text
