"""Time the producer against the raw baseline, measured in the same run.

Baseline: `espeak-ng -w` speaking the same text at the same rate, plus one `ffmpeg` encode of
that WAV to the same MP3 format (44.1 kHz, 96 kbps). Ours: the whole `article2podcast`
command, process start to renamed episode. Inputs: the bundled sample and the sample's body
repeated ten times. Each figure is the median of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "article2podcast" / "data" / "john-legend.txt"
sys.path.insert(0, str(ROOT / "src"))
from article2podcast.settings import DEFAULT_RATE  # noqa: E402


def make_inputs(folder: Path) -> dict[str, Path]:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    long = folder / "sample-x10.txt"
    long.write_text(title + "\n" + "\n\n".join([body.strip()] * 10) + "\n", encoding="utf-8")
    return {"sample": SAMPLE, "sample x10": long}


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def baseline(article: Path, folder: Path) -> float:
    wav, mp3 = folder / "raw.wav", folder / "raw.mp3"
    start = time.perf_counter()
    subprocess.run(
        ["espeak-ng", "-s", str(DEFAULT_RATE), "-w", str(wav), "-f", str(article)], check=True
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ar", "44100", "-c:a", "libmp3lame",
         "-b:a", "96k", str(mp3)],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - start


def ours(article: Path, folder: Path) -> tuple[float, float]:
    out = folder / "ours.mp3"
    command = [
        str(Path(sys.executable).parent / "article2podcast"),
        str(article),
        "-o",
        str(out),
        "-q",
    ]
    seconds = timed(command)
    audio_s = json.loads(out.with_suffix(".json").read_text())["duration_ms"] / 1000
    return seconds, audio_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median is kept)")
    args = parser.parse_args()
    print(f"rate {DEFAULT_RATE} wpm, median of {args.runs} runs\n")
    print(
        "| input | words | audio | baseline wall | ours wall | audio s per wall s "
        "| ours / baseline |"
    )
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, article in make_inputs(folder).items():
            words = len(article.read_text(encoding="utf-8").split())
            base = statistics.median(baseline(article, folder) for _ in range(args.runs))
            runs = [ours(article, folder) for _ in range(args.runs)]
            wall = statistics.median(seconds for seconds, _ in runs)
            audio_s = runs[0][1]
            print(
                f"| {name} | {words} | {audio_s:.0f} s | {base:.2f} s | {wall:.2f} s "
                f"| {audio_s / wall:.0f} | {wall / base:.2f}x |"
            )


if __name__ == "__main__":
    main()
