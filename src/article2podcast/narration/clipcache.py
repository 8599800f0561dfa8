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
import math
import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from ..audio.loudness import MAX_CLIP_GAIN_DB
from ..environment import environment
from ..errors import InputError
from ..model import Clip

_MAGIC = b"A2PCLIP1"
_HEADER_LENGTH_BYTES = 4
_SUFFIX = ".clip"
# Far beyond a sentence's clip (about 40 minutes of 22 kHz speech): a bigger file under a key
# is not read whole, it is damaged.
_MAX_ENTRY_BYTES = 100 * 1024**2
_MAX_HEADER_BYTES = 64 * 1024
TAG_NAME = "CACHEDIR.TAG"
_TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
_TAG_OWNER = b"created by article2podcast"
_TAG = (
    _TAG_SIGNATURE + b"\n"
    b"# This file is a cache directory tag " + _TAG_OWNER + b" (its clip cache).\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_ENTRY_NAME = re.compile(r"[0-9a-f]+\.clip")
# A file being written: a clip or the tag. The random part is ours, so the name cannot be
# mistaken for a user's; until it is written it may be empty.
_TEMPORARY_NAME = re.compile(r"\.a2p-(clip|tag)-[0-9a-f]{16}\.tmp")
# What versions before the tag left behind when killed (tempfile.mkstemp's names).
_OLD_TEMPORARY_NAME = re.compile(r"\.tmp-[a-z0-9_]{8}\.clip")
_STALE_AFTER_S = 60.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted under a clip's name must not hang us
_BINARY = getattr(os, "O_BINARY", 0)
DEFAULT_MAX_BYTES = 2 * 1024**3
"""The cache's default size limit: about 20 hours of espeak-ng speech."""
CACHE_DIR_ENV = "ARTICLE2PODCAST_CACHE_DIR"


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
                    f"the cache folder {_shown(self.folder)} is not writable; choose another "
                    "with --cache-dir, or use --no-cache"
                )
            self._claim()
        except OSError as exc:
            raise InputError(
                f"cannot use the cache folder {_shown(self.folder)} ({exc.strerror}); choose "
                f"another with --cache-dir or ${CACHE_DIR_ENV}, or use --no-cache"
            ) from exc

    def is_ours(self) -> bool:
        """Whether the folder carries our CACHEDIR.TAG."""
        return _is_ours(self.folder / TAG_NAME)

    def has(self, key: str) -> bool:
        """Whether there is an entry under `key` (not whether it is intact: see `get`)."""
        return self._path(key).is_file()

    def get(self, key: str) -> Clip | None:
        """The clip stored under `key`, or None (a damaged entry is removed)."""
        try:
            data = _read_regular(self._path(key), _MAX_ENTRY_BYTES + 1)
        except FileNotFoundError:
            return None
        decoded = None if data is None or len(data) > _MAX_ENTRY_BYTES else _decode(data)
        if decoded is None:
            self.discard(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(self._path(key))  # used: kept longest when the cache is pruned
        return decoded[0]

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
        path = self._path(key)
        try:
            self._claim()
            handle, temporary = self._create_temporary("clip", 0o600)
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
        """Every entry (a file named and headed as ours), most recently used first."""
        found = []
        for path in self._entry_paths():
            text = _text_of(path)
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
        return self.folder / f"{key}{_SUFFIX}"

    def _entry_paths(self) -> list[Path]:
        try:
            names = os.listdir(self.folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.folder / name for name in names if _ENTRY_NAME.fullmatch(name)]

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
            raise InputError(f"the cache folder {_shown(self.folder)} is not a folder")
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
                f"cannot tag the cache folder {_shown(self.folder)} ({exc.strerror}); "
                "nothing was removed"
            ) from exc
        return True

    def _stranger(self) -> str | None:
        """The name of something in the folder that we did not make, or None."""
        with contextlib.suppress(FileNotFoundError), os.scandir(self.folder) as found:
            for item in found:
                if not _is_ours(Path(item.path)):
                    return item.name
        return None

    def _not_ours(self, stranger: str, consequence: str) -> str:
        why = (
            "another program's cache tag"
            if stranger == TAG_NAME
            else f"{stranger!r}, which article2podcast did not make"
        )
        return (
            f"{_shown(self.folder)} is not an article2podcast cache (it has no {TAG_NAME} of "
            f"ours and holds {why}), so {consequence}"
        )

    def _write_tag(self) -> None:
        handle, temporary = self._create_temporary("tag", 0o644)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_TAG)
            os.replace(temporary, self.folder / TAG_NAME)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _create_temporary(self, kind: str, mode: int) -> tuple[int, Path]:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
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
            if not (_TEMPORARY_NAME.fullmatch(name) or _OLD_TEMPORARY_NAME.fullmatch(name)):
                continue
            path = self.folder / name
            with contextlib.suppress(FileNotFoundError):
                if now - path.stat(follow_symlinks=False).st_mtime > older_than_s and _is_ours(
                    path
                ):
                    path.unlink()
                    removed += 1
        return removed


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
    """The clip in an entry's bytes, or None if they are not a whole, intact, playable entry."""
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
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None
    return (clip, str(header.get("text", ""))) if _playable(clip) else None


def _playable(clip: Clip) -> bool:
    """Whether the mixer can use `clip` as it is (whether it is speech is the narrator's to
    judge): a format pydub reads, whole frames, a gain we could have measured."""
    return (
        clip.sample_width in (1, 2, 3, 4)
        and 1 <= clip.channels <= 8
        and 8000 <= clip.sample_rate <= 384_000
        and len(clip.pcm) % (clip.sample_width * clip.channels) == 0
        and (
            clip.gain_db is None
            or (math.isfinite(clip.gain_db) and abs(clip.gain_db) <= MAX_CLIP_GAIN_DB)
        )
    )


def _text_of(path: Path) -> str | None:
    """The text an entry speaks ('' where its header cannot be read), or None if the file is
    not ours."""
    try:
        head = _read_regular(path, len(_MAGIC) + _HEADER_LENGTH_BYTES + _MAX_HEADER_BYTES)
    except FileNotFoundError:
        return None
    if head is None or not head.startswith(_MAGIC):
        return None
    start = len(_MAGIC) + _HEADER_LENGTH_BYTES
    length = int.from_bytes(head[len(_MAGIC) : start], "big")
    try:
        return str(json.loads(head[start : start + length]).get("text", ""))
    except (ValueError, AttributeError, RecursionError):
        return ""


def _is_ours(path: Path) -> bool:
    """Whether `path` is a file we made: named as ours, and starting with our header or tag
    (a temporary file may still be empty: its run was killed before writing it)."""
    name = path.name
    temporary = _TEMPORARY_NAME.fullmatch(name)
    if name == TAG_NAME or (temporary and temporary[1] == "tag"):
        header = _TAG_SIGNATURE
    elif temporary or _OLD_TEMPORARY_NAME.fullmatch(name) or _ENTRY_NAME.fullmatch(name):
        header = _MAGIC
    else:
        return False
    try:
        head = _read_regular(path, len(_TAG))
    except FileNotFoundError:
        return False
    if head is None:
        return False
    if name == TAG_NAME:
        return head.startswith(header) and _TAG_OWNER in head
    if not head:
        return not _ENTRY_NAME.fullmatch(name)
    return head.startswith(header)


def _read_regular(path: Path, limit: int) -> bytes | None:
    """Up to `limit` bytes of `path`, or None if it is not a regular file we can read (a link,
    a FIFO or a folder is never ours). FileNotFoundError passes."""
    try:
        handle = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    except FileNotFoundError:
        raise
    except OSError:
        return None
    with os.fdopen(handle, "rb") as opened:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        try:
            return opened.read(limit)
        except OSError:
            return None


def _shown(name: object) -> str:
    """`name` for a one-line message: as it is, unless it holds line breaks or escapes."""
    text = str(name)
    return text if text.isprintable() else repr(text)[1:-1]
