"""The manifest: the episode's segments and sentences with their timings, as JSON data.

`--plan` prints the same structure before anything is narrated, with null timings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import __version__
from .model import Role, Script, Timing

MANIFEST_VERSION = 1


def build_manifest(
    script: Script,
    sentence_timings: Sequence[Sequence[Timing]] | None,
    *,
    duration_ms: int | None,
    details: dict[str, Any],
    voices: Mapping[Role, str | None] | None = None,
) -> dict[str, Any]:
    """The manifest for `script`; without timings it is the plan."""
    segments = []
    for index, segment in enumerate(script.segments):
        timings = sentence_timings[index] if sentence_timings is not None else None
        sentences = [
            {
                "text": sentence.text,
                "spoken": sentence.spoken,
                "pieces": list(sentence.pieces),
                "start_ms": timings[i].start_ms if timings else None,
                "end_ms": timings[i].end_ms if timings else None,
            }
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
        "generator": f"article2podcast {__version__}",
        "title": script.title,
        "duration": None if duration_ms is None else round(duration_ms / 1000, 3),
        "duration_ms": duration_ms,
        **details,
        "segments": segments,
    }
