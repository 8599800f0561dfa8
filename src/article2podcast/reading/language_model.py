"""py3langid's model, unpacked once per machine.

py3langid ships its model LZMA-compressed (4.5 MB) and unpacks it, through a temporary file,
on every load: 0.66 s of the 0.78 s a run spent on language detection (cProfile of a cached
run of the sample). Unpacked, its arrays are 68 MB; kept in the machine cache as raw bytes
behind a small header (one read, a CRC-32 check of 28 ms, copies of the arrays), detecting the
language of Le Monde's page takes 0.21 s in all, numpy's import included, against 0.86 s
(time.perf_counter around `detect_language`, median of 3); the same arrays as an uncompressed
.npz took 0.36 s to load. The header names py3langid's version and its model file's
size and time, so an upgraded py3langid unpacks its own model again.
"""

from __future__ import annotations

import json
import struct
import zlib
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..machinecache import cache_file, read_bytes, write_atomically

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

_MAGIC = b"article2podcast language model 1\n"
_LENGTH = struct.Struct("<Q")
Model = tuple[Any, Any, list[str], "array[int]", "array[int]", list[int]]
"""py3langid's model as its loader returns it: per-feature and per-class log-probabilities
(numpy), the class names, the tokenizer's transitions and rows, and its output features."""

loads = 0
"""How many times the model was unpacked from py3langid's own file in this process (tests)."""


def load_identifier() -> LanguageIdentifier:
    """py3langid's identifier with its model, from the machine cache when it is there."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    source = Path(MODEL_DIR) / MODEL_FILE
    path = _cache_path(source)
    model = _read(path, _key(source)) if path is not None else None
    if model is None:
        model = _unpack(source)
        if path is not None:
            write_atomically(path, _encode(model, _key(source)), stale="language-model-*.bin")
    ptc, pc, classes, nextmove, row, output = model
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row
    )


def _key(source: Path) -> str:
    import py3langid

    stat = source.stat()
    return f"py3langid {py3langid.__version__} {source.name} {stat.st_size} {stat.st_mtime_ns}"


def _cache_path(source: Path) -> Path | None:
    try:
        return cache_file("language-model", _key(source), ".bin")
    except OSError:
        return None


def _unpack(source: Path) -> Model:
    """The model from py3langid's own file (0.66 s; through a temporary file)."""
    global loads
    from py3langid.modelio import load_model

    loads += 1
    model: Model = load_model(source)
    return model


def _encode(model: Model, key: str) -> list[bytes]:
    import numpy as np

    ptc, pc, classes, nextmove, row, output = model
    parts: list[tuple[str, str, list[int], bytes]] = [
        ("ptc", str(np.asarray(ptc).dtype), list(np.shape(ptc)), np.asarray(ptc).tobytes()),
        ("pc", str(np.asarray(pc).dtype), list(np.shape(pc)), np.asarray(pc).tobytes()),
        ("classes", "text", [len(classes)], "\n".join(classes).encode()),
        ("nextmove", nextmove.typecode, [len(nextmove)], nextmove.tobytes()),
        ("row", row.typecode, [len(row)], row.tobytes()),
        ("output", "i4", [len(output)], np.asarray(output, dtype="<i4").tobytes()),
    ]
    payload = [data for *_, data in parts]
    crc = 0
    for data in payload:
        crc = zlib.crc32(data, crc)
    header = json.dumps(
        {
            "key": key,
            "crc": crc,
            "parts": [[name, kind, shape, len(data)] for name, kind, shape, data in parts],
        }
    ).encode()
    return [_MAGIC, _LENGTH.pack(len(header)), header, *payload]


def _read(path: Path, key: str) -> Model | None:
    """The model kept at `path`, or None when there is none or it does not check out."""
    data = read_bytes(path)
    if data is None or not data.startswith(_MAGIC):
        return None
    try:
        return _decode(memoryview(data), key)
    except (ValueError, KeyError, TypeError, IndexError, struct.error):
        return None


def _decode(data: memoryview, key: str) -> Model | None:
    import numpy as np

    start = len(_MAGIC) + _LENGTH.size
    (length,) = _LENGTH.unpack(data[len(_MAGIC) : start])
    header = json.loads(bytes(data[start : start + length]))
    body = data[start + length :]
    sizes = [int(size) for *_, size in header["parts"]]
    if header["key"] != key or sum(sizes) != len(body) or zlib.crc32(body) != header["crc"]:
        return None
    parts: dict[str, Any] = {}
    offset = 0
    for name, kind, shape, size in header["parts"]:
        chunk = body[offset : offset + size]
        offset += size
        if kind == "text":
            parts[name] = bytes(chunk).decode().split("\n")
        elif kind in ("B", "H", "I", "L", "Q"):
            parts[name] = array(kind)
            parts[name].frombytes(chunk)
        else:  # a copy, so that the file's bytes are not held for as long as the model is
            parts[name] = np.frombuffer(chunk, dtype=kind).reshape(shape).copy()
    return (
        parts["ptc"],
        parts["pc"],
        parts["classes"],
        parts["nextmove"],
        parts["row"],
        parts["output"].tolist(),
    )
