"""Reading a file we did not write and do not trust: a manifest, a claim, a page of ours.

One way, used wherever such a file is read: opened without waiting (a FIFO named like one
would wait for a writer for ever), checked to be a regular file (a device never ends, a folder
cannot be read), and never read past a bound.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes, else None (also
    when it is missing or unreadable). With `follow=False` a symbolic link is not followed:
    it is "not a regular file"."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        handle = os.open(path, flags)
    except (OSError, ValueError):  # ValueError: a NUL in the name
        return None
    try:
        facts = os.fstat(handle)
        if not stat.S_ISREG(facts.st_mode) or facts.st_size > limit:
            return None
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(handle, limit + 1 - total)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError:
        return None
    finally:
        os.close(handle)
    data = b"".join(chunks)
    return data if len(data) <= limit else None
