"""The Piper voice with its phoneme durations as an output, prepared once per machine.

A worker used to patch the voice at every start (`onnx.load`, piper's `add_alignment_output`,
serialising it again) and onnxruntime then optimised its graph: on the bundled 63 MB voice,
`import onnx` took 0.8 s, the patch 0.2 to 0.5 s and the session 0.7 s, measured one by one in
a fresh process on this 2-core machine (issue 19). The patched voice is now kept in the machine
cache (`machinecache`, beside the clip cache) as onnxruntime's own optimised graph
(`ORT_ENABLE_EXTENDED`, the level ORT says is portable; the hardware-specific layout passes
still run at each load), so that a start reads
one file and needs neither onnx nor the graph rewrites: the session then opens in 0.3 to 0.6 s.

Its name carries a hash of the voice file and the versions of piper, onnx and onnxruntime: a new
voice or a new version makes a new file. It is written under a temporary name and renamed into
place, so that two workers starting at once each write a whole file and the last rename wins; one
that onnxruntime cannot load, or that lost its durations output, is made again and replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from . import package_version
from .piper_durations import aligned_model

CACHE_FOLDER = "piper-voices"
"""The folder of prepared voices, in the user's cache folder."""
_VERSIONS = ("piper-tts", "onnx", "onnxruntime")


def cache_folder() -> Path:
    """Where prepared voices are kept: with what else is worked out once per machine
    (`machinecache`), so that one setting (the clip cache's place) says where all of it goes."""
    from ...machinecache import machine_cache_dir

    return machine_cache_dir() / CACHE_FOLDER


def prepared_name(model: Path) -> str:
    """The prepared file's name for `model`: a hash of its bytes (0.05 s for 63 MB) and of the
    versions of the code that prepares it."""
    with model.open("rb") as voice:
        digest = hashlib.file_digest(voice, "sha256")
    for package in _VERSIONS:
        digest.update(f"\0{package} {package_version(package)}".encode())
    return f"{model.name.removesuffix('.onnx')}-{digest.hexdigest()[:32]}.onnx"


def load_aligned(model: Path, threads: int = 0, folder: Path | None = None) -> Any:
    """An onnxruntime session of the voice with its durations as an output: the prepared copy
    kept in `folder` (default `cache_folder()`), made and kept first if it is not there or
    cannot be loaded; the voice as it is when it cannot be patched. onnxruntime's errors on
    the voice itself are raised as they are."""
    folder = cache_folder() if folder is None else folder
    try:
        kept = folder / prepared_name(model)
    except OSError:
        return open_session(str(model), threads)  # unreadable: onnxruntime says how
    if kept.is_file():
        try:
            session = open_session(str(kept), threads)
        except Exception:  # damaged on disk: made again below, and replaced
            session = None
        if session is not None and len(session.get_outputs()) > 1:
            return session
        with contextlib.suppress(OSError):
            kept.unlink()
    patched = aligned_model(model)
    if patched is None:
        return open_session(str(model), threads)
    if _prepare(patched, kept, threads):
        return open_session(str(kept), threads)
    return open_session(patched, threads)


def open_session(model: str | bytes, threads: int = 0, *, optimized_to: str = "") -> Any:
    """An onnxruntime session on the CPU with `threads` threads (0: its default); with
    `optimized_to`, its portably optimised graph is written there."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    if optimized_to:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = optimized_to
    return onnxruntime.InferenceSession(
        model, sess_options=options, providers=["CPUExecutionProvider"]
    )


def _prepare(patched: bytes, path: Path, threads: int) -> bool:
    """Write the optimised graph of `patched` to `path` atomically; False when it could not be
    (a folder that cannot be written is no error: the voice is patched at every start)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        os.close(handle)
    except OSError:
        return False
    try:
        open_session(patched, threads, optimized_to=temporary)
        os.replace(temporary, path)
    except Exception:  # onnxruntime could not write it, or the folder went: patched each time
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
