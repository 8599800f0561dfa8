"""Producing on a Dask cluster: a real LocalCluster of two worker processes on 127.0.0.1."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster
from PIL import Image

from article2podcast.batch.cluster import run_on_dask, shipped
from article2podcast.batch.items import Failure, Item, Produced
from article2podcast.batch.pool import NextItem, Outcome
from article2podcast.errors import InputError, MissingDependencyError
from article2podcast.settings import Settings
from conftest import ffprobe

FAKE = Settings(engine="fake", jobs=1)

ARTICLE = """{title}

The library on Main Street stayed open until midnight on Friday. Mr. Alvarez, the head \
librarian, said {number} readers came.

"We wanted to see who reads at night," he said.
"""

PAGE = b"""<!doctype html><html lang="en"><head><title>The Slow Page</title></head><body>
<article><h1>The Slow Page</h1>
<p>This page takes its time to arrive, because the server waits until a worker is gone.</p>
<p>The second worker then reads it again, and the episode is made only once.</p>
</article></body></html>"""


def _cluster(**config: Any) -> LocalCluster:
    with dask.config.set(config):
        return LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 (the default, even for None) may be taken
        )


@pytest.fixture(scope="module")
def worker_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workers' own clip cache (they share this machine, but not the client's cache)."""
    return tmp_path_factory.mktemp("worker-cache")


@pytest.fixture(scope="module")
def cluster(worker_cache: Path) -> Iterator[LocalCluster]:
    """Two worker processes, not daemonic (our engines run in child processes), as the README
    says to start them; a killed worker is restarted by its nanny with the same settings."""
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=":0",  # any free port: 8787 (the default, even for None) may be taken
            env={"ARTICLE2PODCAST_CACHE_DIR": str(worker_cache)},
        ) as started,
    ):
        yield started


def articles(folder: Path, count: int) -> list[Item]:
    items = []
    for number in range(count):
        path = folder / f"article-{number}.txt"
        path.write_text(ARTICLE.format(title=f"Night Reading {number}", number=30 + number))
        items.append(Item(key=f"file:{path}", source=str(path)))
    return items


def feeder(items: list[Item], *, remove_given: bool = False) -> NextItem:
    """`next_item` over `items`; with `remove_given`, each file given is gone by the next call,
    so that only bytes sent with the task can produce it."""
    given: list[Item] = []

    def next_item() -> Item | None:
        if remove_given and given:
            Path(given[-1].source).unlink(missing_ok=True)
        if len(given) == len(items):
            return None
        given.append(items[len(given)])
        return given[-1]

    return next_item


def check_audio(produced: Outcome, folder: Path) -> Produced:
    """The outcome is an episode whose audio ffprobe reads, as long as it says."""
    assert isinstance(produced, Produced), produced
    path = folder / produced.audio
    path.write_bytes(produced.files[produced.audio])
    probed = ffprobe(path)
    assert [s["codec_type"] for s in probed["streams"]][:1] == ["audio"]
    assert float(probed["format"]["duration"]) == pytest.approx(
        produced.duration_ms / 1000, abs=0.15
    )
    assert produced.duration_ms > 2000
    return produced


def test_every_item_comes_back_once_produced_from_bytes_sent_from_here(
    cluster: LocalCluster, tmp_path: Path, own_cache: Path, worker_cache: Path
) -> None:
    """The article files are removed here as soon as they are sent: the workers produce them
    from the bytes, into the workers' own clip cache (never the client's), and keep their
    engine for the next article."""
    items = articles(tmp_path, 3)
    outcomes = list(run_on_dask(cluster.scheduler_address, feeder(items, remove_given=True), FAKE))
    assert sorted(item.key for item, _ in outcomes) == sorted(item.key for item in items)
    for _, outcome in outcomes:
        check_audio(outcome, tmp_path)
    titles = {outcome.title for _, outcome in outcomes if isinstance(outcome, Produced)}
    assert titles == {f"Night Reading {number}" for number in range(3)}
    assert not own_cache.exists()
    assert any(path.is_file() for path in worker_cache.rglob("*"))
    with Client(cluster, set_as_default=False) as client:
        kept = client.run(lambda: [p.name for p in multiprocessing.active_children()])
    engines = [names.count("article2podcast-engine") for names in kept.values()]
    assert max(engines) == 1  # each worker keeps its engine for its next article, and one only


def test_an_unreadable_file_is_a_failure_and_the_others_go_on(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    items = [Item(key="file:gone", source=str(tmp_path / "gone.txt")), *articles(tmp_path, 1)]
    outcomes = dict(run_on_dask(cluster.scheduler_address, feeder(items), FAKE))
    gone = outcomes[items[0]]
    assert isinstance(gone, Failure) and "cannot read" in gone.error and "gone.txt" in gone.error
    assert isinstance(outcomes[items[1]], Produced)


def test_cover_and_lexicon_are_sent_and_no_cache_stays_no_cache(
    cluster: LocalCluster, tmp_path: Path, worker_cache: Path
) -> None:
    cover = tmp_path / "mine.png"
    Image.new("RGB", (1400, 1400), "red").save(cover)
    lexicon = tmp_path / "words.toml"
    lexicon.write_text('Alvarez = "Al VAR ezz"\n')
    before = sorted(worker_cache.rglob("*"))
    settings = Settings(engine="fake", jobs=1, cover=cover, lexicon=lexicon, cache_dir=None)
    (item,) = articles(tmp_path, 1)
    ((_, outcome),) = run_on_dask(cluster.scheduler_address, feeder([item]), settings)
    produced = check_audio(outcome, tmp_path)
    assert "Al VAR ezz" in produced.files[produced.stem + ".json"].decode()
    assert cover.read_bytes() in produced.files[produced.audio]  # the cover is in the tags
    assert sorted(worker_cache.rglob("*")) == before


class SlowPage(BaseHTTPRequestHandler):
    """Serves PAGE; the first request waits until `release` is set."""

    arrived = threading.Event()
    release = threading.Event()
    asked = 0

    def do_GET(self) -> None:
        SlowPage.asked += 1
        if not SlowPage.arrived.is_set():
            SlowPage.arrived.set()
            SlowPage.release.wait(60)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)
        except OSError:
            pass  # the worker that asked is dead

    def log_message(self, *args: object) -> None:
        pass


def kill_the_worker_on_the_slow_page(cluster: LocalCluster, killed: list[int]) -> None:
    """Once the slow page is asked for and the other item is done, SIGKILL the worker process
    that is still busy: the one waiting for the page."""
    try:
        assert SlowPage.arrived.wait(60)
        with Client(cluster, set_as_default=False) as client:
            for _ in range(500):
                busy = [worker for worker, keys in client.processing().items() if keys]
                if len(busy) == 1:
                    pid = client.run(os.getpid, workers=busy)[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.1)
    finally:
        SlowPage.release.set()


def test_a_worker_killed_mid_article_leaves_it_produced_once_by_the_other(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    slow = Item(key="url:slow", source=f"http://127.0.0.1:{server.server_port}/slow.html")
    items = [slow, *articles(tmp_path, 1)]
    killed: list[int] = []
    killer = threading.Thread(target=kill_the_worker_on_the_slow_page, args=(cluster, killed))
    killer.start()
    try:
        outcomes = list(run_on_dask(cluster.scheduler_address, feeder(items), FAKE))
    finally:
        killer.join()
        server.shutdown()
        server.server_close()
    assert killed
    assert sorted(item.key for item, _ in outcomes) == sorted(item.key for item in items)
    for _, outcome in outcomes:
        check_audio(outcome, tmp_path)
    assert dict(outcomes)[slow].title == "The Slow Page"
    assert SlowPage.asked == 2  # by the killed worker, then by the one that took its task over


@pytest.mark.slow
def test_the_real_engine_produces_on_the_workers(cluster: LocalCluster, tmp_path: Path) -> None:
    items = articles(tmp_path, 2)
    outcomes = list(run_on_dask(cluster.scheduler_address, feeder(items), Settings(jobs=1)))
    assert sorted(item.key for item, _ in outcomes) == sorted(item.key for item in items)
    for _, outcome in outcomes:
        check_audio(outcome, tmp_path)


def test_daemonic_workers_are_refused_with_the_setting_that_fixes_it(tmp_path: Path) -> None:
    asked: list[int] = []
    with _cluster(**{"distributed.worker.daemon": True}) as daemonic:
        runs = run_on_dask(daemonic.scheduler_address, lambda: asked.append(1) or None, FAKE)
        with pytest.raises(InputError, match="DASK_DISTRIBUTED__WORKER__DAEMON=False"):
            next(runs)
    assert not asked


def test_an_address_with_no_scheduler_is_an_input_error_naming_the_fix() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    asked: list[int] = []
    runs = run_on_dask(
        f"tcp://127.0.0.1:{port}", lambda: asked.append(1) or None, FAKE, connect_timeout=1
    )
    with pytest.raises(InputError, match=r"dask scheduler.*dask worker") as raised:
        next(runs)
    assert f"127.0.0.1:{port}" in str(raised.value)
    assert not asked


def test_without_distributed_the_install_command_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"article2podcast\[dask\]") as raised:
        next(run_on_dask("tcp://127.0.0.1:8786", lambda: None, FAKE))
    assert raised.value.exit_code == 3


@pytest.mark.parametrize(
    "item",
    [
        Item(key="url:x", source="https://example.org/a"),
        Item(key="guid:x", source="https://example.org/feed", content=b"<p>hi</p>", name="a.html"),
    ],
)
def test_what_the_workers_can_get_themselves_is_sent_as_it_is(item: Item) -> None:
    assert shipped(item) is item


def test_a_piper_voice_file_is_refused_with_dask(tmp_path: Path) -> None:
    from article2podcast.narration.engines import PiperSettings

    settings = Settings(engine="piper", piper=PiperSettings(model=tmp_path / "v.onnx"))
    with pytest.raises(InputError, match="--piper-voice with --dask"):
        next(run_on_dask("tcp://127.0.0.1:8786", lambda: None, settings))


def test_a_missing_cover_is_refused_before_connecting(tmp_path: Path) -> None:
    settings = Settings(engine="fake", cover=tmp_path / "none.png")
    with pytest.raises(InputError, match="--cover"):
        next(run_on_dask("tcp://127.0.0.1:8786", lambda: None, settings))
