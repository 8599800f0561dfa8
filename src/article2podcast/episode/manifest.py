"""The manifest: the episode's segments and sentences with their timings, as JSON data.

`--plan` prints the same structure before anything is narrated, with null timings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..files import read_regular
from ..model import Heard, Role, Script, Timing, WordTime
from .wordmap import manifest_words

MANIFEST_VERSION = 1
GENERATOR = "article2podcast"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
"""Far more than the manifest of the longest article we read (5 MB of text)."""


def build_manifest(
    script: Script,
    sentence_timings: Sequence[Sequence[Timing]] | None,
    *,
    duration_ms: int | None,
    details: dict[str, Any],
    voices: Mapping[Role, str | None] | None = None,
    sentence_words: Sequence[Sequence[tuple[Sequence[WordTime], str]]] | None = None,
    heard: Sequence[Sequence[Heard | None]] | None = None,
) -> dict[str, Any]:
    """The manifest for `script`; without timings it is the plan. `sentence_words`: per
    segment, per sentence, its words in episode time and who timed them. `heard` (per segment,
    per sentence: what the recogniser heard with --verify) adds `heard` to every sentence."""
    segments = []
    for index, segment in enumerate(script.segments):
        timings = sentence_timings[index] if sentence_timings is not None else None
        timed = sentence_words[index] if sentence_words is not None else None
        sentences = [
            {
                "text": sentence.text,
                "spoken": sentence.spoken,
                "pieces": list(sentence.pieces),
                "start_ms": timings[i].start_ms if timings else None,
                "end_ms": timings[i].end_ms if timings else None,
                **(
                    {
                        "words": manifest_words(timed[i][0], sentence.text),
                        "words_from": timed[i][1],
                    }
                    if timed
                    else {}
                ),
            }
            | ({} if heard is None else {"heard": _heard(heard[index][i])})
            for i, sentence in enumerate(segment.sentences)
        ]
        segments.append(
            {
                "index": index,
                "kind": segment.kind,
                "continues": segment.continues,
                "role": segment.role,
                "voice": voices.get(segment.role) if voices else None,
                "text": segment.text,
                "start_ms": sentences[0]["start_ms"],
                "end_ms": sentences[-1]["end_ms"],
                "sentences": sentences,
            }
        )
    return {
        "manifest_version": MANIFEST_VERSION,
        "generator": f"{GENERATOR} {__version__}",
        "title": script.title,
        "language": script.language,
        "duration": None if duration_ms is None else round(duration_ms / 1000, 3),
        "duration_ms": duration_ms,
        **details,
        "segments": segments,
    }


def _heard(heard: Heard | None) -> dict[str, Any] | None:
    return None if heard is None else {"score": round(heard.score, 3), "text": heard.text}


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at `path` if it is one of ours (our generator, a manifest version, the
    name of its audio file), else None: a missing, unreadable, foreign or malformed file, a
    link, a FIFO or a device (which would block or never end) are all "not ours"."""
    raw = read_regular(path, MAX_MANIFEST_BYTES, follow=False)
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):  # ValueError: bad UTF-8 or JSON
        return None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("manifest_version"), int)
        and str(data.get("generator", "")).startswith(GENERATOR)
        and isinstance(data.get("audio"), str)
    ):
        return None
    return data
