"""The voice pipeline the practice engine calls: hear a rep's clip, speak the buyer's line.

`hear` = decode + silence check + transcribe + delivery signals. Every failure a
rep can cause is a `VoiceError` whose `user_message` the engine posts before
carrying on with the session.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from bot.observability.metrics import STT_REALTIME_FACTOR, STT_SECONDS
from bot.voice.decode import decode_clip
from bot.voice.delivery import measure_delivery, spoken_part
from bot.voice.errors import NoSpeechHeard, SilentClip
from bot.voice.pitch import voiced_pitch_hz, voiced_seconds
from bot.voice.silence import map_speech
from bot.voice.stt import Transcriber, default_transcriber
from bot.voice.tts import SpokenAudio, Synthesizer, VoiceSpec, as_voice_spec, load_synthesizer
from scoring.types import Delivery

#: Less voiced sound than this (vowels, in seconds) and there are no words to find.
MIN_VOICED_S = 0.3


@dataclass(frozen=True)
class HeardReply:
    """A rep's voice reply, ready to become a scored turn."""

    text: str
    delivery: Delivery
    stt_engine: str  # recorded with the turn, so scores can be read in light of the engine
    duration_s: float


class VoicePipeline:
    def __init__(self, transcriber: Transcriber, synthesizer: Synthesizer, *,
                 max_seconds: float = 180) -> None:
        self.transcriber = transcriber
        self.synthesizer = synthesizer
        self.max_seconds = max_seconds

    def hear(self, data: bytes, *, mime: str | None = None, filename: str | None = None) -> HeardReply:
        """Transcribe and measure a clip. Raises a VoiceError subclass with a friendly message."""
        audio = decode_clip(data, mime=mime, filename=filename, max_seconds=self.max_seconds)
        speech = map_speech(audio)
        if not speech.audible:
            raise SilentClip(f"clip is silent (loudest frames {speech.loud_dbfs:.1f} dBFS)")
        pitch_hz = voiced_pitch_hz(spoken_part(audio, speech))
        # Noise or hiss has sound but no voice: don't let the recogniser invent words.
        if voiced_seconds(pitch_hz) < MIN_VOICED_S:
            raise NoSpeechHeard("no voiced sound in clip")
        started = time.perf_counter()
        transcript = self.transcriber.transcribe(audio)
        spent = time.perf_counter() - started
        STT_SECONDS.observe(spent)
        if len(audio):
            STT_REALTIME_FACTOR.observe(spent / (len(audio) / 1000))
        if not transcript.text.strip():
            raise NoSpeechHeard(f"{transcript.engine} heard no words")
        delivery = measure_delivery(audio, transcript, speech, pitch_hz)
        return HeardReply(transcript.text.strip(), delivery, transcript.engine, delivery.duration_s)

    def speak(self, text: str, voice: VoiceSpec | object | None = None) -> SpokenAudio:
        """The buyer's line as an OGG/Opus voice note. `voice` may be a scenario's persona voice."""
        return self.synthesizer.synthesize(text, as_voice_spec(voice))


def default_pipeline(*, whisper_model_dir: str | None = None, synthesizer: str | None = None,
                     max_seconds: float = 180) -> VoicePipeline:
    """Offline defaults (PocketSphinx + eSpeak NG) unless configured otherwise.

    whisper_model_dir: a local faster-whisper model directory (used only if faster-whisper
    is installed); synthesizer: None/"espeak", or "module:factory" for a plug-in voice.
    """
    return VoicePipeline(default_transcriber(whisper_model_dir), load_synthesizer(synthesizer),
                         max_seconds=max_seconds)


class LazyVoicePipeline:
    """A `VoicePipeline` built on first use, so a text-only process never loads audio models.

    Same `hear`/`speak` as VoicePipeline; construction is cheap and never fails.
    """

    def __init__(self, *, stt_model_dir: str | None = None, synthesizer: str | None = None,
                 max_seconds: float = 180) -> None:
        self._args = {"whisper_model_dir": stt_model_dir, "synthesizer": synthesizer, "max_seconds": max_seconds}
        self._pipeline: VoicePipeline | None = None
        self._lock = threading.Lock()

    @property
    def pipeline(self) -> VoicePipeline:
        with self._lock:
            if self._pipeline is None:
                self._pipeline = default_pipeline(**self._args)  # type: ignore[arg-type]
            return self._pipeline

    def hear(self, data: bytes, *, mime: str | None = None, filename: str | None = None) -> HeardReply:
        return self.pipeline.hear(data, mime=mime, filename=filename)

    def speak(self, text: str, voice: VoiceSpec | object | None = None) -> SpokenAudio:
        return self.pipeline.speak(text, voice)
