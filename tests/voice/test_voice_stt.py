"""Speech to text for the rep, offline by default, the engine named on every transcript."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.voice.audio import AudioSegment
from bot.voice.fillers import tokens
from bot.voice.stt import PocketSphinxTranscriber, Transcript, default_transcriber
from tests.voice.conftest import SENTENCE


@pytest.fixture(scope="module")
def transcript(transcriber: PocketSphinxTranscriber, speech: AudioSegment) -> Transcript:
    return transcriber.transcribe(speech)


def test_the_offline_recogniser_hears_what_the_rep_said(transcript: Transcript) -> None:
    heard = set(tokens(transcript.text))
    # PocketSphinx on robotic TTS is rough (see benchmarks/voice.py); the content words come through.
    content = {"look", "pricing", "tell", "prompted", "conversation"}
    assert len(heard & content) >= 3, transcript.text
    assert transcript.engine.startswith("pocketsphinx")


def test_word_timings_fall_in_order_inside_the_clip(transcript: Transcript, speech: AudioSegment) -> None:
    words = transcript.words
    assert words and len(words) >= len(SENTENCE.split()) // 2
    starts = [start for _, start, _ in words]
    assert starts == sorted(starts)
    assert all(0 <= start < end <= len(speech) / 1000 + 0.05 for _, start, end in words)
    assert starts[0] >= 0.3  # the clip opens with 0.4 s of silence


def test_silence_transcribes_to_nothing(transcriber: PocketSphinxTranscriber) -> None:
    assert transcriber.transcribe(AudioSegment.silent(2000, 16000)).text == ""


def test_without_a_local_whisper_model_the_offline_engine_is_used(tmp_path: Path) -> None:
    assert default_transcriber().name.startswith("pocketsphinx")
    # A configured directory that doesn't exist (or no faster-whisper installed) must not break voice.
    assert default_transcriber(str(tmp_path / "missing-model")).name.startswith("pocketsphinx")
    assert default_transcriber() is default_transcriber()  # the model loads once per process
