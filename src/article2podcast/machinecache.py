"""What is worked out once per machine and kept between runs: py3langid's model unpacked, the
engines' voices. Beside the clip cache (in its parent folder), in a folder of its own.

Every file is written under a temporary name and renamed into place, so two runs at once or a
run killed midway never leave a half-written one; its reader checks it and a file that does
not check out is made again. Nothing here is needed: a cache that cannot be written (a full
disk, a read-only home) only means the work is done again next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from .environment import environment

FOLDER = "article2podcast-machine"


def machine_cache_dir() -> Path:
    """The folder: beside the clip cache (in the parent of $ARTICLE2PODCAST_CACHE_DIR, else in
    the user's cache folder for article2podcast)."""
    configured = environment().cache_dir
    if configured:
        return Path(configured).parent / FOLDER
    import platformdirs

    return Path(platformdirs.user_cache_dir("article2podcast")) / FOLDER


def cache_file(kind: str, key: str, suffix: str) -> Path:
    """Where the `kind` worked out for `key` is kept (the key hashed into the name)."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return machine_cache_dir() / f"{kind}-{digest}{suffix}"


def read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None when there is none (or it cannot be read)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def write_atomically(path: Path, chunks: list[bytes], *, stale: str | None = None) -> bool:
    """Write `chunks` to `path` through a temporary name; False (and no trace) when it cannot
    be written. `stale`: a glob of files this one replaces (an older version's), removed."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return False
    if stale is not None:
        for old in path.parent.glob(stale):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    return True
