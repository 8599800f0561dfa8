"""--verify end to end: the real engine, the real recogniser, the manifest, the cache, check."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from article2podcast import api
from article2podcast.narration.listening import Recogniser
from article2podcast.settings import Settings

ARTICLE = """The Night Library

The library on Main Street stayed open until midnight on Friday. The head librarian said \
thirty readers came.

The library will try again in the spring.
"""


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's cache folder of these tests (the model is joined into it once)."""
    return tmp_path_factory.mktemp("user-cache")


@pytest.mark.slow
def test_verify_hears_every_sentence_once_and_check_lists_them(
    run_cli: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    own_cache: Path,
    model_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = tmp_path / "night.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {"XDG_CACHE_HOME": str(model_cache)}
    done = run_cli(article, "-o", tmp_path / "first.mp3", "--verify", env=env)
    assert done.returncode == 0, done.stderr
    assert "redone after listening back" in done.stderr
    manifest = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    sentences = [s for segment in manifest["segments"] for s in segment["sentences"]]
    assert all(0 <= s["heard"]["score"] <= 1 for s in sentences)
    said = next(s for s in sentences if s["text"].startswith("The library on Main"))
    assert said["heard"]["score"] >= 0.8 and "midnight" in said["heard"]["text"].lower()

    # A second run takes every clip, with what was heard, from the cache: nothing is listened
    # to again (the recogniser would fail the run if it were).
    def deaf(*_: object, **__: object) -> None:
        raise AssertionError("listened to a clip the cache had heard")

    monkeypatch.setenv("XDG_CACHE_HOME", str(model_cache))
    monkeypatch.setattr(Recogniser, "transcribe", deaf)
    second = api.produce(
        article,
        Settings(cache_dir=own_cache, verify=True),
        output=tmp_path / "second.mp3",
    )
    assert (second.narrated, second.redone) == (0, 0)
    again = [s for segment in second.manifest["segments"] for s in segment["sentences"]]
    assert [s["heard"] for s in again] == [s["heard"] for s in sentences]

    listed = run_cli("check", "--verify", article, env=env)
    assert listed.returncode == 0, listed.stderr
    assert f"{len(sentences)} sentences listened to" in listed.stdout
    assert "meant: The library on Main Street" in listed.stdout


def test_without_verify_the_manifest_has_no_heard(tmp_path: Path, own_cache: Path) -> None:
    article = tmp_path / "night.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    episode = api.produce(
        article, Settings(cache_dir=own_cache, engine="fake"), output=tmp_path / "x.mp3"
    )
    assert episode.redone == 0
    assert all("heard" not in s for seg in episode.manifest["segments"] for s in seg["sentences"])
