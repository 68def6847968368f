"""Where the speech is: silence detection shared by the recogniser, the delivery signals
and the "I couldn't hear anything" check.

pydub's silence detection does the finding; the threshold adapts to the clip,
because a rep recording on a laptop in an open office and one on a headset in
a quiet room have noise floors 20 dB apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.voice.audio import AudioSegment, detect_silence

#: Silences shorter than this are the gaps between words, not pauses.
MIN_SILENCE_MS = 200
#: pydub scans in 10 ms steps rather than 1 ms: ~10x faster, same answer at this scale.
SEEK_STEP_MS = 10
#: A clip whose loud frames stay below this is treated as silent (mic muted, blank recording).
SILENT_BELOW_DBFS = -55.0
#: Speech is this many dB below the clip's loud frames before we call it silence.
RELATIVE_THRESHOLD_DB = 25.0
THRESHOLD_FLOOR_DBFS, THRESHOLD_CEILING_DBFS = -60.0, -30.0
FRAME_MS = 10


@dataclass(frozen=True)
class SpeechMap:
    """The clip split into sound and silence (milliseconds)."""

    duration_ms: int
    threshold_dbfs: float
    loud_dbfs: float  # 95th percentile of 10 ms frame levels: "how loud the talking is"
    silences: tuple[tuple[int, int], ...]
    sounds: tuple[tuple[int, int], ...]

    @property
    def audible(self) -> bool:
        return bool(self.sounds) and self.loud_dbfs >= SILENT_BELOW_DBFS

    @property
    def span_ms(self) -> tuple[int, int]:
        """First to last sound: leading and trailing silence is the recorder, not the rep."""
        if not self.sounds:
            return (0, 0)
        return (self.sounds[0][0], self.sounds[-1][1])

    @property
    def inner_silences(self) -> tuple[tuple[int, int], ...]:
        start, end = self.span_ms
        return tuple((a, b) for a, b in self.silences if a > start and b < end)


def frame_levels_dbfs(audio: AudioSegment, frame_ms: int = FRAME_MS) -> np.ndarray:
    """RMS level of each frame in dBFS (-120 for digital silence)."""
    samples = np.frombuffer(audio.raw_data, dtype=np.int16).astype(np.float64)
    n = int(audio.frame_rate * frame_ms / 1000)
    if samples.size < n or n == 0:
        return np.full(1, -120.0)
    frames = samples[: samples.size // n * n].reshape(-1, n)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-6) / 32768.0)


def map_speech(audio: AudioSegment) -> SpeechMap:
    """Find the silences and the sounds in a mono 16-bit clip."""
    levels = frame_levels_dbfs(audio)
    loud = float(np.percentile(levels, 95))
    threshold = float(np.clip(loud - RELATIVE_THRESHOLD_DB, THRESHOLD_FLOOR_DBFS, THRESHOLD_CEILING_DBFS))
    duration = len(audio)
    silences = [tuple(s) for s in detect_silence(
        audio, min_silence_len=MIN_SILENCE_MS, silence_thresh=threshold, seek_step=SEEK_STEP_MS)]
    sounds: list[tuple[int, int]] = []
    cursor = 0
    for a, b in silences:
        if a > cursor:
            sounds.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < duration:
        sounds.append((cursor, duration))
    # Slivers of sound (a click, a breath) shorter than a syllable don't count as speech.
    sounds = [(a, b) for a, b in sounds if b - a >= 60]
    return SpeechMap(duration, threshold, loud, tuple(silences), tuple(sounds))  # type: ignore[arg-type]
