"""The clip cache's files: an entry's format, and how a file is known to be ours.

An entry is our header (magic, a JSON header with the clip's format, its length and a checksum
of its audio, the text it speaks, its words' times and what the recogniser heard in it) and then
the audio. The cache folder is marked as ours with a
CACHEDIR.TAG (https://bford.info/cachedir/); a file is ours only when it is named as ours and
starts with our header or tag. Links, FIFOs and folders are never ours, and never read whole.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

from ..audio.loudness import MAX_CLIP_GAIN_DB
from ..model import Clip, Heard, WordTime

MAGIC = b"A2PCLIP1"
PART_MAGIC = b"A2PPART1"
"""An encoded part of an episode (`audio.parts`): its record as the header, its frames after."""
HEADER_LENGTH_BYTES = 4
SUFFIX = ".clip"
# Far beyond a sentence's clip (about 40 minutes of 22 kHz speech): a bigger file under a key
# is not read whole, it is damaged.
MAX_ENTRY_BYTES = 100 * 1024**2
MAX_HEADER_BYTES = 64 * 1024
TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
TAG_OWNER = b"created by article2podcast"
TAG = (
    TAG_SIGNATURE + b"\n"
    b"# This file is a cache directory tag " + TAG_OWNER + b" (its clip cache).\n"
    b"# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
ENTRY_NAME = re.compile(r"[0-9a-f]+\.clip")
# A file being written: a clip or the tag. The random part is ours, so the name cannot be
# mistaken for a user's; until it is written it may be empty.
TEMPORARY_NAME = re.compile(r"\.a2p-(clip|tag)-[0-9a-f]{16}\.tmp")
# What versions before the tag left behind when killed (tempfile.mkstemp's names).
OLD_TEMPORARY_NAME = re.compile(r"\.tmp-[a-z0-9_]{8}\.clip")
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted under a clip's name must not hang us
BINARY = getattr(os, "O_BINARY", 0)


def encode(clip: Clip, text: str) -> bytes:
    return _pack(
        MAGIC,
        {
            "sample_rate": clip.sample_rate,
            "sample_width": clip.sample_width,
            "channels": clip.channels,
            "gain_db": clip.gain_db,
            "text": text[:200],
            "words": [[w.text, w.start_ms, w.end_ms] for w in clip.words],
            "words_from": clip.words_from,
            "heard": None
            if clip.heard is None
            else {"score": clip.heard.score, "text": clip.heard.text},
        },
        clip.pcm,
    )


def encode_part(record: dict[str, object], frames: bytes, text: str) -> bytes:
    """An entry holding a part's `record` (JSON-able) and its MP3 `frames`."""
    return _pack(PART_MAGIC, {"record": record, "text": text[:200]}, frames)


def decode_part(data: bytes) -> tuple[dict[str, object], bytes] | None:
    """The record and frames in a part's entry, or None if they are not whole and intact."""
    unpacked = _unpack(PART_MAGIC, data)
    if unpacked is None:
        return None
    header, frames = unpacked
    record = header.get("record")
    return (record, frames) if isinstance(record, dict) else None


def decode(data: bytes) -> tuple[Clip, str] | None:
    """The clip in an entry's bytes, or None if they are not a whole, intact, playable entry."""
    unpacked = _unpack(MAGIC, data)
    if unpacked is None:
        return None
    header, pcm = unpacked
    try:
        clip = Clip(
            pcm=pcm,
            sample_rate=int(header["sample_rate"]),
            sample_width=int(header["sample_width"]),
            channels=int(header["channels"]),
            gain_db=None if header["gain_db"] is None else float(header["gain_db"]),
            words=tuple(
                WordTime(str(text), int(start), int(end))
                for text, start, end in header.get("words", ())
            ),
            words_from=str(header.get("words_from", "")),
            heard=_heard(header.get("heard")),
        )
    except (ValueError, KeyError, TypeError, OverflowError, RecursionError):
        return None
    return (clip, str(header.get("text", ""))) if playable(clip) else None


def _pack(magic: bytes, header: dict[str, object], payload: bytes) -> bytes:
    """An entry: `magic`, the JSON header (with the payload's length and checksum added), the
    payload."""
    checked = {**header, "bytes": len(payload), "blake2b": _checksum(payload)}
    data = json.dumps(checked).encode()
    return magic + len(data).to_bytes(HEADER_LENGTH_BYTES, "big") + data + payload


def _unpack(magic: bytes, data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """The header and payload of an entry headed `magic`, or None if it is not whole and
    intact (its length and checksum say)."""
    if not data.startswith(magic):
        return None
    start = len(magic) + HEADER_LENGTH_BYTES
    length = int.from_bytes(data[len(magic) : start], "big")
    try:
        header = json.loads(data[start : start + length])
        payload = data[start + length :]
        if not isinstance(header, dict) or len(payload) != header["bytes"]:
            return None
        if _checksum(payload) != header["blake2b"]:
            return None
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return header, payload


def _checksum(payload: bytes) -> str:
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def _heard(data: object) -> Heard | None:
    """What an entry says the recogniser heard (None: not listened to)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise TypeError("heard is not an object")
    score = float(data["score"])
    if not 0.0 <= score <= 1.0:
        raise ValueError("heard score out of range")
    return Heard(score=score, text=str(data["text"]))


def playable(clip: Clip) -> bool:
    """Whether the mixer can use `clip` as it is (whether it is speech is the narrator's to
    judge): a format pydub reads, whole frames, a gain we could have measured."""
    return (
        clip.sample_width in (1, 2, 3, 4)
        and 1 <= clip.channels <= 8
        and 8000 <= clip.sample_rate <= 384_000
        and len(clip.pcm) % (clip.sample_width * clip.channels) == 0
        and (
            clip.gain_db is None
            or (math.isfinite(clip.gain_db) and abs(clip.gain_db) <= MAX_CLIP_GAIN_DB)
        )
    )


def text_of(path: Path) -> str | None:
    """The text an entry speaks ('' where its header cannot be read), or None if the file is
    not ours."""
    try:
        head = read_regular(path, len(MAGIC) + HEADER_LENGTH_BYTES + MAX_HEADER_BYTES)
    except FileNotFoundError:
        return None
    if head is None or not head.startswith((MAGIC, PART_MAGIC)):
        return None
    start = len(MAGIC) + HEADER_LENGTH_BYTES
    length = int.from_bytes(head[len(MAGIC) : start], "big")
    try:
        return str(json.loads(head[start : start + length]).get("text", ""))
    except (ValueError, AttributeError, RecursionError):
        return ""


def is_ours(path: Path) -> bool:
    """Whether `path` is a file we made: named as ours, and starting with our header or tag
    (a temporary file may still be empty: its run was killed before writing it)."""
    name = path.name
    temporary = TEMPORARY_NAME.fullmatch(name)
    if name == TAG_NAME or (temporary and temporary[1] == "tag"):
        header = TAG_SIGNATURE
    elif temporary or OLD_TEMPORARY_NAME.fullmatch(name) or ENTRY_NAME.fullmatch(name):
        header = MAGIC
    else:
        return False
    try:
        head = read_regular(path, len(TAG))
    except FileNotFoundError:
        return False
    if head is None:
        return False
    if name == TAG_NAME:
        return head.startswith(header) and TAG_OWNER in head
    if not head:
        return not ENTRY_NAME.fullmatch(name)
    headers = (header, PART_MAGIC) if header == MAGIC else (header,)
    if temporary and len(head) < len(header):
        # being written by another run at this moment
        return any(known.startswith(head) for known in headers)
    return head.startswith(headers)


def read_regular(path: Path, limit: int) -> bytes | None:
    """Up to `limit` bytes of `path`, or None if it is not a regular file we can read (a link,
    a FIFO or a folder is never ours). FileNotFoundError passes."""
    try:
        handle = os.open(path, os.O_RDONLY | NOFOLLOW | NONBLOCK | BINARY)
    except FileNotFoundError:
        raise
    except OSError:
        return None
    with os.fdopen(handle, "rb") as opened:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        try:
            return opened.read(limit)
        except OSError:
            return None


def shown(name: object) -> str:
    """`name` for a one-line message: as it is, unless it holds line breaks or escapes."""
    text = str(name)
    return text if text.isprintable() else repr(text)[1:-1]
