"""The files beside an episode's audio: captions, chapters, show notes, cover, page, manifest.

All are written through the run's staging, so that they appear with the audio or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Article, Script, Timing
from .captions import render_srt, render_vtt
from .chapters import Chapter, podcasting20
from .cover import Cover
from .naming import sidecar
from .notes import render_notes
from .ownership import in_the_way
from .pages import episode_page
from .staging import Staging


@dataclass(frozen=True)
class Sidecars:
    """What the sidecar files are made from."""

    script: Script
    """The episode's segments and sentences."""
    timings: Sequence[Sequence[Timing]]
    """Per segment, per sentence: when it is said."""
    chapters: Sequence[Chapter]
    """The episode's chapters."""
    article: Article
    """The article, as it may be shown (no secrets in its address)."""
    show: str
    """The show's name."""
    duration_ms: int
    """The episode's length."""
    manifest: dict[str, Any]
    """The manifest, written as `<stem>.json` and read by the page."""
    cover: Cover | None
    """The generated cover, written as `<stem>.png`; None when the user gave one."""


def sidecar_files(destination: Path, *, cover_generated: bool) -> dict[str, Path]:
    """Every sidecar of the episode at `destination`, by kind."""
    files = {
        "manifest": sidecar(destination, ".json"),
        "vtt": sidecar(destination, ".vtt"),
        "srt": sidecar(destination, ".srt"),
        "chapters": sidecar(destination, ".chapters.json"),
        "notes": sidecar(destination, ".md"),
        "page": sidecar(destination, ".html"),
    }
    if cover_generated:
        files["cover"] = sidecar(destination, ".png")
    return files


def write_sidecars(staging: Staging, destination: Path, data: Sidecars) -> None:
    """Stage every sidecar of the episode at `destination`."""
    cues = [
        (timing, sentence.text)
        for segment, segment_timings in zip(data.script.segments, data.timings, strict=True)
        for sentence, timing in zip(segment.sentences, segment_timings, strict=True)
    ]
    staging.write_text(sidecar(destination, ".vtt"), render_vtt(cues))
    staging.write_text(sidecar(destination, ".srt"), render_srt(cues))
    staging.write_json(sidecar(destination, ".chapters.json"), podcasting20(data.chapters))
    staging.write_text(
        sidecar(destination, ".md"),
        render_notes(
            data.article,
            data.chapters,
            show=data.show,
            duration_ms=data.duration_ms,
            language=data.script.language,
        ),
    )
    cover = sidecar(destination, ".png")
    if data.cover is not None:
        staging.write_bytes(cover, data.cover.data)
    elif cover.exists() and in_the_way(destination, [cover], article=None) is None:
        staging.remove(cover)  # a generated cover, now not used
    cover_name = cover.name if data.cover is not None else None
    staging.write_text(sidecar(destination, ".html"), episode_page(data.manifest, cover=cover_name))
    staging.write_json(sidecar(destination, ".json"), data.manifest)
