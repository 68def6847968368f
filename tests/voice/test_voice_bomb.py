"""Clips whose container promises more than a voice note: refused or decoded cheaply (issue 18, item 1).

The memory and time figures live in benchmarks/audio_bomb.py; here the behavior a rep
sees and the bounds the decoder keeps."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from bot.voice.audio import FFMPEG, SAMPLE_RATE
from bot.voice.decode import declared_channels, declared_seconds, decode_clip, max_decoded_bytes
from bot.voice.errors import ClipTooLong, TooManyChannels
from bot.voice.pipeline import VoicePipeline


def silent_opus(seconds: float, layout: str, *, family_255: bool = False) -> bytes:
    """Silent Opus made by the bundled ffmpeg with `layout` channels: tiny files, long or wide audio."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.ogg"
        mapping = ["-mapping_family", "255"] if family_255 else []
        subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
                        f"anullsrc=r=48000:cl={layout}", "-t", str(seconds), "-c:a", "libopus", "-b:a", "6k",
                        *mapping, str(out)], check=True)
        return out.read_bytes()


@pytest.fixture(scope="module")
def sixteen_channels() -> bytes:
    return silent_opus(3, "hexadecagonal", family_255=True)


def test_a_sixteen_channel_clip_is_refused_with_the_re_record_or_type_reply(
        sixteen_channels: bytes, pipeline: VoicePipeline) -> None:
    with pytest.raises(TooManyChannels) as caught:
        pipeline.hear(sixteen_channels, mime="audio/ogg", filename="voice-message.ogg")

    assert "re-record" in caught.value.user_message and "type" in caught.value.user_message
    assert "16 channels" in str(caught.value)  # the log detail, never shown to the rep


def test_an_eight_channel_clip_is_mixed_down_to_mono_16_khz_by_ffmpeg() -> None:
    audio = decode_clip(silent_opus(2, "7.1"), mime="audio/ogg")

    assert (audio.channels, audio.frame_rate, audio.sample_width) == (1, SAMPLE_RATE, 2)
    assert abs(len(audio) - 2000) < 120


def test_a_clip_whose_header_says_ten_minutes_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(ClipTooLong) as caught:
        decode_clip(silent_opus(600, "mono"), mime="audio/ogg")

    assert "header declares 600" in str(caught.value)
    assert "3 minutes" in caught.value.user_message


def test_a_clip_that_hides_its_length_still_decodes_no_more_than_the_limit_allows() -> None:
    # Matroska streamed by a browser carries no duration: the header cannot refuse it, the decoder's bound does.
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.webm"
        subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=f=220:r=48000",
                        "-t", "20", "-c:a", "libopus", "-f", "webm", "-live", "1", str(out)], check=True)
        data = out.read_bytes()

    with pytest.raises(ClipTooLong):
        decode_clip(data, mime="audio/webm", max_seconds=5)
    assert max_decoded_bytes(180) < 6 * 1024 * 1024  # three minutes of mono 16 kHz PCM, the most kept per clip


@pytest.mark.parametrize("listing, channels", [
    ("Stream #0:0: Audio: opus, 48000 Hz, 9.1.6, fltp", 16),
    ("Stream #0:0: Audio: opus, 48000 Hz, 7.1, fltp", 8),
    ("Stream #0:0(eng): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 128 kb/s", 2),
    ("Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 16000 Hz, mono, s16, 256 kb/s", 1),
    ("Stream #0:0: Audio: vorbis, 48000 Hz, 5.1(side), fltp", 6),
    ("Stream #0:0: Audio: opus, 48000 Hz, 24 channels, fltp", 24),
    ("no audio stream here", None),
])
def test_the_channel_count_is_read_from_every_way_ffmpeg_names_a_layout(listing: str, channels: int | None) -> None:
    assert declared_channels(listing) == channels


def test_a_header_without_a_duration_declares_none() -> None:
    assert declared_seconds("Duration: N/A, start: 0.000000, bitrate: N/A") is None
    assert declared_seconds("  Duration: 00:10:00.01, start: 0.000000") == pytest.approx(600.01)
