"""Delivery signals for scoring, counted the way a coach listening to the clip would.

- duration_s: the whole clip.
- words_per_minute: words over the speaking span (first sound to last sound),
  so the seconds before the rep starts talking do not make them "slow".
- pauses: silences of at least 0.5 s *inside* the speaking span (shorter gaps
  are the breaths between phrases); pause_count, longest_pause_s.
- silence_share: silent share of the speaking span (pydub silence detection,
  gaps of 200 ms or more).
- fillers: um/uh family and verbal fillers from the transcript (see fillers.py).
- pitch_variation_st: spread of voiced pitch in semitones (see pitch.py).
- loudness_dbfs: RMS level of the speaking span, in dBFS.

Which behavior reads which signal is the scoring engine's business
(e.g. patience reads pauses and pace, concise reads duration and fillers).
"""

from __future__ import annotations

import math

import numpy as np

from bot.voice.audio import AudioSegment, normalise
from bot.voice.fillers import find_fillers, tokens
from bot.voice.pitch import pitch_variation_st
from bot.voice.silence import SpeechMap, map_speech
from bot.voice.stt import Transcript
from scoring.types import Delivery

#: A gap this long inside speech is a pause a listener notices.
PAUSE_MIN_S = 0.5


def spoken_part(audio: AudioSegment, speech: SpeechMap) -> AudioSegment:
    """First sound to last sound: what pitch and loudness are measured on."""
    start_ms, end_ms = speech.span_ms
    return audio[start_ms:end_ms] if end_ms > start_ms else audio


def measure_delivery(audio: AudioSegment, transcript: Transcript, speech: SpeechMap | None = None,
                     pitch_hz: np.ndarray | None = None) -> Delivery:
    """All delivery signals for one clip.

    `speech` (the silence map) and `pitch_hz` (voiced_pitch_hz of the spoken part) may be
    passed in by a caller that already computed them, to avoid doing the work twice.
    """
    audio = normalise(audio)
    speech = speech or map_speech(audio)
    start_ms, end_ms = speech.span_ms
    span_s = (end_ms - start_ms) / 1000
    inner = speech.inner_silences
    pauses = [(b - a) / 1000 for a, b in inner if (b - a) / 1000 >= PAUSE_MIN_S]
    silent_s = sum(b - a for a, b in inner) / 1000

    word_count = _word_count(transcript)
    fillers = find_fillers(transcript.text)
    spoken = spoken_part(audio, speech)
    return Delivery(
        duration_s=round(len(audio) / 1000, 2),
        words_per_minute=round(word_count / (span_s / 60), 1) if span_s > 0 else 0.0,
        pause_count=len(pauses),
        longest_pause_s=round(max(pauses, default=0.0), 2),
        silence_share=round(silent_s / span_s, 3) if span_s > 0 else 1.0,
        filler_count=len(fillers),
        fillers=tuple(fillers),
        pitch_variation_st=pitch_variation_st(spoken, pitch_hz) if span_s > 0 else None,
        loudness_dbfs=_loudness(spoken),
    )


def _word_count(transcript: Transcript) -> int:
    if transcript.words:
        return sum(1 for w, _, _ in transcript.words if tokens(w))
    return len(tokens(transcript.text))


def _loudness(audio: AudioSegment) -> float | None:
    level = audio.dBFS
    return None if math.isinf(level) else round(level, 1)
