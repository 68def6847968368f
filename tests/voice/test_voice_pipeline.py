"""The pipeline as the practice engine uses it: a rep's clip in, text and delivery out;
a buyer's line in, a voice note out; bad clips answered kindly, the session going on."""

from __future__ import annotations

import ast
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from bot.voice.audio import SAMPLE_RATE, AudioSegment
from bot.voice.errors import CorruptAudio, NoSpeechHeard, SilentClip, VoiceError
from bot.voice.pipeline import HeardReply, LazyVoicePipeline, VoicePipeline
from bot.voice.tts import VoiceSpec
from scoring.types import Delivery
from tests.voice.conftest import silence, to_bytes

VOICE_DIR = Path(__file__).resolve().parents[2] / "bot" / "voice"


@pytest.fixture(scope="module")
def heard(pipeline: VoicePipeline, speech_ogg: bytes) -> HeardReply:
    return pipeline.hear(speech_ogg, mime="audio/ogg", filename="voice-message.ogg")


def test_a_reps_voice_note_becomes_text_with_its_delivery(heard: HeardReply) -> None:
    assert len(heard.text.split()) >= 6
    assert heard.stt_engine.startswith("pocketsphinx")  # recorded with the turn
    assert isinstance(heard.delivery, Delivery)
    assert heard.duration_s == heard.delivery.duration_s
    assert 100 < heard.delivery.words_per_minute < 260
    assert heard.delivery.pitch_variation_st is not None


def test_the_buyers_line_comes_back_as_a_playable_voice_note(pipeline: VoicePipeline) -> None:
    spoken = pipeline.speak("What would change for your team if this worked?", VoiceSpec(gender="male"))
    assert spoken.mime == "audio/ogg" and spoken.data.startswith(b"OggS")
    assert spoken.duration_s > 1.5 and spoken.waveform_b64


def test_a_silent_clip_asks_the_rep_to_check_their_microphone(pipeline: VoicePipeline) -> None:
    with pytest.raises(SilentClip) as caught:
        pipeline.hear(to_bytes(silence(3000), "ogg", "libopus"), mime="audio/ogg", filename="voice-message.ogg")
    assert "microphone" in caught.value.user_message


def test_a_clip_of_only_background_noise_asks_the_rep_to_re_record(pipeline: VoicePipeline) -> None:
    noise = np.random.default_rng(1).normal(0, 3000, SAMPLE_RATE * 3).clip(-32768, 32767).astype(np.int16)
    clip = AudioSegment(noise.tobytes(), sample_width=2, frame_rate=SAMPLE_RATE, channels=1)
    with pytest.raises(NoSpeechHeard) as caught:
        pipeline.hear(to_bytes(clip, "webm", "libopus"), mime="audio/webm", filename="audio_message.webm")
    assert isinstance(caught.value, SilentClip)  # callers catching SilentClip see it too
    assert "re-record" in caught.value.user_message


def test_the_session_goes_on_after_a_bad_clip(pipeline: VoicePipeline, speech_ogg: bytes) -> None:
    with pytest.raises(CorruptAudio):
        pipeline.hear(speech_ogg[: len(speech_ogg) // 2], mime="audio/ogg", filename="voice-message.ogg")
    assert pipeline.hear(speech_ogg, mime="audio/ogg", filename="voice-message.ogg").text


def test_two_reps_can_send_voice_notes_at_the_same_time(pipeline: VoicePipeline, speech_ogg: bytes,
                                                          heard: HeardReply) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        texts = list(pool.map(lambda _: pipeline.hear(speech_ogg, mime="audio/ogg", filename=None).text, range(2)))
    assert texts == [heard.text, heard.text]


def test_the_lazy_pipeline_loads_nothing_until_a_voice_note_arrives() -> None:
    lazy = LazyVoicePipeline(stt_model_dir=None)
    assert lazy._pipeline is None
    with pytest.raises(VoiceError):
        lazy.hear(b"", mime="audio/ogg", filename=None)
    assert lazy._pipeline is not None


def _imported_roots(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_voice_pipeline_is_platform_free() -> None:
    forbidden = {"slack_bolt", "slack_sdk", "discord", "sqlmodel", "sqlalchemy", "anthropic", "adapters", "storage"}
    offenders = {p.name: _imported_roots(p) & forbidden for p in VOICE_DIR.glob("*.py") if _imported_roots(p) & forbidden}
    assert offenders == {}
    code = ("import sys, bot.voice.pipeline; "
            f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(forbidden)!r}); "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=VOICE_DIR.parents[1], timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
