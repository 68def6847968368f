"""Turn the bytes of a rep's clip into mono 16 kHz 16-bit audio, or a typed, friendly error.

Slack clips arrive as webm or mp4/m4a, Discord voice messages as ogg/opus,
uploads as wav or mp3. The container is sniffed from the bytes first (platform
mime types are not always right) and the mime type / filename is the fallback.
The bundled ffmpeg has no ffprobe, so ffmpeg is always told the format and the
codec; when the first codec guess fails the next plausible one is tried.

Cost is bounded whatever the container claims: the header's channel count and
duration are checked before decoding, ffmpeg mixes down to mono and resamples
to 16 kHz while it decodes (never Python), and its output stops just past the
length limit (about 5.8 MB for three minutes).
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import tempfile
from dataclasses import dataclass

from bot.voice.audio import FFMPEG, SAMPLE_RATE, AudioSegment, normalise
from bot.voice.errors import ClipTooBig, ClipTooLong, CorruptAudio, SilentClip, TooManyChannels, UnsupportedAudio

#: Upper bound on what we even hand to ffmpeg: 3 minutes of 48 kHz stereo wav is ~35 MB.
MAX_BYTES = 50 * 1024 * 1024
#: Encoders pad a little (Opus pre-skip, AAC priming); don't call a 3:00.2 clip "too long".
LENGTH_TOLERANCE_S = 0.5
#: Below this there is nothing a rep could have said.
MIN_DURATION_S = 0.2
#: Voice notes are mono or stereo; 7.1 film audio is the most a real clip carries. A 16-channel
#: 1 MB Opus clip once cost 760 MB and 93 s; it is now refused from its header.
MAX_CHANNELS = 8
#: Reading headers is milliseconds; decoding three minutes of 8-channel Opus took ~1 s here.
PROBE_TIMEOUT_S = 10
DECODE_TIMEOUT_S = 60


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
        raise ClipTooBig(f"{len(data)} bytes")
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
        _check_header(path, container, max_seconds)
        for codec in codecs:
            try:
                raw = _decode_mono(path, container, codec, max_seconds)
            except CorruptAudio as exc:
                errors.append(f"{codec}: {exc}")
                continue
            if raw:
                return AudioSegment(data=raw, sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
            errors.append(f"{codec}: no samples")
    finally:
        os.unlink(path)
    raise CorruptAudio(f"ffmpeg could not decode {container.name}: " + " | ".join(errors))


def _check_header(path: str, container: Container, max_seconds: float) -> None:
    """Refuse, before any decoding, a clip whose header declares too many channels or too long a time.

    ffmpeg with no output file reads only the headers (Ogg: also the last page's
    granule) and prints what it found: a few milliseconds even for the 16-channel
    bomb. What it cannot tell (webm from a browser has no duration) stays bounded
    by `_decode_mono`'s `-t` and output cap."""
    probe = subprocess.run([FFMPEG, "-nostdin", "-hide_banner", "-f", container.demuxer, "-i", path],
                           capture_output=True, timeout=PROBE_TIMEOUT_S, check=False)
    info = probe.stderr.decode("utf-8", "replace")
    channels = declared_channels(info)
    if channels is not None and channels > MAX_CHANNELS:
        raise TooManyChannels(f"header declares {channels} channels (limit {MAX_CHANNELS})")
    seconds = declared_seconds(info)
    if seconds is not None and seconds > max_seconds + LENGTH_TOLERANCE_S:
        raise ClipTooLong(f"header declares {seconds:.1f}s", max_seconds=max_seconds)


def _decode_mono(path: str, container: Container, codec: str, max_seconds: float) -> bytes:
    """Mono 16 kHz 16-bit PCM straight out of ffmpeg: it mixes down and resamples while it decodes,
    so a many-channel clip is never held expanded (the old pydub path grew 760 MB on 16 channels)."""
    limit_s = max_seconds + 2 * LENGTH_TOLERANCE_S  # a little past the limit: enough to know it's too long
    command = [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
               "-f", container.demuxer, "-acodec", codec, "-i", path,
               "-map", "0:a:0", "-t", f"{limit_s:.3f}", "-ac", "1", "-ar", str(SAMPLE_RATE),
               "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ClipTooLong(f"decoding took over {DECODE_TIMEOUT_S}s", max_seconds=max_seconds) from exc
    if done.returncode != 0:
        raise CorruptAudio(done.stderr.decode("utf-8", "replace")[-300:].strip() or f"exit {done.returncode}")
    # -t bounds the output already; this is the net under it (decoded size never exceeds the limit).
    return done.stdout[:max_decoded_bytes(max_seconds)]


def max_decoded_bytes(max_seconds: float) -> int:
    """The most PCM a clip may decode to: mono 16-bit at 16 kHz, just past the length limit."""
    return int((max_seconds + 2 * LENGTH_TOLERANCE_S) * SAMPLE_RATE) * 2


_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+[^:]*: Audio: [^\n]*?, \d+ Hz, ([^,\n]+)")
_NAMED_LAYOUTS = {"mono": 1, "stereo": 2, "downmix": 2, "quad": 4, "hexagonal": 6, "octagonal": 8,
                  "hexadecagonal": 16, "cube": 8}


def declared_seconds(ffmpeg_info: str) -> float | None:
    """The `Duration:` ffmpeg read from the header, or None when the container does not say."""
    match = _DURATION.search(ffmpeg_info)
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def declared_channels(ffmpeg_info: str) -> int | None:
    """The most channels of any audio stream in ffmpeg's header listing ("mono", "7.1", "9.1.6", "16 channels")."""
    counts = [_layout_channels(m.group(1).strip()) for m in _AUDIO_STREAM.finditer(ffmpeg_info)]
    known = [c for c in counts if c is not None]
    return max(known) if known else None


def _layout_channels(layout: str) -> int | None:
    name = layout.split("(", 1)[0].strip().lower()
    if name in _NAMED_LAYOUTS:
        return _NAMED_LAYOUTS[name]
    counted = re.fullmatch(r"(\d+) channels?", name)
    if counted:
        return int(counted.group(1))
    if re.fullmatch(r"\d+(\.\d+)+", name):  # "5.1", "7.1.4", "9.1.6": speakers per group
        return sum(int(part) for part in name.split("."))
    return None
