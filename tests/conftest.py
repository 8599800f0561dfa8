"""Shared fixtures: sample articles, running the CLI as a user does, and probing audio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data"  # the sample articles, kept in the repository
BUNDLED_SAMPLE = ROOT / "src" / "article2podcast" / "data" / "john-legend.txt"

SHORT_ARTICLE = """Small Town Library Opens Its Doors at Midnight

The library on Main Street stayed open until midnight on Friday. Mr. Alvarez, the head \
librarian, said 37 readers came.

"We wanted to see who reads at night," he said. "The answer surprised us."

What comes next

The library will try again in the spring.
"""


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test has a clip cache of its own (never the user's), empty at the start."""
    folder = tmp_path.parent / f"{tmp_path.name}-clip-cache"
    monkeypatch.setenv("ARTICLE2PODCAST_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def short_article(tmp_path: Path) -> Path:
    path = tmp_path / "library.txt"
    path.write_text(SHORT_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def run_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run `python -m article2podcast ARGS` in a scratch folder, as a user would."""

    def run(
        *args: str | Path,
        stdin: str | bytes | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, **(env or {})}
        full_env.pop("ARTICLE2PODCAST_DEBUG", None)
        data = stdin.encode() if isinstance(stdin, str) else stdin
        done = subprocess.run(
            [sys.executable, "-m", "article2podcast", *map(str, args)],
            input=data,
            capture_output=True,
            cwd=cwd or tmp_path,
            env=full_env,
            timeout=600,
            check=False,
        )
        return subprocess.CompletedProcess(
            done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
        )

    return run


def ffprobe(path: Path) -> dict[str, Any]:
    """ffprobe's view of an audio file: format (with tags) and streams."""
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def silences(path: Path, noise_db: int = -50, min_s: float = 0.2) -> list[tuple[float, float]]:
    """(start, duration) of every silence ffmpeg's silencedetect finds in the file."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
         f"silencedetect=n={noise_db}dB:d={min_s}", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    found: list[tuple[float, float]] = []
    start = 0.0
    for line in err.splitlines():
        if "silence_start:" in line:
            start = float(line.split("silence_start:")[1].split()[0])
        elif "silence_duration:" in line:
            found.append((start, float(line.split("silence_duration:")[1].split()[0])))
    return found


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    """(start_ms, end_ms, text) of each cue in a WebVTT file."""

    def ms(stamp: str) -> int:
        h, m, s = stamp.split(":")
        return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)

    assert text.startswith("WEBVTT")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.splitlines()
        start, _, end = lines[1].partition(" --> ")
        cues.append((ms(start), ms(end), "\n".join(lines[2:])))
    return cues
