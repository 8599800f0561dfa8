"""Chapters: one per section of the episode, timed from the mix.

Pure. The intro (with its music), the article's opening (titled with the headline), one per
subheading, and the outro. Chapters are contiguous: each ends where the next starts, the first
starts at 0 and the last ends with the episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Script, Timing

INTRO_TITLE = "Intro"
OUTRO_TITLE = "Outro"


@dataclass(frozen=True)
class Chapter:
    """A chapter of the episode."""

    start_ms: int
    """Where it starts."""
    end_ms: int
    """Where it ends (the next chapter's start, or the end of the episode)."""
    title: str
    """What a podcast app shows."""


def chapters_for(
    script: Script, segment_timings: Sequence[Timing], duration_ms: int
) -> list[Chapter]:
    """The episode's chapters, from each segment's timing."""
    starts: list[tuple[int, str]] = []
    opening_started = False
    for segment, timing in zip(script.segments, segment_timings, strict=True):
        if segment.kind == "intro":
            starts.append((0, INTRO_TITLE))
        elif segment.kind == "heading":
            starts.append((timing.start_ms, segment.text))
        elif segment.kind == "outro":
            starts.append((timing.start_ms, OUTRO_TITLE))
        elif not opening_started:
            starts.append((timing.start_ms, script.title))
        opening_started = opening_started or segment.kind not in ("intro", "outro")
    if starts and starts[0][0] != 0:
        starts[0] = (0, starts[0][1])
    chapters = []
    for index, (start, title) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else duration_ms
        if end > start:
            chapters.append(Chapter(start, end, title))
    return chapters


def podcasting20(chapters: Sequence[Chapter]) -> dict[str, object]:
    """The Podcasting 2.0 JSON chapters document (version 1.2.0)."""
    return {
        "version": "1.2.0",
        "chapters": [
            {
                "startTime": round(chapter.start_ms / 1000, 3),
                "endTime": round(chapter.end_ms / 1000, 3),
                "title": chapter.title,
            }
            for chapter in chapters
        ],
    }
