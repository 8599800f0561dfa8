"""Chapters: one per section of the episode, timed from the mix.

Pure. The intro (with its music), the article's opening (titled with the headline), one per
subheading, and the outro. Chapters are contiguous: each ends where the next starts, the first
starts at 0 and the last ends with the episode.

They are kept within what every output format holds, here rather than where each format is
written, so that the tags, the manifest, the notes and the page list the same chapters and an
episode never fails at its last step: at most MAX_CHAPTERS, each title at most MAX_TITLE_BYTES.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Script, Timing
from ..scripting.framing import framing

MAX_CHAPTERS = 255
"""The most chapters an episode has: ID3's table of contents (CTOC) counts its entries in one
byte, and so does MP4's Nero chapter list (chpl), which ffmpeg cuts short without a word."""
MAX_TITLE_BYTES = 255
"""The longest chapter title, in UTF-8 bytes: MP4's chpl gives a title's length in one byte, and
ffmpeg cuts it there even inside a character, which mutagen then cannot read."""
ELLIPSIS = "…"


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
    script: Script,
    segment_timings: Sequence[Timing],
    duration_ms: int,
    *,
    limit: int = MAX_CHAPTERS,
) -> list[Chapter]:
    """The episode's chapters, from each segment's timing (the intro and the outro named in
    the script's language, see `framing`): titles cut to MAX_TITLE_BYTES, and no more than
    `limit` of them (see `merged`)."""
    words = framing(script.language)
    starts: list[tuple[int, str, bool]] = []  # (start, title, is the intro or the outro)
    opening_started = False
    for segment, timing in zip(script.segments, segment_timings, strict=True):
        if segment.kind == "intro":
            starts.append((0, words.intro_chapter, True))
        elif segment.kind == "heading":
            starts.append((timing.start_ms, segment.text, False))
        elif segment.kind == "outro":
            starts.append((timing.start_ms, words.outro_chapter, True))
        elif not opening_started:
            starts.append((timing.start_ms, script.title, False))
        opening_started = opening_started or segment.kind not in ("intro", "outro")
    if starts and starts[0][0] != 0:
        starts[0] = (0, *starts[0][1:])
    chapters: list[tuple[Chapter, bool]] = []
    for index, (start, title, around) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else duration_ms
        if end > start:
            chapters.append((Chapter(start, end, short_title(title)), around))
    return merged(chapters, limit)


def merged(chapters: Sequence[tuple[Chapter, bool]], limit: int) -> list[Chapter]:
    """The chapters, each given with whether it is the intro or the outro, at most `limit`.

    When there are more, the article's own chapters (the ones between the intro and the outro)
    are merged evenly into runs of adjacent ones, each run as long as the others or one longer.
    A run keeps its first chapter's title, since it starts where that section does.
    """
    if len(chapters) <= limit:
        return [chapter for chapter, _ in chapters]
    head = 1 if chapters[0][1] else 0
    tail = 1 if chapters[-1][1] and len(chapters) > head else 0
    room = limit - head - tail
    if room < 1:  # a limit below 3 (in a test): merge everything
        head, tail, room = 0, 0, limit
    body = [chapter for chapter, _ in chapters[head : len(chapters) - tail]]
    runs = [body[i * len(body) // room : (i + 1) * len(body) // room] for i in range(room)]
    return [
        *(chapter for chapter, _ in chapters[:head]),
        *(Chapter(run[0].start_ms, run[-1].end_ms, run[0].title) for run in runs),
        *(chapter for chapter, _ in chapters[len(chapters) - tail :]),
    ]


def short_title(title: str) -> str:
    """`title`, cut at a character to end in an ellipsis if longer than MAX_TITLE_BYTES."""
    data = title.encode("utf-8")
    if len(data) <= MAX_TITLE_BYTES:
        return title
    room = MAX_TITLE_BYTES - len(ELLIPSIS.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore").rstrip() + ELLIPSIS


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
