"""Staging output files: written under temporary names, renamed into place together.

Nothing appears at an output path until it is complete, and a failure or an interrupt leaves
what was there before untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import ExportError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on `folder` between our processes (an advisory lock on the folder
    itself, so no lock file is left behind; where the system has none, no lock)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


class Staging:
    """Temporary files beside their final paths, renamed into place together or not at all."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def path_for(self, final: Path) -> Path:
        """A fresh temporary path in `final`'s folder, hidden, with the same extension."""
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent
            )
            # mkstemp makes the file private (0600); an episode is as readable as any new file.
            os.fchmod(handle, 0o666 & ~_umask())
            os.close(handle)
        except OSError as exc:
            raise ExportError(f"cannot write in {final.parent}: {exc.strerror}") from exc
        temporary = Path(name)
        self._pending.append((temporary, final))
        return temporary

    def write_text(self, final: Path, text: str) -> None:
        temporary = self.path_for(final)
        try:
            temporary.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ExportError(f"cannot write {final}: {exc.strerror}") from exc

    def write_bytes(self, final: Path, data: bytes) -> None:
        temporary = self.path_for(final)
        try:
            temporary.write_bytes(data)
        except OSError as exc:
            raise ExportError(f"cannot write {final}: {exc.strerror}") from exc

    def write_json(self, final: Path, data: Mapping[str, object]) -> None:
        self.write_text(final, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        """Rename everything into place, the first staged last (so stage the episode first).

        Another run putting files in the same folder waits until all of these are in place,
        so that an episode and its sidecars always come from the same run.
        """
        folders = sorted({final.parent for _, final in self._pending})
        with contextlib.ExitStack() as locks:
            for folder in folders:
                locks.enter_context(_folder_lock(folder))
            try:
                while self._pending:
                    temporary, final = self._pending[-1]
                    os.replace(temporary, final)
                    self._pending.pop()
            except OSError as exc:
                self.discard()
                raise ExportError(f"cannot put {final} in place: {exc.strerror}") from exc

    def discard(self) -> None:
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
