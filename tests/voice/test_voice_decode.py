"""Decoding the clips reps send from each platform, and the friendly refusals."""

from __future__ import annotations

import os

import numpy as np
import pytest

from bot.voice.audio import SAMPLE_RATE, AudioSegment, encode
from bot.voice.decode import decode_clip
from bot.voice.errors import (
    ClipTooBig,
    ClipTooLong,
    CorruptAudio,
    NoSpeechHeard,
    SilentClip,
    TooManyChannels,
    UnsupportedAudio,
    VoiceError,
)
from tests.voice.conftest import PLATFORM_CLIPS, silence, to_bytes


@pytest.mark.parametrize("kind", list(PLATFORM_CLIPS))
def test_every_platform_clip_format_plays(kind: str, speech: AudioSegment) -> None:
    export, mime, filename = PLATFORM_CLIPS[kind]
    data = to_bytes(speech, export["format"], export.get("codec"))

    audio = decode_clip(data, mime=mime, filename=filename)

    assert (audio.channels, audio.frame_rate, audio.sample_width) == (1, SAMPLE_RATE, 2)
    # Codecs pad a few ms (AAC priming, Opus pre-skip); the speech itself must all be there.
    assert abs(len(audio) - len(speech)) < 120
    assert audio.dBFS > -40


def test_a_clip_with_a_wrong_mime_type_still_plays(speech_ogg: bytes) -> None:
    audio = decode_clip(speech_ogg, mime="audio/webm", filename="clip.webm")
    assert len(audio) > 3000


def test_a_clip_with_no_mime_type_or_filename_is_recognised_from_its_bytes(speech_ogg: bytes) -> None:
    assert len(decode_clip(speech_ogg)) > 3000


def test_a_float_wav_from_an_audio_editor_plays(speech: AudioSegment) -> None:
    data = encode(speech, format="wav", codec="pcm_f32le")
    assert abs(len(decode_clip(data, mime="audio/wav")) - len(speech)) < 50


def test_a_truncated_voice_note_asks_the_rep_to_re_record(speech_ogg: bytes) -> None:
    with pytest.raises(CorruptAudio) as caught:
        decode_clip(speech_ogg[: len(speech_ogg) * 2 // 3], mime="audio/ogg", filename="voice-message.ogg")
    assert "re-record" in caught.value.user_message


def test_a_voice_note_cut_off_inside_its_header_asks_the_rep_to_re_record(speech_ogg: bytes) -> None:
    with pytest.raises(CorruptAudio):
        decode_clip(speech_ogg[:60], mime="audio/ogg")


def test_random_bytes_sent_as_a_voice_note_ask_the_rep_to_re_record() -> None:
    junk = np.random.default_rng(7).integers(0, 256, 8000, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptAudio) as caught:
        decode_clip(junk, mime="audio/ogg", filename="voice-message.ogg")
    assert "type your answer" in caught.value.user_message


def test_a_damaged_clip_with_a_valid_header_asks_the_rep_to_re_record(speech_ogg: bytes) -> None:
    junk = b"OggS" + np.random.default_rng(3).integers(0, 256, 6000, dtype=np.uint8).tobytes()
    with pytest.raises(CorruptAudio):
        decode_clip(junk, mime="audio/ogg")


def test_an_image_sent_instead_of_a_clip_is_politely_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(500)
    with pytest.raises(UnsupportedAudio) as caught:
        decode_clip(png, mime="image/png", filename="screenshot.png")
    assert "type your answer" in caught.value.user_message


def test_an_empty_file_asks_the_rep_to_re_record() -> None:
    with pytest.raises(SilentClip):
        decode_clip(b"", mime="audio/ogg")


def test_a_four_minute_clip_asks_for_a_shorter_answer() -> None:
    # Four minutes of silence in Opus: a real length, a tiny file, fast to make.
    long_clip = to_bytes(silence(240_000).overlay(AudioSegment.silent(10, SAMPLE_RATE)), "ogg", "libopus")
    with pytest.raises(ClipTooLong) as caught:
        decode_clip(long_clip, mime="audio/ogg")
    assert "3 minutes" in caught.value.user_message


def test_the_length_limit_is_configurable_and_says_so(speech: AudioSegment) -> None:
    data = to_bytes(speech + speech, "wav")
    with pytest.raises(ClipTooLong) as caught:
        decode_clip(data, max_seconds=5)
    assert "5 seconds" in caught.value.user_message
    # The whole clip comes back. Not to the sample: the decoder may drop a few padding frames at the end
    # (8 frames, 0.5 ms, seen here), and two clips' lengths in whole ms round apart.
    assert len(decode_clip(data, max_seconds=60)) == pytest.approx(len(speech + speech), abs=2)


@pytest.mark.parametrize("error", [VoiceError, UnsupportedAudio, CorruptAudio, ClipTooLong, SilentClip, NoSpeechHeard,
                                   TooManyChannels, ClipTooBig])
def test_every_voice_error_offers_to_re_record_or_type(error: type[VoiceError]) -> None:
    message = error("internal detail").user_message
    assert "type" in message and ("re-record" in message or "record" in message)
    assert "internal detail" not in message
    assert issubclass(error, VoiceError)
