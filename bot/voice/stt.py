"""Speech to text for the rep: one `Transcriber` interface, the engine recorded per turn.

Offline default: PocketSphinx with the English model its wheel ships. When
faster-whisper is installed *and* a local model directory is configured, it is
used instead (much better accuracy; never downloads anything at runtime).
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from bot.voice.audio import AudioSegment, normalise
from bot.voice.silence import map_speech

#: (word, start seconds, end seconds)
Word = tuple[str, float, float]


@dataclass(frozen=True)
class Transcript:
    text: str
    engine: str  # e.g. "pocketsphinx-5.1.1" or "faster-whisper:small.en" — stored with the turn
    words: list[Word] | None = None


@runtime_checkable
class Transcriber(Protocol):
    name: str

    def transcribe(self, audio: AudioSegment) -> Transcript: ...


# ---- PocketSphinx ------------------------------------------------------------

#: Decode at most this much in one utterance; longer runs of speech are split at pauses.
_CHUNK_MAX_MS = 20_000
#: Silence kept either side of a chunk so word edges are not clipped.
_CHUNK_PAD_MS = 150


class PocketSphinxTranscriber:
    """PocketSphinx 5 with the bundled en-us acoustic model, language model and dictionary.

    The model loads once (about half a second) and is reused; a decoder is not
    thread-safe, so calls are serialised by a lock.
    """

    def __init__(self, **config: object) -> None:
        from importlib.metadata import version

        from pocketsphinx import Decoder

        # Recognition happens on our own speech chunks, so PocketSphinx's logging is noise.
        # maxhmmpf caps the active search per frame (default 30000): measured on
        # benchmarks/voice.py it halves decode time at the same word error rate, and it
        # bounds the worst case on noisy clips.
        settings: dict[str, object] = {"samprate": 16000, "loglevel": "FATAL", "maxhmmpf": 8000}
        settings.update(config)
        self._decoder = Decoder(**settings)
        # The decoder carries state from one utterance to the next (the front end's noise
        # estimate, the cepstral mean), so the same clip could transcribe differently
        # depending on who spoke before. Every utterance starts from the initial state
        # (reinit_feat + set_cmn, ~50 µs): same clip, same words, whoever came first.
        self._cmn_init = self._decoder.get_cmn()
        self._lock = threading.Lock()
        self.name = f"pocketsphinx-{version('pocketsphinx')}"

    def transcribe(self, audio: AudioSegment) -> Transcript:
        audio = normalise(audio)
        words: list[Word] = []
        for start_ms, end_ms in _speech_chunks(audio):
            words.extend(self._decode(audio[start_ms:end_ms], start_ms / 1000))
        return Transcript(" ".join(w for w, _, _ in words), self.name, words)

    def _decode(self, chunk: AudioSegment, offset_s: float) -> list[Word]:
        with self._lock:
            d = self._decoder
            d.reinit_feat()
            d.set_cmn(self._cmn_init)
            d.start_utt()
            d.process_raw(chunk.raw_data, full_utt=True)
            d.end_utt()
            segments = [(s.word, s.start_frame, s.end_frame) for s in d.seg()]
        frame_s = 0.01  # PocketSphinx's default frame rate is 100/s
        out: list[Word] = []
        for word, start, end in segments:
            if word.startswith(("<", "[")):  # <s>, </s>, <sil>, [NOISE]: not words
                continue
            word = word.split("(", 1)[0]  # "that(2)" = an alternate pronunciation of "that"
            out.append((word, round(offset_s + start * frame_s, 2), round(offset_s + (end + 1) * frame_s, 2)))
        return out


def _speech_chunks(audio: AudioSegment) -> list[tuple[int, int]]:
    """Stretches of sound, merged up to ~20 s, padded: one recogniser utterance each.

    Decoding per stretch keeps the search small on a 3-minute clip and skips
    long silences entirely (which is also most of the speed-up on slow talkers).
    """
    speech = map_speech(audio)
    chunks: list[list[int]] = []
    for start, end in speech.sounds:
        if chunks and end - chunks[-1][0] <= _CHUNK_MAX_MS:
            chunks[-1][1] = end
        else:
            chunks.append([start, end])
    duration = len(audio)
    return [(max(0, a - _CHUNK_PAD_MS), min(duration, b + _CHUNK_PAD_MS)) for a, b in chunks]


# ---- faster-whisper ------------------------------------------------------------


class FasterWhisperTranscriber:
    """faster-whisper on CPU from a local CTranslate2 model directory (no downloads)."""

    def __init__(self, model_dir: str, *, compute_type: str = "int8", cpu_threads: int = 0) -> None:
        from faster_whisper import WhisperModel

        if not os.path.isdir(model_dir):
            raise FileNotFoundError(f"faster-whisper model directory not found: {model_dir}")
        # A path (not a model name) means faster-whisper never touches the network.
        self._model = WhisperModel(model_dir, device="cpu", compute_type=compute_type,
                                   cpu_threads=cpu_threads, local_files_only=True)
        self._lock = threading.Lock()
        self.name = f"faster-whisper:{os.path.basename(os.path.normpath(model_dir))}"

    def transcribe(self, audio: AudioSegment) -> Transcript:
        audio = normalise(audio)
        samples = np.frombuffer(audio.raw_data, dtype=np.int16).astype(np.float32) / 32768.0
        with self._lock:
            segments, _info = self._model.transcribe(
                samples, language="en", word_timestamps=True, beam_size=1,
                # Keep "um"/"uh": Whisper drops disfluencies unless nudged, and fillers are a signal.
                initial_prompt="Umm, let me think, uh, like, you know, hmm.",
            )
            segments = list(segments)
        words = [(w.word.strip(), round(w.start, 2), round(w.end, 2))
                 for s in segments for w in (s.words or []) if w.word.strip()]
        text = " ".join(s.text.strip() for s in segments).strip()
        return Transcript(text, self.name, words or None)


def faster_whisper_available() -> bool:
    return importlib.util.find_spec("faster_whisper") is not None


def default_transcriber(model_dir: str | None = None) -> Transcriber:
    """faster-whisper when it is installed and `model_dir` exists; PocketSphinx otherwise.

    `model_dir` defaults to $STT_MODEL_DIR (Settings.stt_model_dir). A broken Whisper
    set-up falls back to PocketSphinx rather than taking voice replies down.
    """
    model_dir = model_dir or os.environ.get("STT_MODEL_DIR") or None
    if model_dir and faster_whisper_available() and os.path.isdir(model_dir):
        try:
            return FasterWhisperTranscriber(model_dir)
        except Exception:  # noqa: BLE001 - any load failure means "use the offline default"
            import logging

            logging.getLogger(__name__).exception("faster-whisper failed to load; using PocketSphinx")
    return _shared_pocketsphinx()


_PS_LOCK = threading.Lock()
_PS: PocketSphinxTranscriber | None = None


def _shared_pocketsphinx() -> PocketSphinxTranscriber:
    """One PocketSphinx model per process: it is ~60 MB and takes half a second to load."""
    global _PS
    with _PS_LOCK:
        if _PS is None:
            _PS = PocketSphinxTranscriber()
        return _PS
