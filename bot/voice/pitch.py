"""Pitch variation: monotone versus lively, as the spread of voiced pitch in semitones.

A plain autocorrelation pitch tracker in numpy: 40 ms frames every 10 ms, pitch
between 70 and 400 Hz, a frame counts as voiced when its normalised
autocorrelation peak is strong. Semitones (not Hz) so a low and a high voice
that vary equally score equally. Around 2 st reads as flat, 4+ as lively.
"""

from __future__ import annotations

import numpy as np

from bot.voice.audio import AudioSegment

FRAME_S, HOP_S = 0.040, 0.010
F0_MIN, F0_MAX = 70.0, 400.0
VOICING_THRESHOLD = 0.5
#: Fewer voiced frames than this (0.3 s) and a spread means nothing.
MIN_VOICED_FRAMES = 30


def voiced_pitch_hz(audio: AudioSegment, *, min_level_dbfs: float = -45.0) -> np.ndarray:
    """Pitch of each voiced frame in Hz (unvoiced and quiet frames are dropped)."""
    rate = audio.frame_rate
    x = np.frombuffer(audio.raw_data, dtype=np.int16).astype(np.float64) / 32768.0
    n, hop = int(rate * FRAME_S), int(rate * HOP_S)
    if x.size < n:
        return np.empty(0)
    count = 1 + (x.size - n) // hop
    frames = np.lib.stride_tricks.as_strided(x, shape=(count, n), strides=(x.strides[0] * hop, x.strides[0]))
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = np.sqrt(np.mean(frames * frames, axis=1))
    keep = 20 * np.log10(np.maximum(energy, 1e-9)) > min_level_dbfs
    frames = frames[keep] * np.hanning(n)
    if frames.shape[0] == 0:
        return np.empty(0)
    # Autocorrelation of every frame at once through the FFT (Wiener-Khinchin).
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(frames, size, axis=1)
    ac = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)[:, :n]
    lo, hi = int(rate / F0_MAX), min(int(rate / F0_MIN), n // 2)
    # Normalise by the window's own autocorrelation so longer lags are not penalised.
    window_ac = np.correlate(np.hanning(n), np.hanning(n), "full")[n - 1:]
    ac = ac[:, lo:hi] / np.maximum(ac[:, :1], 1e-12) / (window_ac[lo:hi] / window_ac[0])
    best = ac.max(axis=1, keepdims=True)
    # A periodic signal correlates as well at 2x, 3x its period; the *first* lag that is
    # nearly as good as the best one is the pitch (avoids halving a voice's pitch).
    lags = np.argmax(ac >= 0.9 * best, axis=1)
    rows = np.arange(ac.shape[0])
    # That lag sits on the rising edge of its peak; climb to the top of it.
    last = ac.shape[1] - 1
    for _ in range(hi - lo):
        step = (lags < last) & (ac[rows, np.minimum(lags + 1, last)] > ac[rows, lags])
        if not step.any():
            break
        lags = lags + step
    peaks = ac[rows, lags]
    # Parabolic interpolation between neighbouring lags: whole-sample lags alone
    # quantise a 200 Hz voice into ~0.2-semitone steps.
    left = ac[rows, np.maximum(lags - 1, 0)]
    right = ac[rows, np.minimum(lags + 1, ac.shape[1] - 1)]
    curve = left - 2 * peaks + right
    shift = np.where(curve < 0, 0.5 * (left - right) / np.where(curve < 0, curve, -1), 0.0)
    lags = lags + lo + np.clip(shift, -0.5, 0.5)
    voiced = peaks > VOICING_THRESHOLD
    return rate / lags[voiced]


def pitch_variation_st(audio: AudioSegment, f0: np.ndarray | None = None) -> float | None:
    """Std-dev of voiced pitch in semitones; None when too little voiced speech to judge.

    Pass `f0` (from voiced_pitch_hz on the same audio) to skip tracking it again.
    """
    f0 = voiced_pitch_hz(audio) if f0 is None else f0
    if f0.size < MIN_VOICED_FRAMES:
        return None
    st = 12 * np.log2(f0 / np.median(f0))
    # Octave jumps are tracker errors, not expression: drop anything over an octave off.
    st = st[np.abs(st) < 12]
    if st.size < MIN_VOICED_FRAMES:
        return None
    return round(float(np.std(st)), 2)


def voiced_seconds(f0: np.ndarray) -> float:
    """How much of the clip is voiced (vowels, voiced consonants), from its pitch track."""
    return f0.size * HOP_S
