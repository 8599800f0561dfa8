"""The clip cache: every narrated clip, kept under a key made of everything that changes its sound.

A clip's key hashes the engine and its version, the voice, the rate, the spoken text and how
the clip was processed, so editing one paragraph and producing again narrates only that
paragraph, and a run that was interrupted resumes where it stopped.

An entry is one file, written under a temporary name and renamed into place, so two runs at
once or a run killed midway never leave half an entry. Each carries a checksum of its audio:
an entry that is truncated or corrupt is treated as missing (and removed), so it is made
again. Reading an entry marks it as used; `prune` removes the least recently used entries
beyond a size limit, which every run does on its way out.

The folder is marked as ours with a CACHEDIR.TAG (https://bford.info/cachedir/, which backup
tools also honour), because a mistaken --cache-dir may name a folder of the user's own files:
clips are never written into a folder that holds anything we did not make, nothing is removed
from a folder without our tag, and even in our own folder only files named as ours and
starting with our header are removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from ..environment import CACHE_DIR, environment
from ..errors import InputError
from ..model import Clip
from .clipfiles import (
    BINARY,
    ENTRY_NAME,
    MAX_ENTRY_BYTES,
    NOFOLLOW,
    OLD_TEMPORARY_NAME,
    SUFFIX,
    TAG,
    TAG_NAME,
    TEMPORARY_NAME,
    decode,
    decode_part,
    encode,
    encode_part,
    is_ours,
    read_regular,
    shown,
    text_of,
)

__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_MAX_BYTES",
    "TAG_NAME",
    "ClipCache",
    "Entry",
    "clip_key",
    "default_cache_dir",
]

_STALE_AFTER_S = 60.0
DEFAULT_MAX_BYTES = 2 * 1024**3
"""The cache's default size limit: about 20 hours of espeak-ng speech."""
CACHE_DIR_ENV = CACHE_DIR


def default_cache_dir() -> Path:
    """$ARTICLE2PODCAST_CACHE_DIR, else the user's cache folder (platformdirs)."""
    configured = environment().cache_dir
    if configured:
        return Path(configured)
    return Path(platformdirs.user_cache_dir("article2podcast")) / "clips"


def clip_key(fields: Mapping[str, Any]) -> str:
    """The key of a clip: a hash of everything that changes its sound."""
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One cached clip, as listed."""

    key: str
    """Its key."""
    size_bytes: int
    """Its size on disk."""
    used: float
    """When it was last written or read (seconds since the epoch)."""
    text: str
    """The text it speaks (for listings), or '' where the entry cannot be read."""


class ClipCache:
    """A folder of clips, safe to share between runs at once."""

    def __init__(self, folder: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._claimed = False
        self._claim_lock = threading.Lock()

    def prepare(self) -> None:
        """Create the folder, or make sure an existing one is ours to write in; an unusable
        one is the user's to fix."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if not os.access(self.folder, os.W_OK):
                raise InputError(
                    f"the cache folder {shown(self.folder)} is not writable; choose another "
                    "with --cache-dir, or use --no-cache"
                )
            self._claim()
        except OSError as exc:
            raise InputError(
                f"cannot use the cache folder {shown(self.folder)} ({exc.strerror}); choose "
                f"another with --cache-dir or ${CACHE_DIR_ENV}, or use --no-cache"
            ) from exc

    def is_ours(self) -> bool:
        """Whether the folder carries our CACHEDIR.TAG."""
        return is_ours(self.folder / TAG_NAME)

    def has(self, key: str) -> bool:
        """Whether there is an entry under `key` (not whether it is intact: see `get`)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Clip | None:
        """The clip stored under `key`, or None (a damaged entry is removed)."""
        try:
            data = read_regular(self._path(key), MAX_ENTRY_BYTES + 1)
        except FileNotFoundError:
            return None
        decoded = None if data is None or len(data) > MAX_ENTRY_BYTES else decode(data)
        if decoded is None:
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(self._path(key))  # used: kept longest when the cache is pruned
        return decoded[0]

    def get_part(self, key: str) -> tuple[dict[str, object], bytes] | None:
        """The record and frames of the encoded part under `key`, or None (a damaged entry is
        removed)."""
        try:
            data = read_regular(self._path(key), MAX_ENTRY_BYTES * 4 + 1)
        except FileNotFoundError:
            return None
        decoded = None if data is None else decode_part(data)
        if decoded is None:
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(self._path(key))
        return decoded

    def put_part(self, key: str, record: dict[str, object], frames: bytes, text: str) -> None:
        """Store an encoded part under `key`, as `put` stores a clip."""
        self._write(key, encode_part(record, frames, text))

    def discard(self, key: str) -> None:
        """Remove the entry under `key` (one that is damaged or unusable), so that it is made
        again; only from our own folder."""
        if self.is_ours():
            with contextlib.suppress(OSError):
                self._path(key).unlink()

    def put(self, key: str, clip: Clip, text: str = "") -> None:
        """Store `clip` under `key`, atomically; a full disk leaves no trace and is not fatal
        to the episode (the clip is simply not cached). A folder that is not ours is refused
        (InputError): see `prepare`."""
        self._write(key, encode(clip, text))

    def _write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            self._claim()
            handle, temporary = self._create_temporary("clip", 0o600)
        except OSError:
            return  # the folder has gone, or the disk is full
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def entries(self) -> list[Entry]:
        """Every entry (a file named and headed as ours), most recently used first."""
        found = []
        for path in self._entry_paths():
            text = text_of(path)
            if text is None:
                continue  # not ours, or removed by another run meanwhile
            try:
                status = path.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            found.append(Entry(path.stem, status.st_size, status.st_mtime, text))
        return sorted(found, key=lambda entry: entry.used, reverse=True)

    def size_bytes(self) -> int:
        """The space the entries take."""
        return sum(entry.size_bytes for entry in self.entries())

    def prune(self, max_bytes: int | None = None, *, older_than_s: float = _STALE_AFTER_S) -> int:
        """Remove the least recently used entries until the cache fits in `max_bytes`
        (default: its limit), and temporary files left by killed runs; returns how many
        files were removed.

        A folder without our tag is refused (InputError), unless it is empty or holds only
        what we made (a cache from before the tag, which is tagged now).
        """
        if not self._check_ours_to_clean():
            return 0
        limit = self.max_bytes if max_bytes is None else max_bytes
        removed = self._remove_stale_temporaries(older_than_s)
        entries = self.entries()
        total = sum(entry.size_bytes for entry in entries)
        for entry in reversed(entries):  # least recently used first
            if total <= limit:
                break
            with contextlib.suppress(FileNotFoundError):
                self._path(entry.key).unlink()
                removed += 1
            total -= entry.size_bytes
        return removed

    def clear(self) -> int:
        """Remove every entry; returns how many."""
        return self.prune(0, older_than_s=0.0)

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def _entry_paths(self) -> list[Path]:
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.folder / name for name in names if ENTRY_NAME.fullmatch(name)]

    def _claim(self) -> None:
        """Make sure the folder is ours before anything is written in it: tagged already, or
        tagged now if it holds nothing we did not make. Raises InputError for a folder of
        someone else's files, OSError when the tag cannot be written."""
        with self._claim_lock:
            if self._claimed:
                return
            if not self.is_ours():
                stranger = self._stranger()
                if stranger is not None:
                    raise InputError(
                        self._not_ours(stranger, "no clips are written in it")
                        + "; choose a new or empty folder with --cache-dir, or use --no-cache"
                    )
                self._write_tag()
            self._claimed = True

    def _check_ours_to_clean(self) -> bool:
        """Whether there is a folder to clean, after making sure it is ours (InputError)."""
        if not self.folder.exists():
            return False
        if not self.folder.is_dir():
            raise InputError(f"the cache folder {shown(self.folder)} is not a folder")
        if self.is_ours():
            return True
        stranger = self._stranger()
        if stranger is not None:
            raise InputError(
                self._not_ours(stranger, "nothing was removed")
                + f"; point --cache-dir (or ${CACHE_DIR_ENV}) at the clip cache"
            )
        if not any(self.folder.iterdir()):
            return False  # nothing to remove, and no reason to write a tag in it
        try:
            self._claim()
        except OSError as exc:
            raise InputError(
                f"cannot tag the cache folder {shown(self.folder)} ({exc.strerror}); "
                "nothing was removed"
            ) from exc
        return True

    def _stranger(self) -> str | None:
        """The name of something in the folder that we did not make, or None."""
        with contextlib.suppress(FileNotFoundError), os.scandir(self.folder) as found:
            for item in found:
                # Another run's temporary file may be renamed into place between the listing
                # and the look at it (seen once in the full suite: two runs sharing a new
                # cache, one refused as "not ours"): what is gone was no stranger.
                if not is_ours(Path(item.path)) and os.path.lexists(item.path):
                    return item.name
        return None

    def _not_ours(self, stranger: str, consequence: str) -> str:
        why = (
            "another program's cache tag"
            if stranger == TAG_NAME
            else f"{stranger!r}, which article2podcast did not make"
        )
        return (
            f"{shown(self.folder)} is not an article2podcast cache (it has no {TAG_NAME} of "
            f"ours and holds {why}), so {consequence}"
        )

    def _write_tag(self) -> None:
        handle, temporary = self._create_temporary("tag", 0o644)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(TAG)
            os.replace(temporary, self.folder / TAG_NAME)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _create_temporary(self, kind: str, mode: int) -> tuple[int, Path]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | BINARY
        while True:
            path = self.folder / f".a2p-{kind}-{secrets.token_hex(8)}.tmp"
            try:
                return os.open(path, flags, mode), path
            except FileExistsError:
                continue

    def _remove_stale_temporaries(self, older_than_s: float) -> int:
        """Remove what runs that were killed while writing left behind (ours only)."""
        removed = 0
        now = time.time()
        for name in os.listdir(self.folder):
            if not (TEMPORARY_NAME.fullmatch(name) or OLD_TEMPORARY_NAME.fullmatch(name)):
                continue
            path = self.folder / name
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat(follow_symlinks=False).st_mtime > older_than_s and is_ours(path):
                    path.unlink()
                    removed += 1
        return removed
