"""The Piper voice with its phoneme durations as an output, patched once per machine.

Patching the voice (`onnx.load`, piper's `add_alignment_output`, serialising it again) took
0.9 s of every worker start on the bundled 63 MB voice (issue 19). The patched model is kept in
the user's cache folder, beside the clip cache, under a name made of a hash of the voice file
and the versions of piper and onnx that patched it: a new voice, or a new piper, makes a new
one. It is written under a temporary name and renamed into place, so that two workers starting
at once each write a whole file and the last rename wins; one that onnxruntime cannot load
(damaged on disk) is patched again and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import package_version
from .piper_durations import aligned_model

CACHE_FOLDER = "piper-voices"
"""The folder of patched voices, in the user's cache folder."""


def cache_folder() -> Path:
    """Where patched voices are kept: the user's cache folder (not the clip cache, which a
    run may point elsewhere: the patched voice is the machine's, whatever the run)."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("article2podcast")) / CACHE_FOLDER


def patched_name(model: Path) -> str:
    """The cached file's name for `model`: a hash of its bytes and of the patching code's
    versions."""
    with model.open("rb") as voice:
        digest = hashlib.file_digest(voice, "sha256")
    for package in ("piper-tts", "onnx"):
        digest.update(f"\0{package} {package_version(package)}".encode())
    return f"{model.name.removesuffix('.onnx')}-{digest.hexdigest()[:32]}.onnx"


def load_aligned(
    model: Path, open_session: Callable[[str | bytes], Any], folder: Path | None = None
) -> Any:
    """`open_session` on the voice with its durations as an output: the patched copy kept in
    `folder` (default `cache_folder()`), made and kept first if it is not there or cannot be
    loaded; on the voice as it is when it cannot be patched. Errors of `open_session` on the
    voice itself are raised as they are."""
    folder = cache_folder() if folder is None else folder
    try:
        kept = folder / patched_name(model)
    except OSError:
        return open_session(str(model))  # unreadable: onnxruntime says how
    if kept.is_file():
        try:
            session = open_session(str(kept))
        except Exception:  # damaged on disk: patched again below, and replaced
            session = None
        if session is not None and len(session.get_outputs()) > 1:
            return session
        with contextlib.suppress(OSError):
            kept.unlink()
    patched = aligned_model(model)
    if patched is None:
        return open_session(str(model))
    _keep(kept, patched)
    return open_session(patched)


def _keep(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically; a folder that cannot be written is no error (the
    voice is patched again at the next start)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
