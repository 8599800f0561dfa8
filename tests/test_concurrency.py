"""Runs at once: producers sharing a folder and the clip cache end with whole, matching files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHORT_ARTICLE, ffprobe, parse_vtt


def start(folder: Path, *args: str | Path, engine: str = "fake") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "article2podcast", *map(str, args), "--engine", engine],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder,
        env=dict(os.environ),
    )  # fmt: skip


def finish(*processes: subprocess.Popen[str]) -> None:
    for process in processes:
        _, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stderr


def whole(episode: Path) -> dict[str, object]:
    """The episode's manifest, after checking that the episode, its tags and its captions
    all come from the run that wrote the manifest."""
    manifest = json.loads(episode.with_suffix(".json").read_text())
    probe = ffprobe(episode)
    assert abs(float(probe["format"]["duration"]) * 1000 - manifest["duration_ms"]) < 150
    assert probe["format"]["tags"]["album"] == manifest["show"]
    cues = parse_vtt(episode.with_suffix(".vtt").read_text())
    assert manifest["show"] in cues[0][2]  # the intro names the show
    spans = [(s["start_ms"], s["end_ms"]) for seg in manifest["segments"] for s in seg["sentences"]]
    assert [(start, end) for start, end, _ in cues] == spans
    return manifest  # type: ignore[no-any-return]


def test_two_runs_of_the_same_article_to_the_same_file_leave_one_whole_episode(
    tmp_path: Path, short_article: Path
) -> None:
    episode = tmp_path / "ep.mp3"
    for _ in range(3):
        runs = [
            start(tmp_path, short_article, "-o", episode, "--show", show)
            for show in ("Morning Show", "Evening Show")
        ]
        finish(*runs)
        assert whole(episode)["show"] in ("Morning Show", "Evening Show")
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_runs_of_different_articles_into_one_folder_share_the_cache(tmp_path: Path) -> None:
    articles = []
    for number in range(3):
        path = tmp_path / f"article-{number}.txt"
        text = SHORT_ARTICLE.replace("Small Town Library", f"Library Number {number}", 1)
        path.write_text(text, encoding="utf-8")
        articles.append(path)
    finish(*(start(tmp_path, path, "--output-dir", tmp_path / "out") for path in articles))
    episodes = sorted((tmp_path / "out").glob("*.mp3"))
    assert len(episodes) == 3
    titles = {str(whole(episode)["title"]) for episode in episodes}
    assert titles == {f"Library Number {n} Opens Its Doors at Midnight" for n in range(3)}


@pytest.mark.slow
def test_two_real_narrations_at_once_share_the_cache_and_both_finish(
    tmp_path: Path, short_article: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    finish(
        start(tmp_path, short_article, "-o", tmp_path / "a" / "ep.mp3", engine="pyttsx3"),
        start(tmp_path, short_article, "-o", tmp_path / "b" / "ep.mp3", engine="pyttsx3"),
    )
    for folder in ("a", "b"):
        whole(tmp_path / folder / "ep.mp3")
