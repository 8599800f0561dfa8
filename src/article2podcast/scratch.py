"""The run's scratch folder: every temporary file of a run, in one folder of the system's
temporary folder ($TMPDIR), removed at the end of the run.

The folder is locked while the run lives (see `locking`), so a run that was killed leaves a
folder nobody holds, which the next run removes. Everything temporary the run makes (the
engine's files, ffmpeg's logs, the encoded file before it is tagged) goes in it, so a full
temporary folder can be told apart from other failures and named as such.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ExportError, NarrationError
from .locking import GRACE_S, hold, release, remove_if_abandoned

PREFIX = "article2podcast-run-"
_LOCKED = ".locked"
"""Made in a scratch folder once it is locked: a folder without it may be too new to be."""
_SYSTEM_TEMPORARY = tempfile.gettempdir()
"""The temporary folder before any run made its own the default."""
FULL_BYTES = 1024 * 1024
"""Less free space than this where a step failed: the step failed because the disk was full."""


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new scratch folder for this run, where `tempfile` puts everything until the end."""
    clean_abandoned()
    try:
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    except OSError as exc:
        raise ExportError(
            f"cannot make a temporary folder in {tempfile.gettempdir()} ({exc.strerror}); "
            "free some space there, or set TMPDIR to a folder with room"
        ) from exc
    handle = None
    try:
        handle = hold(folder)
        (folder / _LOCKED).touch()
    except OSError as exc:
        if handle is not None:
            release(handle)
        shutil.rmtree(folder, ignore_errors=True)
        raise ExportError(
            f"cannot use a temporary folder in {folder.parent} ({exc.strerror}); free some "
            "space there, or set TMPDIR to a folder with room"
        ) from exc
    previous = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield folder
    except (ExportError, NarrationError, OSError) as exc:
        # A full disk makes ffmpeg fail with its log lost (the log is on the full disk too).
        if is_full(folder):
            raise ExportError(full_message(folder)) from exc
        raise
    finally:
        tempfile.tempdir = previous
        shutil.rmtree(folder, ignore_errors=True)
        release(handle)


def process_folder() -> Path:
    """A scratch folder for as long as this process lives (a batch worker's kept engines):
    removed at exit, or, when the process is killed, by a later run (its lock ends with it)."""
    clean_abandoned()
    try:
        # In the system's temporary folder even when called within a run (whose own scratch
        # folder goes at its end).
        folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=_SYSTEM_TEMPORARY))
        hold(folder)  # never released: the lock lasts as long as the process
        (folder / _LOCKED).touch()
    except OSError as exc:
        raise ExportError(
            f"cannot make a temporary folder in {tempfile.gettempdir()} ({exc.strerror}); "
            "free some space there, or set TMPDIR to a folder with room"
        ) from exc
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def clean_abandoned() -> int:
    """Remove the scratch folders that killed runs left; how many were removed."""
    parent = Path(tempfile.gettempdir())
    try:
        names = [entry.name for entry in os.scandir(parent) if entry.name.startswith(PREFIX)]
    except OSError:
        return 0
    return sum(
        remove_if_abandoned(
            parent / name, grace_s=0.0 if (parent / name / _LOCKED).exists() else GRACE_S
        )
        for name in names
    )


def is_full(folder: Path) -> bool:
    """Whether the disk that holds `folder` is (all but) full."""
    try:
        return shutil.disk_usage(folder).free < FULL_BYTES
    except OSError:
        return False


def full_message(folder: Path) -> str:
    return (
        f"the temporary folder {folder.parent} is full; free some space there, or set TMPDIR "
        "to a folder with room (nothing was written)"
    )
