"""Audio bombs: what a clip that promises many channels or a long time costs to refuse or decode.

Each clip is decoded in a fresh Python process (so its RSS growth is its own) by the
decoder the bot uses (`bot.voice.decode.decode_clip`, three-minute limit). Printed per
clip: file size, the outcome a rep sees, wall time, the Python process's RSS growth
and ffmpeg's peak RSS (a child process). Target: under 100 MB per clip, whatever the
container says (issue 18: a 1 MB 16-channel Opus clip once added 760 MB and took 93 s).

Clips (all silent Opus made by the bundled ffmpeg):
- 16 channels, 3 minutes (~1 MB): refused from its header;
- 8 channels (7.1), 3 minutes: decoded, mixed down by ffmpeg;
- 8 channels, 10 minutes: refused from its header as too long;
- stereo webm with no duration in its header, 10 minutes: decoded up to the limit only.

Run: .venv/bin/python benchmarks/audio_bomb.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.voice.audio import FFMPEG  # noqa: E402

CLIPS = [
    ("16 channels, 3 min (ogg)", "hexadecagonal", 180, "ogg", ["-mapping_family", "255"]),
    ("8 channels, 3 min (ogg)", "7.1", 180, "ogg", []),
    ("8 channels, 10 min (ogg)", "7.1", 600, "ogg", []),
    ("stereo, 10 min, no duration (webm)", "stereo", 600, "webm", ["-live", "1"]),
]

# Runs in a child: RSS before and after one decode, ffmpeg's peak from RUSAGE_CHILDREN.
MEASURE = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[2])
from bot.voice.decode import decode_clip
from bot.voice.errors import VoiceError

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024

data = open(sys.argv[1], "rb").read()
before, start = rss_mb(), time.perf_counter()
try:
    audio = decode_clip(data, mime="audio/" + sys.argv[3])
    outcome = f"decoded: {len(audio) / 1000:.1f} s mono {audio.frame_rate} Hz"
except VoiceError as exc:
    outcome = f"{type(exc).__name__} ({exc})"
seconds = time.perf_counter() - start
peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
peak_ffmpeg = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "seconds": seconds, "python_growth_mb": max(peak_self - before, 0),
                  "ffmpeg_peak_mb": peak_ffmpeg}))
"""


def make_clip(path: Path, layout: str, seconds: int, container: str, extra: list[str]) -> None:
    subprocess.run([FFMPEG, "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"anullsrc=r=48000:cl={layout}", "-t", str(seconds), "-c:a", "libopus", "-b:a", "6k",
                    *extra, "-f", container, str(path)], check=True)


def main() -> None:
    print(f"{'clip':38} {'size':>8} {'time':>7} {'py RSS+':>8} {'ffmpeg':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for label, layout, seconds, container, extra in CLIPS:
            path = Path(tmp) / f"clip.{container}"
            make_clip(path, layout, seconds, container, extra)
            out = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(ROOT), container],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            total = r["python_growth_mb"] + r["ffmpeg_peak_mb"]
            print(f"{label:38} {path.stat().st_size / 1e6:6.2f}MB {r['seconds']:6.2f}s "
                  f"{r['python_growth_mb']:6.1f}MB {r['ffmpeg_peak_mb']:6.1f}MB  {r['outcome'][:70]}"
                  + ("" if total < 100 else "  <-- over 100 MB"))


if __name__ == "__main__":
    main()
