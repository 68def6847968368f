"""Delivery signals a coach would count: pace, pauses, silence, fillers, pitch, loudness.

These use hand-written transcripts so they test the measuring, not the recogniser.
"""

from __future__ import annotations

import pytest

from bot.voice.audio import AudioSegment, normalise
from bot.voice.delivery import measure_delivery
from bot.voice.fillers import find_fillers
from bot.voice.stt import Transcript
from bot.voice.tts import EspeakSynthesizer, VoiceSpec
from tests.voice.conftest import silence

FIRST = "I understand the renewal feels expensive this year."
SECOND = "What has changed on your side since we last spoke?"


def say(synth: EspeakSynthesizer, text: str, **voice: object) -> AudioSegment:
    return normalise(synth.synthesize_pcm(text, VoiceSpec(**voice)))  # type: ignore[arg-type]


def typed(text: str) -> Transcript:
    return Transcript(text, "test", None)


@pytest.fixture(scope="module")
def two_sentences(synth: EspeakSynthesizer) -> tuple[AudioSegment, AudioSegment]:
    return say(synth, FIRST), say(synth, SECOND)


def test_a_long_pause_is_counted_and_measured(two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    first, second = two_sentences
    d = measure_delivery(first + silence(2000) + second, typed(f"{FIRST} {SECOND}"))
    assert d.pause_count == 1
    assert 2.0 <= d.longest_pause_s <= 2.6  # eSpeak's own sentence-end pause adds a little
    assert d.silence_share > 0.2


def test_flowing_speech_has_no_pauses(two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    first, second = two_sentences
    d = measure_delivery(first + second, typed(f"{FIRST} {SECOND}"))
    assert d.pause_count == 0 and d.longest_pause_s == 0
    assert d.silence_share < 0.2


def test_the_wait_before_the_rep_starts_talking_does_not_count_against_them(
        two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    first, _ = two_sentences
    quick = measure_delivery(first, typed(FIRST))
    hesitant_start = measure_delivery(silence(3000) + first + silence(2000), typed(FIRST))
    assert hesitant_start.duration_s == pytest.approx(quick.duration_s + 5, abs=0.05)
    assert hesitant_start.words_per_minute == pytest.approx(quick.words_per_minute, rel=0.05)
    assert hesitant_start.pause_count == 0


def test_faster_speech_measures_more_words_per_minute(synth: EspeakSynthesizer) -> None:
    slow = measure_delivery(say(synth, FIRST, words_per_minute=110), typed(FIRST))
    fast = measure_delivery(say(synth, FIRST, words_per_minute=220), typed(FIRST))
    assert fast.words_per_minute > slow.words_per_minute * 1.5
    assert 80 < slow.words_per_minute < 160


def test_a_monotone_reply_measures_less_pitch_variation_than_a_lively_one(synth: EspeakSynthesizer) -> None:
    flat = measure_delivery(say(synth, FIRST + " " + SECOND, pitch_range=0), typed(FIRST))
    lively = measure_delivery(say(synth, FIRST + " " + SECOND, pitch_range=100), typed(FIRST))
    assert flat.pitch_variation_st is not None and lively.pitch_variation_st is not None
    assert flat.pitch_variation_st < 1.0
    assert lively.pitch_variation_st > flat.pitch_variation_st + 1.5


def test_a_quieter_reply_measures_lower_loudness(two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    first, _ = two_sentences
    normal = measure_delivery(first, typed(FIRST))
    quiet = measure_delivery(first.apply_gain(-12), typed(FIRST))
    assert quiet.loudness_dbfs == pytest.approx(normal.loudness_dbfs - 12, abs=0.5)
    assert quiet.pause_count == normal.pause_count  # the silence threshold follows the speaker


def test_fillers_are_counted_from_the_transcript(two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    first, _ = two_sentences
    d = measure_delivery(first, typed("Um, so, like, the price is, uh, you know, basically fine. Umm."))
    assert d.filler_count == 6
    assert d.fillers == ("um", "like", "uh", "you know", "basically", "umm")


@pytest.mark.parametrize("text", [
    "I'd like to understand your goals.",
    "It feels like the reports are late.",
    "What would you like to see next week?",
    "Do you know who else is involved?",
    "What I mean is the rollout slipped.",
])
def test_like_and_you_know_in_ordinary_sentences_are_not_fillers(text: str) -> None:
    assert find_fillers(text) == []


def test_signals_come_out_in_the_scoring_engines_delivery_type(two_sentences: tuple[AudioSegment, AudioSegment]) -> None:
    from scoring.types import Delivery

    first, second = two_sentences
    d = measure_delivery(first + second, typed(f"{FIRST} {SECOND}"))
    assert isinstance(d, Delivery)
    assert d.filler_count == len(d.fillers) == 0
    assert -30 < d.loudness_dbfs < -10
