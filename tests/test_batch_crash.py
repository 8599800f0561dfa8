"""A library survives SIGKILL at any moment, and two `add` runs at once share the work: every
item produced once, under one name, with no stray temporary file and the database intact."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from article2podcast.batch.store import DATABASE, HOME

FAKE = ("--engine", "fake", "--no-music")
COUNT = 4


def _articles(folder: Path) -> Path:
    folder.mkdir()
    for n in range(1, COUNT + 1):
        sentences = " ".join(
            f"Sentence {k} of article {n} is here to be read aloud." for k in range(1, 25)
        )
        (folder / f"article-{n}.txt").write_text(
            f"Article number {n}\n\n{sentences}\n\nA closing paragraph for article {n}.\n",
            encoding="utf-8",
        )
    return folder


def _add(
    articles: Path, library: Path, *extra: str, output: bool = True
) -> subprocess.Popen[bytes]:
    """`add` running; without `output`, a run to be killed (its output goes nowhere, so that
    no process left behind can hold our pipes open)."""
    where = subprocess.PIPE if output else subprocess.DEVNULL
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "article2podcast",
            "add",
            str(articles),
            "--to",
            str(library),
            *FAKE,
            *extra,
        ],
        stdout=where,
        stderr=where,
    )


def _check_library(library: Path) -> None:
    manifests = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in library.glob("*.json")
        if not p.name.endswith(".chapters.json")
    ]
    titles = sorted(m["title"] for m in manifests)
    assert titles == [f"Article number {n}" for n in range(1, COUNT + 1)]
    assert len(list(library.glob("*.mp3"))) == COUNT  # nothing produced twice
    for manifest in manifests:
        assert (library / manifest["audio"]).stat().st_size > 0
    strays = [p.name for p in library.iterdir() if p.name.startswith(".") and p.name != HOME]
    assert not strays
    database = sqlite3.connect(library / HOME / DATABASE)
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = database.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall()
    assert rows == [("done", COUNT)]


@pytest.mark.parametrize("moment", [0.3, 2.0, "after-first-episode"])
def test_sigkill_at_any_moment_then_add_again(tmp_path: Path, moment: float | str) -> None:
    articles = _articles(tmp_path / "articles")
    library = tmp_path / "pod"
    run = _add(articles, library, "--workers", "2", output=False)
    if moment == "after-first-episode":
        deadline = time.monotonic() + 300
        while not list(library.glob("*.mp3")) and time.monotonic() < deadline:
            assert run.poll() is None
            time.sleep(0.05)
    else:
        time.sleep(float(moment))
    run.send_signal(signal.SIGKILL)
    run.wait()
    again = _add(articles, library, "--workers", "2")
    out, err = again.communicate(timeout=600)
    assert again.returncode == 0, err.decode()
    try:
        _check_library(library)
    except AssertionError as failure:  # what the runs said, for whoever reads the failure
        status = subprocess.run(
            [sys.executable, "-m", "article2podcast", "status", str(library)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        raise AssertionError(
            f"{failure}\nadd said: {out.decode()}{err.decode()}\nstatus: {status.stdout}"
        ) from failure


def test_two_adds_at_once_produce_each_item_once(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles")
    library = tmp_path / "pod"
    first = _add(articles, library, "--workers", "1")
    second = _add(articles, library, "--workers", "1")
    outs = [run.communicate(timeout=600) for run in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, [o[1].decode() for o in outs]
    produced = sum(int(out.decode().split(" produced")[0].rsplit(", ", 1)[-1]) for out, _ in outs)
    assert produced == COUNT
    _check_library(library)


def test_no_worker_process_outlives_a_killed_add(tmp_path: Path) -> None:
    articles = _articles(tmp_path / "articles")
    library = tmp_path / "pod"
    run = _add(articles, library, "--workers", "2", output=False)
    deadline = time.monotonic() + 120
    family: set[int] = set()
    while time.monotonic() < deadline and len(family) < 4:  # two workers and their engines
        family = _descendants(run.pid)
        time.sleep(0.1)
    assert len(family) >= 4, family
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _alive(family):
        time.sleep(0.2)
    assert not _alive(family)


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                found[int(entry.name)] = int(fields[1])
    return found


def _descendants(pid: int) -> set[int]:
    parents = _parents()
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return family - {pid}


def _alive(pids: set[int]) -> set[int]:
    return pids & set(_parents())
