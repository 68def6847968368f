"""Real audio made in the tests: eSpeak NG speech, silence, noise, tones, and the bundled
ffmpeg to encode them into each container a platform sends.

Expensive things (the recogniser, the speech clips) are built once per session.
"""

from __future__ import annotations

import pytest

from bot.voice.audio import SAMPLE_RATE, AudioSegment, encode, normalise
from bot.voice.pipeline import VoicePipeline
from bot.voice.stt import PocketSphinxTranscriber, default_transcriber
from bot.voice.tts import EspeakSynthesizer, VoiceSpec

SENTENCE = "Before we look at pricing, can you tell me what prompted this conversation?"

#: (container args for AudioSegment.export, mime a platform would send, filename)
PLATFORM_CLIPS = {
    "discord voice message (ogg/opus)": (dict(format="ogg", codec="libopus"), "audio/ogg", "voice-message.ogg"),
    "slack clip (webm/opus)": (dict(format="webm", codec="libopus"), "audio/webm", "audio_message.webm"),
    "slack clip (mp4/aac)": (dict(format="mp4", codec="aac"), "audio/mp4", "audio_message.mp4"),
    "iphone memo (m4a/aac)": (dict(format="ipod", codec="aac"), "audio/x-m4a", "memo.m4a"),
    "ogg/vorbis upload": (dict(format="ogg", codec="libvorbis"), "audio/ogg", "answer.ogg"),
    "wav upload": (dict(format="wav"), "audio/wav", "answer.wav"),
    "mp3 upload": (dict(format="mp3", codec="libmp3lame"), "audio/mpeg", "answer.mp3"),
}


def silence(ms: int) -> AudioSegment:
    return AudioSegment.silent(ms, SAMPLE_RATE)


def to_bytes(segment: AudioSegment, format: str, codec: str | None = None) -> bytes:
    # libopus takes 48 kHz (not 16/22.05 kHz as-is); other encoders take the clip as it is.
    if codec == "libopus":
        segment = segment.set_frame_rate(48_000)
    return encode(segment, format=format, codec=codec)


@pytest.fixture(scope="session")
def synth() -> EspeakSynthesizer:
    return EspeakSynthesizer()


@pytest.fixture(scope="session")
def transcriber() -> PocketSphinxTranscriber:
    return default_transcriber()  # type: ignore[return-value]  # PocketSphinx here: no whisper model dir


@pytest.fixture(scope="session")
def pipeline(transcriber: PocketSphinxTranscriber, synth: EspeakSynthesizer) -> VoicePipeline:
    return VoicePipeline(transcriber, synth)


@pytest.fixture(scope="session")
def speech(synth: EspeakSynthesizer) -> AudioSegment:
    """The known sentence, with a little room either side as a real recording has."""
    return silence(400) + normalise(synth.synthesize_pcm(SENTENCE, VoiceSpec())) + silence(400)


@pytest.fixture(scope="session")
def speech_ogg(speech: AudioSegment) -> bytes:
    return to_bytes(speech, "ogg", "libopus")
