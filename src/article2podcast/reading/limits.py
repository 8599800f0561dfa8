"""How much of an article is read: never more than a limit, so that a huge file, /dev/zero or a
pipe that never ends is refused after a few megabytes instead of filling the memory."""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from .fetching import MAX_PAGE_BYTES

_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """The most we read of one kind of input, and what to say when there is more."""

    most: int
    """The largest input read, in bytes."""
    reads: str
    """What we read, said after "article2podcast reads" ("up to 5 MB of text...")."""
    fix: str
    """What to do with a larger one."""

    def check(self, name: str, data: bytes, size: int | None = None) -> None:
        """Refuse `data` (read from `name`, which holds `size` bytes when that is known) when
        it is over the limit."""
        if max(size or 0, len(data)) <= self.most:
            return
        # A stream read up to the limit and one byte more tells only that it is longer.
        amount = f"{size / 1024**2:.1f} MB" if size else f"more than {self.most // 1024**2} MB"
        raise InputError(f"{name} is {amount}; article2podcast reads {self.reads}; {self.fix}")


TEXT = Limit(
    5 * 1024**2,
    "up to 5 MB of text (about 800,000 words, 90 hours of audio)",  # War and Peace is 3.2 MB
    "split it into parts",
)
PAGE = Limit(
    MAX_PAGE_BYTES,
    f"web pages of up to {MAX_PAGE_BYTES // 1024**2} MB",
    "save a smaller page (the article alone), or copy its text into a .txt file",
)


def read_stream(stream: BinaryIO, most: int) -> tuple[bytes, int | None]:
    """The bytes of `stream`, but no more than `most` + 1 of them (so that too many shows), and
    its size when it is a file; a file known to be larger is not read at all."""
    size = _file_size(stream)
    if size is not None and size > most:
        return b"", size
    chunks: list[bytes] = []
    total = 0
    while total <= most:
        chunk = stream.read(min(_CHUNK, most + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks), size


def read_standard_input(most: int) -> tuple[bytes, int | None]:
    """`read_stream` for standard input."""
    if sys.stdin is None:  # started with it closed (<&-)
        raise InputError("standard input is closed; pipe an article into it, or name a file")
    try:
        return read_stream(sys.stdin.buffer, most)
    except OSError as exc:
        raise InputError(f"standard input: cannot read it ({exc.strerror})") from exc


def read_file(path: Path, most: int, expected: str) -> tuple[bytes, int | None]:
    """`read_stream` for the file at `path`; `expected` says what it should be ("an article
    file"). A named pipe or a device is read as a stream, as standard input is."""
    try:
        with path.open("rb") as stream:
            return read_stream(stream, most)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file; check the path") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory; give {expected}") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: permission denied; make the file readable") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror})") from exc


def _file_size(stream: BinaryIO) -> int | None:
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError):  # no descriptor (a test's BytesIO, a closed stdin)
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None
