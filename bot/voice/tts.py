"""Text to speech for the buyer: one `Synthesizer` interface, eSpeak NG offline by default.

A persona picks its voice (`VoiceSpec`) in the scenario file. The result is an
OGG/Opus voice note (`SpokenAudio`): the format Discord voice messages require
and Slack plays inline, with the waveform Discord draws. A cloud voice is a
plug-in (any object with `name` and `synthesize`) loaded by import path, off
unless configured.
"""

from __future__ import annotations

import base64
import importlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from bot.voice import espeak
from bot.voice.audio import AudioSegment, encode

Gender = Literal["female", "male"]

#: Discord accepts at most 256 waveform samples; its own clients use about 10 per second.
WAVEFORM_MAX = 256
WAVEFORM_PER_SECOND = 10


@dataclass(frozen=True)
class VoiceSpec:
    """How a persona sounds. Pace in words per minute; pitch and pitch_range 0-100 (50 = neutral)."""

    gender: Gender = "female"
    words_per_minute: int = 165
    pitch: int = 50
    pitch_range: int = 50  # 0 = monotone, 100 = very lively
    language: str = "en-us"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> VoiceSpec:
        """Lenient reader for a scenario's `voice:` block; unknown keys and bad values fall back."""
        if not data:
            return cls()
        default = cls()
        gender = str(data.get("gender", default.gender)).lower()

        def num(key: str, *aliases: str) -> int:
            for k in (key, *aliases):
                if k in data:
                    try:
                        return int(data[k])
                    except (TypeError, ValueError):
                        break
            return getattr(default, key)

        return cls(
            gender="male" if gender.startswith("m") else "female",
            words_per_minute=num("words_per_minute", "pace", "wpm", "rate"),
            pitch=num("pitch"),
            pitch_range=num("pitch_range", "range"),
            language=str(data.get("language", default.language)),
        )


def as_voice_spec(voice: object) -> VoiceSpec:
    """Accept what callers hold: a VoiceSpec, a scenario's pydantic `Voice`, a mapping, or None."""
    if isinstance(voice, VoiceSpec):
        return voice
    if voice is None:
        return VoiceSpec()
    if isinstance(voice, Mapping):
        return VoiceSpec.from_mapping(voice)
    if hasattr(voice, "model_dump"):  # pydantic model (scenarios.schema.Voice) — no import needed
        return VoiceSpec.from_mapping(voice.model_dump())
    return VoiceSpec.from_mapping({k: getattr(voice, k) for k in
                                   ("gender", "words_per_minute", "pitch", "pitch_range", "language")
                                   if hasattr(voice, k)})


@dataclass(frozen=True)
class SpokenAudio:
    """A voice note ready to post. `data` is OGG/Opus; `waveform_b64` is Discord's waveform."""

    data: bytes
    mime: str
    filename: str
    duration_s: float
    waveform_b64: str


@runtime_checkable
class Synthesizer(Protocol):
    name: str

    def synthesize(self, text: str, voice: VoiceSpec) -> SpokenAudio: ...


class EspeakSynthesizer:
    """eSpeak NG through ctypes: offline, no service, about 20x faster than real time."""

    name = "espeak-ng"

    def synthesize_pcm(self, text: str, voice: VoiceSpec = VoiceSpec()) -> AudioSegment:
        """The raw 22,050 Hz mono speech as an AudioSegment (tests and benchmarks use it)."""
        pcm = espeak.synthesize(
            text,
            language=voice.language,
            gender=voice.gender,
            words_per_minute=voice.words_per_minute,
            pitch=voice.pitch,
            pitch_range=voice.pitch_range,
        )
        return AudioSegment(data=pcm.samples, sample_width=2, frame_rate=pcm.sample_rate, channels=1)

    def synthesize(self, text: str, voice: VoiceSpec) -> SpokenAudio:
        return voice_note(self.synthesize_pcm(text, voice))


def synthesize_pcm(text: str, voice: VoiceSpec = VoiceSpec()) -> AudioSegment:
    """Module-level shortcut for `EspeakSynthesizer().synthesize_pcm`."""
    return EspeakSynthesizer().synthesize_pcm(text, voice)


def voice_note(segment: AudioSegment, filename: str = "buyer.ogg") -> SpokenAudio:
    """Encode speech as an OGG/Opus voice note with its waveform."""
    # libopus only takes 8/12/16/24/48 kHz; 48 kHz mono is what Discord's own clients send.
    segment = segment.set_channels(1).set_frame_rate(48_000)
    data = encode(segment, format="ogg", codec="libopus",
                  parameters=["-b:a", "32k", "-application", "voip"])
    return SpokenAudio(
        data=data,
        mime="audio/ogg",
        filename=filename,
        duration_s=round(len(segment) / 1000, 3),
        waveform_b64=waveform_b64(segment),
    )


def waveform_b64(segment: AudioSegment) -> str:
    """Up to 256 amplitude bytes (0-255), one per time bucket, base64 — as Discord expects."""
    samples = np.frombuffer(segment.set_channels(1).set_sample_width(2).raw_data, dtype=np.int16)
    if samples.size == 0:
        return ""
    buckets = max(1, min(WAVEFORM_MAX, math.ceil(len(segment) / 1000 * WAVEFORM_PER_SECOND)))
    parts = np.array_split(samples.astype(np.float64), buckets)
    rms = np.array([math.sqrt(float(np.mean(p * p))) if p.size else 0.0 for p in parts])
    peak = rms.max()
    levels = np.zeros(buckets) if peak <= 0 else np.clip(np.round(rms / peak * 255), 0, 255)
    return base64.b64encode(levels.astype(np.uint8).tobytes()).decode("ascii")


def load_synthesizer(spec: str | None) -> Synthesizer:
    """`None`/"espeak" → eSpeak; otherwise "package.module:factory" for a plug-in (e.g. a cloud voice).

    The plug-in is imported only when configured, so its SDK is never a dependency.
    """
    if not spec or spec.strip().lower() in {"espeak", "espeak-ng", "offline"}:
        return EspeakSynthesizer()
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr or "Synthesizer")
    synth = factory()
    if not isinstance(synth, Synthesizer):
        raise TypeError(f"{spec} did not produce a Synthesizer (needs .name and .synthesize)")
    return synth
