"""Voice pipeline benchmark: speed and accuracy of the offline defaults, printed as they are.

1. Real-time factor of `VoicePipeline.hear` (decode + transcribe + delivery signals) on a
   60 s OGG/Opus voice note, pinned to one CPU core. Target: under 0.5.
2. Word error rate of the offline recogniser on speech the offline synthesiser made
   (eSpeak NG → PocketSphinx, both voices). Robotic TTS is hard for PocketSphinx; the
   figure is what it is and says little about real human speech.

Run: .venv/bin/python benchmarks/voice.py
"""

from __future__ import annotations

import os

# One core, one thread: the target is stated "on one core", and BLAS threads would blur it.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.voice.audio import SAMPLE_RATE, AudioSegment, normalise  # noqa: E402
from bot.voice.fillers import tokens  # noqa: E402
from bot.voice.pipeline import VoicePipeline  # noqa: E402
from bot.voice.stt import PocketSphinxTranscriber  # noqa: E402
from bot.voice.tts import EspeakSynthesizer, VoiceSpec, voice_note  # noqa: E402

SENTENCES = [
    "Thanks for taking the time to talk with me today.",
    "Before we look at pricing, can you tell me what prompted this conversation?",
    "What happens to your team when a customer waits more than a day for an answer?",
    "I hear that the renewal feels expensive this year.",
    "What has changed in your business since we last spoke?",
    "How are you measuring success for the support team right now?",
    "If nothing changes, what does the next quarter look like for you?",
    "I will send you a short summary by Friday with the three options we discussed.",
    "Who else should be part of the decision, and what matters most to them?",
    "That makes sense, and I would be frustrated too if the reports were late.",
    "Let me make sure I understood the main problem before I suggest anything.",
    "Could we schedule thirty minutes next week with your operations manager?",
]
TARGET_S = 60.0


def build_clip(synth: EspeakSynthesizer, voice: VoiceSpec) -> tuple[AudioSegment, str]:
    """About 60 s of speech, sentences separated by 0.6 s of silence, and its reference text."""
    clip, spoken = AudioSegment.silent(400, SAMPLE_RATE), []
    while len(clip) < TARGET_S * 1000:
        sentence = SENTENCES[len(spoken) % len(SENTENCES)]
        clip += normalise(synth.synthesize_pcm(sentence, voice)) + AudioSegment.silent(600, SAMPLE_RATE)
        spoken.append(sentence)
    return clip[: int(TARGET_S * 1000)], " ".join(spoken)


def wer(reference: str, hypothesis: str) -> tuple[float, int]:
    """Word error rate by word-level Levenshtein distance; returns (rate, reference words)."""
    ref, hyp = tokens(reference), tokens(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(1, len(ref)), len(ref)


def _cpu_seconds() -> float:
    """User+system CPU of this process and its finished children (the ffmpeg decoder)."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    synth = EspeakSynthesizer()
    t0 = time.perf_counter()
    stt = PocketSphinxTranscriber()
    print(f"PocketSphinx model load: {time.perf_counter() - t0:.2f} s (once per process)")
    pipeline = VoicePipeline(stt, synth)

    print("\n-- real-time factor, 60 s OGG/Opus voice note, one core --")
    clip, reference = build_clip(synth, VoiceSpec())
    note = voice_note(clip, "rep.ogg")
    warm = voice_note(clip[:5000], "warm.ogg")
    pipeline.hear(warm.data, mime=warm.mime, filename=warm.filename)  # first-call costs
    runs, cpu = [], []
    for _ in range(3):
        t, c = time.perf_counter(), _cpu_seconds()
        heard = pipeline.hear(note.data, mime=note.mime, filename=note.filename)
        runs.append(time.perf_counter() - t)
        cpu.append(_cpu_seconds() - c)
    median, median_cpu = sorted(runs)[1], sorted(cpu)[1]
    print(f"clip {note.duration_s:.1f} s; hear() wall median {median:.2f} s (best {min(runs):.2f} s), "
          f"CPU median {median_cpu:.2f} s (incl. ffmpeg)")
    print(f"RTF (wall, median) = {median / note.duration_s:.3f}   RTF (CPU) = {median_cpu / note.duration_s:.3f}   "
          f"target < 0.5   {'OK' if median / note.duration_s < 0.5 else 'MISSED'}")
    if hasattr(os, "getloadavg"):
        # Other processes on the machine slow the wall clock; the CPU figure is immune to that.
        print(f"(machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    d = heard.delivery
    print(f"delivery: {d.words_per_minute:.0f} wpm, {d.pause_count} pauses (longest {d.longest_pause_s:.2f} s), "
          f"silence {d.silence_share:.0%}, fillers {d.filler_count}, pitch var {d.pitch_variation_st} st, "
          f"{d.loudness_dbfs} dBFS")

    print("\n-- word error rate, eSpeak NG speech -> PocketSphinx --")
    for voice in (VoiceSpec(gender="female"), VoiceSpec(gender="male")):
        total_err = total_words = 0.0
        for sentence in SENTENCES:
            seg = AudioSegment.silent(300, SAMPLE_RATE) + normalise(synth.synthesize_pcm(sentence, voice))
            rate, n = wer(sentence, stt.transcribe(seg).text)
            total_err += rate * n
            total_words += n
        print(f"{voice.gender:6s} {voice.words_per_minute} wpm: WER {total_err / total_words:.1%} "
              f"over {int(total_words)} words ({len(SENTENCES)} sentences)")
    # The 60 s cut ends mid-sentence: compare against the reference words up to that point.
    rate, n = wer(" ".join(tokens(reference)[: len(tokens(heard.text)) + 2]), heard.text)
    print(f"60 s clip through the whole pipeline (female, 165 wpm): WER ~{rate:.1%} over ~{n} words")
    print(f"\nsample: ref  '{SENTENCES[1]}'")
    seg = AudioSegment.silent(300, SAMPLE_RATE) + normalise(synth.synthesize_pcm(SENTENCES[1], VoiceSpec()))
    print(f"        heard '{stt.transcribe(seg).text}'")


if __name__ == "__main__":
    main()
