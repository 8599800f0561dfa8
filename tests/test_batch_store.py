"""The library's database: what it remembers, claims in a transaction, recovery after a kill."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from pathlib import Path

import pytest

from article2podcast.batch.items import Item
from article2podcast.batch.store import DATABASE, HOME, MAX_ATTEMPTS, Library
from article2podcast.errors import InputError


def _item(n: int, version: str | None = None) -> Item:
    return Item(
        key=f"url:https://example.com/{n}",
        source=f"https://example.com/{n}",
        title=f"Article {n}",
        version=version,
    )


def test_remembering_adds_what_is_new_and_nothing_twice(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        first = library.remember([_item(1), _item(2), _item(1)])
        again = library.remember([_item(1), _item(2)])
        rows = library.rows()
    assert (first.new, first.changed) == (2, 0)
    assert (again.new, again.changed) == (0, 0)
    assert [row.item.key for row in rows] == [_item(1).key, _item(2).key]
    assert {row.status for row in rows} == {"queued"}
    # WAL, as the issue asks: readers never wait for the one writer.
    mode = sqlite3.connect(tmp_path / HOME / DATABASE).execute("PRAGMA journal_mode").fetchone()
    assert mode[0] == "wal"


def test_nothing_new_writes_nothing(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1, "a")])
    database = tmp_path / HOME / DATABASE
    before = {p.name: p.stat().st_mtime_ns for p in database.parent.iterdir()}
    data = database.read_bytes()
    with Library.open(tmp_path) as library:
        library.remember([_item(1, "a")])
        assert library.requeue_failed() == 0
    assert database.read_bytes() == data
    wal = database.parent / (DATABASE + "-wal")
    if wal.exists():
        assert wal.stat().st_size == 0 or wal.stat().st_mtime_ns == before.get(wal.name)


def test_a_changed_version_is_queued_again_and_keeps_its_episode(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1, "v1")])
        library.start_run()
        claimed = library.claim()
        assert claimed is not None
        library.done(claimed, "article-1.mp3")
        changed = library.remember([_item(1, "v2")])
        row = library.row("1")
    assert changed.changed == 1
    assert row is not None and row.status == "queued" and row.item.version == "v2"
    assert row.episode == "article-1.mp3"  # produced again under the same name


def test_claims_are_exclusive_and_failures_are_retried_up_to_the_limit(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1)])
        library.start_run()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            claimed = library.claim()
            assert claimed is not None
            assert library.claim() is None  # the one item is this run's now
            library.failed(claimed, f"boom {attempt}")
            library.requeue_failed()
        row = library.row(_item(1).key)
        assert row is not None and row.status == "failed" and row.given_up
        assert row.attempts == MAX_ATTEMPTS and row.error == f"boom {MAX_ATTEMPTS}"
        assert library.claim() is None
        assert library.requeue_failed(everything=True) == 1
        row = library.row("1")
        assert row is not None and row.status == "queued" and row.attempts == 0


def _claim_and_hang(folder: str, ready: multiprocessing.synchronize.Event) -> None:
    with Library.open(Path(folder)) as library:
        library.start_run()
        library.claim()
        ready.set()
        signal.pause()


def test_a_killed_runs_claims_are_recovered_and_a_live_runs_are_not(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1), _item(2)])
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    other = context.Process(target=_claim_and_hang, args=(str(tmp_path), ready))
    other.start()
    try:
        assert ready.wait(30)
        with Library.open(tmp_path) as library:
            library.start_run()  # the other run is alive: its claim stands
            mine = library.claim()
            assert mine is not None and mine.key == _item(2).key
            assert library.claim() is None
        os.kill(other.pid or 0, signal.SIGKILL)
        other.join(10)
        with Library.open(tmp_path) as library:
            library.start_run()
            recovered = library.claim()
            assert recovered is not None and recovered.key == _item(1).key
            row = library.row("1")
            assert row is not None and row.attempts == 1  # the killed attempt is not counted
        assert not list((tmp_path / HOME / "runs").glob("*.lock"))
    finally:
        other.kill()
        other.join()


def test_an_interrupted_run_gives_its_claims_back(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1)])
        library.start_run()
        assert library.claim() is not None
    with Library.open(tmp_path) as library:
        row = library.row("1")
        assert row is not None and row.status == "queued" and row.attempts == 0


def test_removed_items_do_not_come_back(tmp_path: Path) -> None:
    with Library.open(tmp_path) as library:
        library.remember([_item(1, "a")])
        row = library.row("1")
        assert row is not None
        library.forget(row)
        again = library.remember([_item(1, "b")])
        assert (again.new, again.changed) == (0, 0)
        assert library.rows() == [] and library.row("1") is None


def test_content_and_dates_survive_the_round_trip(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    item = Item(
        key="guid:x",
        source="https://e.com/x",
        content=b"<html>\x00\xff</html>",
        name="x.html",
        link="https://e.com/x",
        origin="feed.xml",
        published=datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
    )
    with Library.open(tmp_path) as library:
        library.remember([item])
        row = library.row("guid:x")
    assert row is not None and row.item == item


def test_not_a_library_and_a_broken_database_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a library"), Library.open(tmp_path, create=False):
        pass
    (tmp_path / HOME).mkdir()
    (tmp_path / HOME / DATABASE).write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="unreadable"), Library.open(tmp_path):
        pass
