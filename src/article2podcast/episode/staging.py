"""Staging output files: written under temporary names, renamed into place together.

Nothing appears at an output path until it is complete, and a failure or an interrupt leaves
what was there before untouched. A run that is killed cannot remove its temporary files: they
stay unlocked, and a later run removes them (`clean_abandoned`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import ExportError
from ..locking import folder_lock, hold, release, remove_if_abandoned

# `.<stem>.<8 characters of mkstemp>.part<suffix>`: the names `Staging.path_for` makes.
_PART = re.compile(r"\..+\.[a-z0-9_]{8}\.part(\.[^.]+)?")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Staging:
    """Temporary files beside their final paths, renamed into place together or not at all."""

    def __init__(self, check: Callable[[], None] = lambda: None) -> None:
        """`check` runs under the folder lock just before the files are renamed into place,
        and raises if they must not be (what is at their paths now is not ours to replace)."""
        self._pending: list[tuple[Path, Path]] = []
        self._removals: list[Path] = []
        self._held: list[int] = []
        self._check = check

    def path_for(self, final: Path) -> Path:
        """A fresh temporary path in `final`'s folder, hidden, with the same extension."""
        try:
            # Made and locked under the folder's lock: `clean_abandoned`, under it too, never
            # sees the file before it is locked.
            with folder_lock(final.parent):
                handle, name = tempfile.mkstemp(
                    prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent
                )
                # mkstemp makes the file private (0600); an episode is as readable as any file.
                os.fchmod(handle, 0o666 & ~_umask())
                os.close(handle)
                temporary = Path(name)
                self._pending.append((temporary, final))
                self._held.append(hold(temporary))  # not abandoned while this run lives
        except OSError as exc:
            raise ExportError(f"cannot write in {final.parent}: {exc.strerror}") from exc
        return temporary

    def remove(self, final: Path) -> None:
        """Remove `final` when the rest is renamed into place (a file of ours that this run
        does not write again and that must not outlive it)."""
        self._removals.append(final)

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
                locks.enter_context(folder_lock(folder))
            try:
                self._check()
            except BaseException:
                self.discard()
                raise
            try:
                while self._pending:
                    temporary, final = self._pending[-1]
                    os.replace(temporary, final)
                    self._pending.pop()
            except OSError as exc:
                self.discard()
                raise ExportError(f"cannot put {final} in place: {exc.strerror}") from exc
            for final in self._removals:
                with contextlib.suppress(OSError):  # gone already: as wanted
                    final.unlink()
        self._release()

    def discard(self) -> None:
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()
        self._release()

    def _release(self) -> None:
        for handle in self._held:
            release(handle)
        self._held.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def clean_abandoned(folder: Path) -> int:
    """Remove the temporary files that killed runs left in `folder` (ours by their names,
    held by no live run); how many were removed."""
    try:
        with folder_lock(folder):
            names = [entry.name for entry in os.scandir(folder) if _PART.fullmatch(entry.name)]
            return sum(remove_if_abandoned(folder / name) for name in names)
    except OSError:
        return 0
