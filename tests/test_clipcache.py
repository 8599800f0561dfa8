"""The clip cache: what goes in comes out whole, or not at all; it stays within its limit."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from article2podcast.errors import InputError
from article2podcast.model import Clip
from article2podcast.narration.clipcache import ClipCache, clip_key


def clip(n: int, frames: int = 2000) -> Clip:
    return Clip(bytes([n % 256, 1]) * frames, 22050, 2, 1, -1.5 if n % 2 else None)


def test_a_clip_comes_back_as_it_was_put(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put("ab12", clip(1), "Hello there.")
    cache.put("cd34", clip(2))
    assert cache.get("ab12") == clip(1)
    assert cache.get("cd34") == clip(2)
    assert cache.get("ef56") is None


def test_the_key_changes_with_anything_that_changes_the_sound() -> None:
    base = {"engine": "e", "engine_version": "1", "voice": "v", "rate": 160, "text": "Hi."}
    keys = {clip_key(base)} | {
        clip_key(base | {field: value})
        for field, value in [
            ("engine", "f"),
            ("engine_version", "2"),
            ("voice", "w"),
            ("rate", 161),
            ("text", "Hi!"),
        ]
    }
    assert len(keys) == 6
    assert clip_key(dict(reversed(base.items()))) == clip_key(base)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # one bit flipped in the audio
        lambda data: b"not a clip at all",
        lambda data: b"",
        lambda data: data[:20],  # cut inside the header
    ],
)
def test_a_damaged_entry_is_missing_and_removed(tmp_path: Path, damage) -> None:  # type: ignore[no-untyped-def]
    cache = ClipCache(tmp_path)
    cache.put("ab12", clip(1))
    entry = cache._path("ab12")
    entry.write_bytes(damage(entry.read_bytes()))
    assert cache.get("ab12") is None
    assert not entry.exists()


def test_pruning_removes_the_least_recently_used_first(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    for n, key in enumerate(["aa", "bb", "cc"]):
        cache.put(key, clip(n))
        os.utime(cache._path(key), (1000.0 + n, 1000.0 + n))  # aa oldest
    cache.get("aa")  # ... but used just now
    size = cache._path("aa").stat().st_size
    assert cache.prune(2 * size) == 1
    assert cache.get("bb") is None
    assert cache.get("aa") == clip(0) and cache.get("cc") == clip(2)


def test_pruning_removes_temporary_files_left_by_a_killed_run(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.prepare()
    stale = tmp_path / f".a2p-clip-{'0' * 16}.tmp"
    fresh = tmp_path / f".a2p-clip-{'1' * 16}.tmp"
    stale.write_bytes(b"A2PCLIP1 half")
    fresh.write_bytes(b"A2PCLIP1 being written")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    cache.prune()
    assert not stale.exists() and fresh.exists()


def test_clearing_empties_it_and_size_and_listing_agree(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.put("aa", clip(0), "First sentence.")
    cache.put("bb", clip(1), "Second sentence.")
    assert cache.size_bytes() == sum(e.size_bytes for e in cache.entries()) > 8000
    assert {e.text for e in cache.entries()} == {"First sentence.", "Second sentence."}
    assert cache.clear() == 2
    assert cache.entries() == [] and cache.size_bytes() == 0


def test_a_cache_that_cannot_be_written_costs_the_clip_not_the_episode(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path / "gone")
    cache.put("aa", clip(0))  # no error: the clip is simply not kept
    assert cache.get("aa") is None


def test_a_folder_that_cannot_be_a_cache_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=r"cannot use the cache folder .*--no-cache"):
        ClipCache(tmp_path / "file" / "clips").prepare()


def test_writers_at_once_never_leave_a_reader_a_broken_entry(tmp_path: Path) -> None:
    """Two runs narrating the same sentence store it at the same time: a reader always sees the
    whole clip, never a part of one."""
    cache = ClipCache(tmp_path)
    big = clip(7, frames=200_000)
    stop = threading.Event()
    seen: list[Clip | None] = []

    def write() -> None:
        while not stop.is_set():
            cache.put("ab12", big)

    cache.put("ab12", big)  # the reader must not finish before the first writer has begun
    writers = [threading.Thread(target=write) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        for _ in range(200):
            seen.append(cache.get("ab12"))
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert all(found == big for found in seen)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
