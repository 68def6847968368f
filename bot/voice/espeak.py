"""A minimal ctypes binding to the libespeak-ng shipped by the espeakng-loader wheel.

eSpeak NG keeps one global synthesiser per process, so every call goes through
`_LOCK`: voice, rate and pitch are set and the text synthesised as one atomic
step. In AUDIO_OUTPUT_SYNCHRONOUS mode `espeak_Synth` returns only when the
whole text has been rendered, with the PCM delivered to our callback.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

import espeakng_loader

# speak_lib.h constants (stable since eSpeak 1.48).
AUDIO_OUTPUT_SYNCHRONOUS = 2
espeakCHARS_UTF8 = 1
espeakENDPAUSE = 0x1000
POS_CHARACTER = 1
espeakRATE, espeakVOLUME, espeakPITCH, espeakRANGE = 1, 2, 3, 4
GENDER = {"male": 1, "female": 2}

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Voice(ctypes.Structure):
    # espeak_VOICE
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class Pcm:
    """Raw mono 16-bit little-endian samples."""

    samples: bytes
    sample_rate: int


class EspeakError(RuntimeError):
    pass


_LOCK = threading.Lock()
_state: dict[str, object] = {}


def _library() -> tuple[ctypes.CDLL, int]:
    """Load and initialise libespeak-ng once per process (caller holds _LOCK)."""
    if "lib" not in _state:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SYNTH_CALLBACK]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_Voice)]
        lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.POINTER(ctypes.c_uint), ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        data = espeakng_loader.get_data_path().encode()
        rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, 0)
        if rate <= 0:
            raise EspeakError(f"espeak_Initialize failed ({rate})")

        chunks: list[bytes] = []

        def on_audio(wav, n, _events) -> int:  # noqa: ANN001 - ctypes signature
            if wav and n > 0:
                chunks.append(ctypes.string_at(wav, n * 2))
            return 0  # 0 = keep synthesising

        callback = _SYNTH_CALLBACK(on_audio)
        lib.espeak_SetSynthCallback(callback)
        # Keep the callback alive as long as the library: ctypes does not.
        _state.update(lib=lib, rate=rate, callback=callback, chunks=chunks)
    return _state["lib"], _state["rate"]  # type: ignore[return-value]


def synthesize(text: str, *, language: str = "en-us", gender: str = "female",
               words_per_minute: int = 165, pitch: int = 50, pitch_range: int = 50) -> Pcm:
    """Render `text` to PCM at eSpeak's native rate (22,050 Hz)."""
    encoded = text.encode("utf-8") + b"\0"
    with _LOCK:
        lib, rate = _library()
        voice = _Voice(languages=language.encode(), gender=GENDER.get(gender, 0))
        if lib.espeak_SetVoiceByProperties(ctypes.byref(voice)) != 0:
            raise EspeakError(f"no eSpeak voice for {language}/{gender}")
        # eSpeak clamps these itself; we clamp too so a typo in a scenario cannot crash a turn.
        lib.espeak_SetParameter(espeakRATE, max(80, min(450, int(words_per_minute))), 0)
        lib.espeak_SetParameter(espeakPITCH, max(0, min(100, int(pitch))), 0)
        lib.espeak_SetParameter(espeakRANGE, max(0, min(100, int(pitch_range))), 0)
        chunks: list[bytes] = _state["chunks"]  # type: ignore[assignment]
        chunks.clear()
        err = lib.espeak_Synth(encoded, len(encoded), 0, POS_CHARACTER, 0,
                               espeakCHARS_UTF8 | espeakENDPAUSE, None, None)
        if err != 0:
            raise EspeakError(f"espeak_Synth failed ({err})")
        samples = b"".join(chunks)
        chunks.clear()
    return Pcm(samples=samples, sample_rate=rate)
