"""`scripts/bench --detail`: the producer at jobs 1 and all cores on the sample, 10x and 50x.

Inputs: the bundled sample, and its body repeated 10 and 50 times (each copy numbered, see
bench_runs.repeated). Cold: an empty clip cache of its own per run; warm: the cold run's cache
after one word of the third paragraph was changed. With --engine piper: the sample and the 10x
input (cold, jobs 1 and all cores) against raw `python -m piper`. Each figure is the median of
--runs runs (the 50x input is run once).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench_runs import (
    CORES,
    DEFAULT_RATE,
    SAMPLE,
    Run,
    edit_one_word,
    fresh,
    median,
    ours,
    raw_espeak,
    raw_piper,
    repeated,
    words_in,
)


def inputs(folder: Path) -> dict[str, Path]:
    return {
        "sample": SAMPLE,
        "sample x10": repeated(folder, "sample-x10", 10),
        "sample x50": repeated(folder, "sample-x50", 50),
    }


def cold_and_warm(article: Path, folder: Path, jobs: int, engine: str) -> tuple[Run, Run]:
    """A cold run on a copy of `article` with a fresh cache, then the same command after a
    one-word edit of the copy, on that cache."""
    work = fresh(folder, "run-")
    copy = work / "article.txt"
    shutil.copy(article, copy)
    out, cache = work / "episode.mp3", fresh(work, "cache-")
    cold = ours(copy, out, cache, engine, jobs)
    edit_one_word(copy, 3)
    return cold, ours(copy, out, cache, engine, jobs)


def espeak_table(runs: int) -> None:
    print(f"rate {DEFAULT_RATE} wpm, {CORES} cores, median of {runs} runs\n")
    print(
        "| input | words | audio | cache | jobs | wall | real-time factor | peak memory "
        "| baseline wall | ours / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    cold_wall: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="a2p-bench-") as tmp:
        folder = Path(tmp)
        for name, article in inputs(folder).items():
            words = words_in(article)
            count = runs if words < 10_000 else 1
            base = median([raw_espeak(article, folder) for _ in range(count)])
            for jobs in sorted({1, CORES}) if words < 10_000 else [CORES]:
                pairs = [cold_and_warm(article, folder, jobs, "pyttsx3") for _ in range(count)]
                row = median([cold for cold, _ in pairs])
                cold_wall[(name, jobs)] = row.seconds
                print(_row(name, words, "cold", jobs, row, base))
                if name == "sample" and jobs == CORES:
                    warm = median([warm for _, warm in pairs])
                    print(_row(name + ", one word edited", words, "warm", jobs, warm, base))
    if CORES > 1:
        speedup = cold_wall[("sample x10", 1)] / cold_wall[("sample x10", CORES)]
        print(f"\n- {CORES} jobs vs 1 on the 10x input: {speedup:.2f}x as fast")


def piper_table(runs: int) -> None:
    print(f"engine piper, rate {DEFAULT_RATE} wpm, {CORES} cores, median of {runs} runs\n")
    print(
        "| input | words | audio | jobs | wall | real-time factor | peak memory "
        "| raw piper wall | ours / raw piper |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    walls: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="a2p-bench-") as tmp:
        folder = Path(tmp)
        articles = inputs(folder)
        for name in ("sample", "sample x10"):
            article = articles[name]
            count = runs if name == "sample" else 1
            base = median([raw_piper(article, folder) for _ in range(count)])
            for jobs in sorted({1, CORES}):
                row = median(
                    [ours(article, folder / "ours.mp3", fresh(folder, "cache-"), "piper", jobs)
                     for _ in range(count)]
                )  # fmt: skip
                walls[(name, jobs)] = row.seconds
                print(
                    f"| {name} | {words_in(article)} | {row.audio_s / 60:.1f} min | {jobs} "
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
