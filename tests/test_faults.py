"""Faults in the middle of a run: a hung engine, ffmpeg failing, a full disk, an interrupt while
encoding. Each ends in one clear line, leaves no partial episode, and leaves an episode that
was already there untouched; the next run resumes from the clips already narrated.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FAKE = ("--engine", "fake")
OLD = b"the good old episode"
REAL_FFMPEG = shutil.which("ffmpeg")


def start(folder: Path, article: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "article2podcast", str(article), "-o", str(folder / "ep.mp3"),
         *FAKE],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder,
        env={**os.environ, **env},
    )  # fmt: skip


def produce(folder: Path, article: Path, **env: str) -> subprocess.CompletedProcess[str]:
    process = start(folder, article, env)
    stdout, stderr = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture
def folder(tmp_path: Path, short_article: Path) -> Path:
    """An output folder holding a good episode from before."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "ep.mp3").write_bytes(OLD)
    return out


def nothing_new(folder: Path) -> bool:
    """Only the old episode is there: no new episode, no sidecar, no temporary file."""
    return [p.name for p in folder.iterdir()] == ["ep.mp3"] and (
        folder / "ep.mp3"
    ).read_bytes() == OLD


def fake_ffmpeg(tmp_path: Path, body: str) -> dict[str, str]:
    """A PATH on which `ffmpeg` runs `body` (bash) for the episode's encoding passes (whole, or
    in parts) and is the real ffmpeg otherwise."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "ffmpeg"
    script.write_text(
        '#!/bin/bash\nif [[ " $* " == *" tee "* || " $* " == *" -reservoir "* ]]; then\n'
        f'{body}\nfi\nexec {REAL_FFMPEG} "$@"\n'
    )
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_a_hung_engine_is_replaced_retried_and_then_named(folder, short_article) -> None:
    done = produce(
        folder,
        short_article,
        ARTICLE2PODCAST_FAKE_FAULT="hang:Alvarez",
        ARTICLE2PODCAST_ENGINE_TIMEOUT="2",
    )
    assert done.returncode == 1
    assert re.fullmatch(
        r"article2podcast: segment 3 \(paragraph\), sentence 2, failed twice: the engine did "
        r"not answer within 2 s; text: '.*Alvarez.*'\n",
        done.stderr,
    ), done.stderr
    assert nothing_new(folder)


def test_a_bad_engine_timeout_is_a_usage_error(folder, short_article) -> None:
    done = produce(folder, short_article, ARTICLE2PODCAST_ENGINE_TIMEOUT="soon")
    assert done.returncode == 2
    assert "$ARTICLE2PODCAST_ENGINE_TIMEOUT must be a number of seconds, not 'soon'" in done.stderr
    assert nothing_new(folder)


def test_ffmpeg_failing_is_one_line_with_its_own_words(folder, short_article, tmp_path) -> None:
    path = fake_ffmpeg(
        tmp_path,
        "head -c 200000 >/dev/null; echo 'Error while encoding: simulated codec failure' >&2; "
        "exit 187",
    )
    done = produce(folder, short_article, **path)
    assert done.returncode == 1
    assert re.fullmatch(
        r"article2podcast: ffmpeg could not encode the episode \(exit 187\): "
        r"Error while encoding: simulated codec failure\n",
        done.stderr,
    ), done.stderr
    assert nothing_new(folder)


@contextlib.contextmanager
def tmpfs(mount: Path, options: str) -> Iterator[Path]:
    """A tmpfs mounted at `mount` with `options` (needs root, as CI has; else the test skips)."""
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"cannot mount a file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a 300 KB file system."""
    with tmpfs(tmp_path / "small", "size=300k") as mount:
        yield mount


def test_a_full_disk_is_a_clear_error_and_nothing_is_half_written(
    small_disk, short_article
) -> None:
    (small_disk / "ep.mp3").write_bytes(OLD)
    done = produce(small_disk, short_article)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    # Written by us (the parts joined), no longer by ffmpeg: our words, the system's reason.
    assert done.stderr.startswith(f"article2podcast: could not write the episode in {small_disk}")
    assert "No space left on device" in done.stderr
    assert nothing_new(small_disk)


def test_a_read_only_output_folder_is_refused_before_any_work(tmp_path, short_article) -> None:
    with tmpfs(tmp_path / "ro", "ro,size=64k") as mount:
        done = produce(mount, short_article)
    assert done.returncode == 2
    assert done.stderr == (
        f"article2podcast: -o {mount}/ep.mp3: folder {mount} is not writable; choose another\n"
    )


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["Ctrl-C", "SIGTERM"])
def test_an_interrupt_while_encoding_stops_cleanly_and_the_next_run_resumes(
    folder, short_article, tmp_path, signum
) -> None:
    encoding = tmp_path / "encoding"
    # A slow encoder (reading its input in real time) that says when it has started.
    path = fake_ffmpeg(tmp_path, f'touch {encoding}; exec {REAL_FFMPEG} -re "$@"')
    process = start(folder, short_article, path)
    while not encoding.exists():
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    time.sleep(1.0)  # well into the episode
    process.send_signal(signum)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr == "article2podcast: interrupted; no episode was written\n"
    assert stdout == ""
    assert nothing_new(folder)
    again = produce(folder, short_article)
    assert again.returncode == 0, again.stderr
    _narrated, cached = map(
        int, re.findall(r"(\d+) clips narrated, (\d+) from the cache", again.stderr)[0]
    )
    assert cached >= 1
