"""The buyer's voice: eSpeak NG speech delivered as a voice note Discord and Slack can play."""

from __future__ import annotations

import base64
import sys
import types
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.voice.decode import decode_clip
from bot.voice.pitch import voiced_pitch_hz
from bot.voice.tts import (
    EspeakSynthesizer,
    SpokenAudio,
    Synthesizer,
    VoiceSpec,
    as_voice_spec,
    load_synthesizer,
    voice_note,
)
from scenarios.schema import Voice

LINE = "Honestly, the renewal price is the first thing my finance team will ask about."


@pytest.fixture(scope="module")
def note(synth: EspeakSynthesizer) -> SpokenAudio:
    return synth.synthesize(LINE, VoiceSpec())


def test_espeak_speaks_at_its_native_22050_hz(synth: EspeakSynthesizer) -> None:
    pcm = synth.synthesize_pcm("Hello.", VoiceSpec())
    assert (pcm.frame_rate, pcm.channels, pcm.sample_width) == (22_050, 1, 2)
    assert 0.3 < len(pcm) / 1000 < 3


def test_the_buyer_speaks_in_an_ogg_opus_voice_note(note: SpokenAudio) -> None:
    assert note.mime == "audio/ogg" and note.filename.endswith(".ogg")
    assert note.data.startswith(b"OggS") and b"OpusHead" in note.data[:200]
    played = decode_clip(note.data, mime=note.mime, filename=note.filename)
    assert abs(len(played) / 1000 - note.duration_s) < 0.1
    assert 3 < note.duration_s < 8


def test_the_voice_note_waveform_is_what_discord_draws(note: SpokenAudio) -> None:
    levels = base64.b64decode(note.waveform_b64)
    assert 1 <= len(levels) <= 256
    assert max(levels) == 255  # normalised to the loudest bucket
    assert min(levels) < 64  # the trailing pause shows as a dip


def test_the_waveform_never_exceeds_256_samples_for_a_long_line(synth: EspeakSynthesizer) -> None:
    long_note = voice_note(synth.synthesize_pcm(LINE, VoiceSpec()) * 8)
    assert long_note.duration_s > 25.6  # more than 256 buckets' worth at 10 per second
    assert len(base64.b64decode(long_note.waveform_b64)) == 256


def test_a_male_persona_sounds_lower_than_a_female_one(synth: EspeakSynthesizer) -> None:
    female = np.median(voiced_pitch_hz(synth.synthesize_pcm(LINE, VoiceSpec(gender="female")).set_frame_rate(16000)))
    male = np.median(voiced_pitch_hz(synth.synthesize_pcm(LINE, VoiceSpec(gender="male")).set_frame_rate(16000)))
    assert male < female * 0.75


def test_a_slower_persona_takes_longer_to_say_the_same_line(synth: EspeakSynthesizer) -> None:
    slow = len(synth.synthesize_pcm(LINE, VoiceSpec(words_per_minute=120)))
    fast = len(synth.synthesize_pcm(LINE, VoiceSpec(words_per_minute=220)))
    assert slow > fast * 1.4


def test_a_higher_pitched_persona_sounds_higher(synth: EspeakSynthesizer) -> None:
    def median_hz(pitch: int) -> float:
        return float(np.median(voiced_pitch_hz(synth.synthesize_pcm(LINE, VoiceSpec(pitch=pitch)).set_frame_rate(16000))))

    assert median_hz(85) > median_hz(20) * 1.2


def test_the_scenario_files_persona_voice_is_understood() -> None:
    spec = as_voice_spec(Voice(gender="male", words_per_minute=140, pitch=30))
    assert spec == VoiceSpec(gender="male", words_per_minute=140, pitch=30)
    assert as_voice_spec(None) == VoiceSpec()
    assert as_voice_spec({"gender": "Male", "pace": "150", "pitch": "oops"}) == VoiceSpec(gender="male", words_per_minute=150)


def test_two_buyers_can_speak_at_once_without_mixing_their_audio(synth: EspeakSynthesizer) -> None:
    lines = ["Yes.", LINE, "We need to think about it.", LINE + " " + LINE] * 2
    expected = [len(synth.synthesize_pcm(line, VoiceSpec())) for line in lines]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda line: len(synth.synthesize_pcm(line, VoiceSpec())), lines))
    # eSpeak adds a few ms of random jitter per line; mixed-up audio would be seconds off.
    assert all(abs(g - e) < 150 for g, e in zip(got, expected))


def test_a_cloud_voice_plugs_in_behind_the_same_interface(monkeypatch: pytest.MonkeyPatch, note: SpokenAudio) -> None:
    class CloudVoice:
        name = "cloud-test"

        def synthesize(self, text: str, voice: VoiceSpec) -> SpokenAudio:
            return note

    module = types.ModuleType("rehearse_test_cloud_voice")
    module.CloudVoice = CloudVoice  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)

    synth = load_synthesizer("rehearse_test_cloud_voice:CloudVoice")
    assert isinstance(synth, Synthesizer) and synth.name == "cloud-test"
    assert load_synthesizer(None).name == "espeak-ng"  # off by default
