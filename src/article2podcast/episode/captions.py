"""Captions: WebVTT and SubRip (SRT), one cue per sentence, timed from the mix.

A cue's text is the sentence on one line (a blank line would end the cue). WebVTT escapes
`&<>` as character references, so no `-->` or tag is left. SubRip has no escapes and players
read tags in it (`<i>`, `<font ...>`): there a `-->` is written as an arrow, which no parser
takes for a timing line, and a `<` that would open a tag as the angle quote `‹`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..model import Timing


def timestamp(ms: int) -> str:
    """A WebVTT timestamp, HH:MM:SS.mmm."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def cue_text(text: str) -> str:
    """Sentence text made safe for a cue payload (no markup, no '-->', no blank line)."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def render_vtt(cues: Iterable[tuple[Timing, str]]) -> str:
    """The WebVTT file for `cues` (timing, sentence), numbered from 1."""
    blocks = ["WEBVTT"]
    for number, (timing, text) in enumerate(cues, start=1):
        span = f"{timestamp(timing.start_ms)} --> {timestamp(timing.end_ms)}"
        blocks.append(f"{number}\n{span}\n{cue_text(text)}")
    return "\n\n".join(blocks) + "\n"


def srt_timestamp(ms: int) -> str:
    """An SRT timestamp, HH:MM:SS,mmm."""
    return timestamp(ms).replace(".", ",")


_SRT_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")


def srt_text(text: str) -> str:
    """Sentence text made safe for an SRT cue (no tag, no '-->', no blank line)."""
    text = " ".join(text.split()).replace("-->", "→")
    return _SRT_TAG_START.sub("‹", text)


def render_srt(cues: Iterable[tuple[Timing, str]]) -> str:
    """The SubRip (SRT) file for `cues` (timing, sentence), numbered from 1."""
    blocks = []
    for number, (timing, text) in enumerate(cues, start=1):
        span = f"{srt_timestamp(timing.start_ms)} --> {srt_timestamp(timing.end_ms)}"
        blocks.append(f"{number}\n{span}\n{srt_text(text)}")
    return "\n\n".join(blocks) + "\n"
