"""The clip cache: every narrated clip, kept under a key made of everything that changes its sound.

A clip's key hashes the engine and its version, the voice, the rate, the spoken text and how
the clip was processed, so editing one paragraph and producing again narrates only that
paragraph, and a run that was interrupted resumes where it stopped.

An entry is one file, written under a temporary name and renamed into place, so two runs at
once or a run killed midway never leave half an entry. Each carries a checksum of its audio:
an entry that is truncated or corrupt is treated as missing (and removed), so it is made
again. Reading an entry marks it as used; `prune` removes the least recently used entries
beyond a size limit, which every run does on its way out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from .errors import InputError
from .model import Clip

_MAGIC = b"A2PCLIP1"
_HEADER_LENGTH_BYTES = 4
_SUFFIX = ".clip"
DEFAULT_MAX_BYTES = 2 * 1024**3
"""The cache's default size limit: about 20 hours of espeak-ng speech."""
CACHE_DIR_ENV = "ARTICLE2PODCAST_CACHE_DIR"


def default_cache_dir() -> Path:
    """$ARTICLE2PODCAST_CACHE_DIR, else the user's cache folder (platformdirs)."""
    configured = os.environ.get(CACHE_DIR_ENV)
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

    def prepare(self) -> None:
        """Create the folder; an unusable one is the user's to fix."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"cannot use the cache folder {self.folder} ({exc.strerror}); choose another "
                f"with --cache-dir or ${CACHE_DIR_ENV}, or use --no-cache"
            ) from exc
        if not os.access(self.folder, os.W_OK):
            raise InputError(
                f"the cache folder {self.folder} is not writable; choose another with "
                "--cache-dir, or use --no-cache"
            )

    def has(self, key: str) -> bool:
        """Whether there is an entry under `key` (not whether it is intact: see `get`)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Clip | None:
        """The clip stored under `key`, or None (a damaged entry is removed)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None
        decoded = _decode(data)
        if decoded is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # used: kept longest when the cache is pruned
        return decoded[0]

    def put(self, key: str, clip: Clip, text: str = "") -> None:
        """Store `clip` under `key`, atomically; a full disk leaves no trace and is not fatal
        to the episode (the clip is simply not cached)."""
        path = self._path(key)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=_SUFFIX, dir=self.folder)
        except OSError:
            return  # the folder has gone, or the disk is full
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_encode(clip, text))
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def entries(self) -> list[Entry]:
        """Every entry, most recently used first."""
        found = []
        for path in self._files():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue  # removed by another run meanwhile
            found.append(Entry(path.stem, stat.st_size, stat.st_mtime, _text_of(path)))
        return sorted(found, key=lambda entry: entry.used, reverse=True)

    def size_bytes(self) -> int:
        """The space the entries take."""
        total = 0
        for path in self._files():
            with contextlib.suppress(FileNotFoundError):
                total += path.stat().st_size
        return total

    def prune(self, max_bytes: int | None = None, *, older_than_s: float = 60.0) -> int:
        """Remove the least recently used entries until the cache fits in `max_bytes`
        (default: its limit), and temporary files left by killed runs; returns how many
        files were removed."""
        limit = self.max_bytes if max_bytes is None else max_bytes
        removed = 0
        now = time.time()
        for stale in self.folder.glob(".tmp-*"):
            with contextlib.suppress(FileNotFoundError):
                if now - stale.stat().st_mtime > older_than_s:
                    stale.unlink()
                    removed += 1
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
        return self.folder / f"{key}{_SUFFIX}"

    def _files(self) -> Iterator[Path]:
        if self.folder.is_dir():
            yield from self.folder.glob(f"[0-9a-f]*{_SUFFIX}")


def _encode(clip: Clip, text: str) -> bytes:
    header = json.dumps(
        {
            "sample_rate": clip.sample_rate,
            "sample_width": clip.sample_width,
            "channels": clip.channels,
            "gain_db": clip.gain_db,
            "bytes": len(clip.pcm),
            "blake2b": hashlib.blake2b(clip.pcm, digest_size=16).hexdigest(),
            "text": text[:200],
        }
    ).encode()
    return _MAGIC + len(header).to_bytes(_HEADER_LENGTH_BYTES, "big") + header + clip.pcm


def _decode(data: bytes) -> tuple[Clip, str] | None:
    """The clip in an entry's bytes, or None if they are not a whole, intact entry."""
    if not data.startswith(_MAGIC):
        return None
    start = len(_MAGIC) + _HEADER_LENGTH_BYTES
    length = int.from_bytes(data[len(_MAGIC) : start], "big")
    try:
        header = json.loads(data[start : start + length])
        pcm = data[start + length :]
        if len(pcm) != header["bytes"]:
            return None
        if hashlib.blake2b(pcm, digest_size=16).hexdigest() != header["blake2b"]:
            return None
        clip = Clip(
            pcm=pcm,
            sample_rate=int(header["sample_rate"]),
            sample_width=int(header["sample_width"]),
            channels=int(header["channels"]),
            gain_db=None if header["gain_db"] is None else float(header["gain_db"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return clip, str(header.get("text", ""))


def _text_of(path: Path) -> str:
    try:
        with path.open("rb") as entry:
            head = entry.read(len(_MAGIC) + _HEADER_LENGTH_BYTES)
            if not head.startswith(_MAGIC):
                return ""
            length = int.from_bytes(head[len(_MAGIC) :], "big")
            return str(json.loads(entry.read(length)).get("text", ""))
    except (OSError, ValueError, AttributeError):
        return ""
