"""Turn the bytes of a rep's clip into mono 16 kHz 16-bit audio, or a typed, friendly error.

Slack clips arrive as webm or mp4/m4a, Discord voice messages as ogg/opus,
uploads as wav or mp3. The container is sniffed from the bytes first (platform
mime types are not always right) and the mime type / filename is the fallback.
The bundled ffmpeg has no ffprobe, so pydub is always told the format and the
codec; when the first codec guess fails the next plausible one is tried.
"""

from __future__ import annotations

import os
import struct
import tempfile
from dataclasses import dataclass

from bot.voice.audio import AudioSegment, CouldntDecodeError, normalise
from bot.voice.errors import ClipTooLong, CorruptAudio, SilentClip, UnsupportedAudio

#: Upper bound on what we even hand to ffmpeg: 3 minutes of 48 kHz stereo wav is ~35 MB.
MAX_BYTES = 50 * 1024 * 1024
#: Encoders pad a little (Opus pre-skip, AAC priming); don't call a 3:00.2 clip "too long".
LENGTH_TOLERANCE_S = 0.5
#: Below this there is nothing a rep could have said.
MIN_DURATION_S = 0.2


@dataclass(frozen=True)
class Container:
    """How to ask ffmpeg for a container: its demuxer and the codecs to try, most likely first."""

    name: str
    demuxer: str
    codecs: tuple[str, ...]
    suffix: str


OGG = Container("ogg", "ogg", ("opus", "vorbis"), ".ogg")
WEBM = Container("webm", "matroska", ("opus", "vorbis"), ".webm")
MP4 = Container("mp4", "mp4", ("aac", "opus", "mp3", "alac"), ".m4a")
MP3 = Container("mp3", "mp3", ("mp3",), ".mp3")
WAV = Container("wav", "wav", ("pcm_s16le",), ".wav")

_BY_MIME = {
    "audio/ogg": OGG, "audio/opus": OGG, "application/ogg": OGG, "audio/x-ogg": OGG,
    "audio/webm": WEBM, "video/webm": WEBM,
    "audio/mp4": MP4, "audio/x-m4a": MP4, "audio/m4a": MP4, "video/mp4": MP4,
    "audio/aac": MP4, "video/quicktime": MP4,
    "audio/mpeg": MP3, "audio/mp3": MP3, "audio/x-mpeg": MP3,
    "audio/wav": WAV, "audio/x-wav": WAV, "audio/wave": WAV, "audio/vnd.wave": WAV,
}
_BY_SUFFIX = {
    ".ogg": OGG, ".oga": OGG, ".opus": OGG, ".webm": WEBM, ".mp4": MP4, ".m4a": MP4,
    ".mov": MP4, ".mp3": MP3, ".wav": WAV, ".wave": WAV,
}


def decode_clip(data: bytes, *, mime: str | None = None, filename: str | None = None,
                max_seconds: float = 180) -> AudioSegment:
    """Decode a clip to mono 16 kHz 16-bit. Raises UnsupportedAudio, CorruptAudio, ClipTooLong, SilentClip."""
    if not data:
        raise SilentClip("empty clip (0 bytes)")
    if len(data) > MAX_BYTES:
        raise ClipTooLong(f"{len(data)} bytes", max_seconds=max_seconds)
    container = _choose_container(data, mime, filename)
    codecs = _codecs_for(container, data)
    if container is OGG and _ogg_truncated(data):
        # A cut-off download still half-decodes; scoring half an answer would be unfair.
        raise CorruptAudio("ogg stream ends in the middle of a page")

    segment = _run_ffmpeg(data, container, codecs, max_seconds)
    seconds = len(segment) / 1000
    if seconds > max_seconds + LENGTH_TOLERANCE_S:
        raise ClipTooLong(f"clip longer than {max_seconds}s", max_seconds=max_seconds)
    if seconds < MIN_DURATION_S:
        raise SilentClip(f"clip only {seconds:.2f}s long")
    return normalise(segment)


def _choose_container(data: bytes, mime: str | None, filename: str | None) -> Container:
    sniffed = sniff(data)
    if sniffed is not None:
        return sniffed
    hinted = _hinted(mime, filename)
    if hinted is not None:
        # Says it's a clip we know, but the bytes are not that container: damaged.
        raise CorruptAudio(f"bytes do not look like {hinted.name} (mime={mime!r}, filename={filename!r})")
    raise UnsupportedAudio(f"unrecognised audio (mime={mime!r}, filename={filename!r})")


def _hinted(mime: str | None, filename: str | None) -> Container | None:
    if mime:
        base = mime.split(";", 1)[0].strip().lower()
        if base in _BY_MIME:
            return _BY_MIME[base]
    if filename:
        return _BY_SUFFIX.get(os.path.splitext(filename)[1].lower())
    return None


def sniff(data: bytes) -> Container | None:
    """Recognise the container from its magic bytes."""
    head = data[:16]
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: Matroska/WebM
        return WEBM
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"ID3") or _mp3_frame_sync(head):
        return MP3
    return None


def _mp3_frame_sync(head: bytes) -> bool:
    # 11 sync bits, then MPEG version != reserved, layer != reserved, bitrate index != bad.
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return False
    return ((head[1] >> 3) & 0x3) != 1 and ((head[1] >> 1) & 0x3) != 0 and (head[2] >> 4) != 0xF


def _codecs_for(container: Container, data: bytes) -> tuple[str, ...]:
    """Put the codec named in the header first, so one ffmpeg run usually suffices."""
    if container is WAV:
        return (_wav_codec(data),)
    head = data[:4096]
    markers = {b"OpusHead": "opus", b"A_OPUS": "opus", b"Opus": "opus",
               b"\x01vorbis": "vorbis", b"A_VORBIS": "vorbis", b"mp4a": "aac", b"alac": "alac"}
    found = [codec for marker, codec in markers.items() if marker in head]
    ordered = [c for c in found if c in container.codecs]
    return tuple(dict.fromkeys([*ordered, *container.codecs]))


def _wav_codec(data: bytes) -> str:
    """Read the fmt chunk: pydub's own wav reader is skipped once we pass a codec."""
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        if chunk == b"fmt " and pos + 24 <= len(data):
            tag, _channels, _rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", data[pos + 8:pos + 24])
            if tag == 0xFFFE and pos + 34 <= len(data):  # WAVE_FORMAT_EXTENSIBLE: real tag in the GUID
                tag = struct.unpack("<H", data[pos + 32:pos + 34])[0]
            if tag == 1:
                return "pcm_u8" if bits == 8 else f"pcm_s{bits}le"
            if tag == 3:
                return f"pcm_f{bits}le"
            if tag == 6:
                return "pcm_alaw"
            if tag == 7:
                return "pcm_mulaw"
            raise UnsupportedAudio(f"wav format tag {tag:#x}")
        pos += 8 + size + (size & 1)
    raise CorruptAudio("wav without a fmt chunk")


def _ogg_truncated(data: bytes) -> bool:
    """True when the last Ogg page is incomplete (the file was cut off mid-download)."""
    last = data.rfind(b"OggS")
    header_end = last + 27
    if last < 0 or header_end > len(data):
        return True
    segments = data[last + 26]
    if header_end + segments > len(data):
        return True
    body = sum(data[header_end:header_end + segments])
    return header_end + segments + body > len(data)


def _run_ffmpeg(data: bytes, container: Container, codecs: tuple[str, ...],
                max_seconds: float) -> AudioSegment:
    # A real file, not a pipe: mp4 often keeps its index (moov) at the end and needs to seek.
    fd, path = tempfile.mkstemp(prefix="rehearse-clip-", suffix=container.suffix)
    errors: list[str] = []
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        for codec in codecs:
            try:
                segment = AudioSegment.from_file(
                    path, format=container.demuxer, codec=codec,
                    # Decode at most a little past the limit: enough to know it's too long.
                    duration=max_seconds + 2 * LENGTH_TOLERANCE_S,
                )
            except (CouldntDecodeError, IndexError, ValueError, OSError) as exc:
                errors.append(f"{codec}: {str(exc)[-300:]}")
                continue
            if len(segment.raw_data) > 0:
                return segment
            errors.append(f"{codec}: no samples")
    finally:
        os.unlink(path)
    raise CorruptAudio(f"ffmpeg could not decode {container.name}: " + " | ".join(errors))
