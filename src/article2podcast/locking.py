"""Locks between our processes: a folder while files are renamed into it, and the files and
folders a run is using, so that a later run can tell what a killed one left behind.

The locks are advisory `flock`s, which the system releases when their holder exits, however
it exits (SIGKILL included): a file of ours that nobody holds belongs to a run that is over.
Where the system has no `flock` (Windows), nothing is locked and only old leftovers are
taken for abandoned.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

GRACE_S = 10.0
"""How old a leftover must be before it is removed when it may be so new that its run has not
locked it yet (a run locks a file a moment after creating it, and must not lose it then)."""
UNLOCKED_GRACE_S = 24 * 3600.0
"""How old a leftover must be before it is removed where there are no locks to tell a live
run from a dead one."""


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` between our processes (a lock on the folder itself, so
    no lock file is left behind)."""
    if fcntl is None:
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def hold(path: Path) -> int:
    """Open and lock `path` (a file or folder this run made and is using); the lock lasts
    until the returned handle is closed, or the process ends."""
    handle = os.open(path, os.O_RDONLY)
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            raise
    return handle


def release(handle: int) -> None:
    with contextlib.suppress(OSError):
        os.close(handle)


def is_held(path: Path) -> bool:
    """Whether a live run holds `path` (without locks: whether it is younger than a day)."""
    if fcntl is None:
        try:
            return time.time() - path.lstat().st_mtime < UNLOCKED_GRACE_S
        except OSError:
            return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(handle)
    return False


def remove_if_abandoned(path: Path, *, grace_s: float = 0.0) -> bool:
    """Remove `path` (a file or folder of ours) if no run holds it and it is older than
    `grace_s`; whether it was removed. Never follows a link, never raises.

    Without a grace period, the caller makes sure that no run can be between creating and
    locking such a file (both happen under the lock of its folder)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False  # another user's run
    grace = grace_s if fcntl is not None else UNLOCKED_GRACE_S
    if time.time() - info.st_mtime < grace:
        return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its run lives
        if stat.S_ISDIR(info.st_mode):
            shutil.rmtree(path)
        else:
            path.unlink()
    except OSError:
        return False
    finally:
        os.close(handle)
    return True
