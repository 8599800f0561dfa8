"""`add --dask` as the README shows it: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, sharing no folder with the library; the episodes land in the library, once each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from conftest import SHORT_ARTICLE

pytest.importorskip("distributed")


def _dask(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and two single-thread workers, each worker in a folder of its own."""
    info = tmp_path / "scheduler.json"
    env = {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    processes = [
        _dask(
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            str(info),
            env=env,
            cwd=tmp_path,
        )
    ]
    try:
        for n in (1, 2):
            home = tmp_path / f"worker-{n}"
            home.mkdir()
            processes.append(
                _dask(
                    "distributed.cli.dask_worker",
                    "--scheduler-file",
                    str(info),
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--local-directory",
                    str(home),
                    env={**env, "ARTICLE2PODCAST_CACHE_DIR": str(home / "cache")},
                    cwd=home,
                )
            )
        deadline = time.monotonic() + 120
        while not info.exists() or not info.read_text():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.2)
        yield json.loads(info.read_text())["address"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(60)


def test_add_on_a_dask_cluster_commits_each_episode_once(run_cli, cluster, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    for n in range(1, 4):
        (articles / f"story-{n}.txt").write_text(
            SHORT_ARTICLE.replace("Small Town Library", f"Library Number {n}"), encoding="utf-8"
        )
    library = tmp_path / "pod"
    done = run_cli(
        "add",
        articles,
        "--to",
        library,
        "--dask",
        cluster,
        "--engine",
        "fake",
        "--base-url",
        "http://pod.test/",
    )
    assert done.returncode == 0, done.stderr
    assert "3 new, 0 changed, 3 produced, 0 failed" in done.stdout
    manifests = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in library.glob("*.json")
        if not p.name.endswith(".chapters.json")
    ]
    assert sorted(m["title"] for m in manifests) == [
        f"Library Number {n} Opens Its Doors at Midnight" for n in range(1, 4)
    ]
    for manifest in manifests:
        assert manifest["source"].startswith("story-")  # the file's name, not a worker's copy
        assert (library / manifest["audio"]).stat().st_size > 0
    feed = feedparser.parse((library / "feed.xml").read_bytes())
    assert len(feed.entries) == 3
    # The workers made the clips in their own caches; the library's machine made none.
    assert not (tmp_path / f"{tmp_path.name}-clip-cache").exists() or not any(
        (tmp_path / f"{tmp_path.name}-clip-cache").rglob("*.flac")
    )
    again = run_cli("add", articles, "--to", library, "--dask", cluster, "--engine", "fake")
    assert again.returncode == 0 and "0 new, 0 changed, 0 produced" in again.stdout


def test_a_dask_address_with_no_scheduler_is_one_line(run_cli, tmp_path):
    (tmp_path / "a.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    done = run_cli("add", "a.txt", "--to", "pod", "--dask", "tcp://127.0.0.1:9", "--engine", "fake")
    assert done.returncode == 2, done.stderr
    assert "dask scheduler" in done.stderr and len(done.stderr.strip().splitlines()) == 1
