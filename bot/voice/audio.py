"""pydub wired to the ffmpeg that ships in the imageio-ffmpeg wheel.

No system ffmpeg or ffprobe is needed: every decode passes pydub an explicit
format and codec (so it never tries to probe), and every encode names its codec.
Import pydub names from here, never from pydub directly: whichever module
imports pydub first triggers its "ffmpeg not found" warning.
"""

from __future__ import annotations

import io
import warnings

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub warns at import when ffmpeg/ffprobe are not on PATH; we set the
    # converter explicitly just below and never probe, so the warning is noise.
    warnings.simplefilter("ignore", RuntimeWarning)
    # pydub uses audioop (deprecated in 3.11-3.12, provided by audioop-lts from 3.13).
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydub import AudioSegment  # noqa: E402
    from pydub.exceptions import CouldntDecodeError  # noqa: E402
    from pydub.silence import detect_silence  # noqa: E402

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
AudioSegment.converter = FFMPEG
AudioSegment.ffmpeg = FFMPEG

#: What the recogniser and the delivery signals work on.
SAMPLE_RATE = 16_000


def normalise(segment: AudioSegment) -> AudioSegment:
    """Mono, 16 kHz, 16-bit: the one shape the rest of the pipeline assumes."""
    if segment.channels != 1:
        segment = segment.set_channels(1)
    if segment.sample_width != 2:
        segment = segment.set_sample_width(2)
    if segment.frame_rate != SAMPLE_RATE:
        segment = segment.set_frame_rate(SAMPLE_RATE)
    return segment


def encode(segment: AudioSegment, *, format: str, codec: str | None = None,
           parameters: list[str] | None = None, bitrate: str | None = None) -> bytes:
    """Encode with the bundled ffmpeg and return the bytes (tests use it for every container)."""
    buf = io.BytesIO()
    segment.export(buf, format=format, codec=codec, parameters=parameters, bitrate=bitrate)
    return buf.getvalue()


__all__ = ["AudioSegment", "CouldntDecodeError", "detect_silence", "FFMPEG", "SAMPLE_RATE", "normalise", "encode"]
