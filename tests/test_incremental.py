"""Parallel narration, the clip cache and one-pass mastering, with the real engine and ffmpeg:
the episode is the same however it was made, and always on target.

Marked slow: each produces real audio.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from article2podcast import producing
from article2podcast.audio.ffmpeg import measure
from article2podcast.settings import Settings
from conftest import BUNDLED_SAMPLE

pytestmark = pytest.mark.slow


def produce(folder: Path, article: Path, *args: str) -> tuple[Path, dict[str, Any], str]:
    folder.mkdir(exist_ok=True)
    out = folder / "ep.mp3"
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(out), *args],
        capture_output=True, text=True, check=False, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out, json.loads(out.with_suffix(".json").read_text()), done.stderr


def sentence_timings(manifest: dict[str, Any]) -> list[tuple[int, int]]:
    return [(s["start_ms"], s["end_ms"]) for seg in manifest["segments"] for s in seg["sentences"]]


def test_one_worker_or_two_make_the_same_episode(tmp_path: Path) -> None:
    """The same sentences in the same order, each as long (espeak-ng's output varies by a few
    milliseconds from call to call, so the audio is not the same to the bit; the fake engine's
    is, see test_narrating)."""
    _, one, _ = produce(tmp_path / "a", BUNDLED_SAMPLE, "--jobs", "1", "--no-cache")
    _, two, _ = produce(tmp_path / "b", BUNDLED_SAMPLE, "--jobs", "2", "--no-cache")
    texts = [[s["text"] for s in seg["sentences"]] for seg in one["segments"]]
    assert texts == [[s["text"] for s in seg["sentences"]] for seg in two["segments"]]
    for (start_1, end_1), (start_2, end_2) in zip(
        sentence_timings(one), sentence_timings(two), strict=True
    ):
        assert abs((end_1 - start_1) - (end_2 - start_2)) < 120
    assert abs(one["duration_ms"] - two["duration_ms"]) < 1000


def test_an_edit_narrates_one_clip_and_the_episode_stays_whole_and_on_target(
    tmp_path: Path,
) -> None:
    article = tmp_path / "article.txt"
    text = BUNDLED_SAMPLE.read_text(encoding="utf-8")
    article.write_text(text, encoding="utf-8")
    _, before, _ = produce(tmp_path, article)
    edited = "Teigen went on to explain"
    assert edited in text
    article.write_text(text.replace(edited, "Teigen then went on to explain"), encoding="utf-8")
    episode, after, said = produce(tmp_path, article)
    # One clip narrated, and only its part encoded again (issue 19).
    pattern = r"^1 clips narrated, \d+ from the cache; 1 of \d+ parts encoded$"
    assert re.search(pattern, said, re.MULTILINE), said
    loudness = measure(episode)
    assert abs(loudness.integrated_lufs - -16.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    spans = sentence_timings(after)
    changed = next(i for i, s in enumerate(spans) if s != sentence_timings(before)[i])
    assert spans[:changed] == sentence_timings(before)[:changed]  # all before it unchanged
    assert abs(after["duration_ms"] - before["duration_ms"]) < 1000


def test_when_the_predicted_gain_misses_the_episode_is_mastered_again_on_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    predicted = producing.predicted_gain
    monkeypatch.setattr(producing, "predicted_gain", lambda *a: predicted(*a) + 6.0)
    settings = Settings(cache_dir=None)
    plan = producing.make_plan(str(BUNDLED_SAMPLE), settings)
    episode = producing.produce(plan, tmp_path / "ep.opus", settings)
    loudness = measure(episode.path)
    assert abs(loudness.integrated_lufs - -16.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    manifest = json.loads(episode.manifest.read_text())
    assert manifest["loudness"]["integrated_lufs"] == pytest.approx(
        loudness.integrated_lufs, abs=0.2
    )
