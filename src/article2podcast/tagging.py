"""Tagging: the episode's ID3v2.3 tags, written with mutagen.

ffmpeg writes a `comment` as a user-defined TXXX frame in ID3v2.3, which podcast apps do not
show; mutagen writes the real frames (COMM included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ExportError


@dataclass(frozen=True)
class Tags:
    """The episode's ID3 tags."""

    title: str
    """TIT2: the headline."""
    artist: str
    """TPE1: who is credited (the show, or the article's author when known)."""
    album: str
    """TALB: the show."""
    date: str
    """TDRC (TYER and TDAT in ID3v2.3): the production date, YYYY-MM-DD."""
    comment: str
    """COMM: where the episode came from."""
    genre: str = "Podcast"
    """TCON."""


def write_id3(path: Path, tags: Tags) -> None:
    """Replace the ID3 tag of the MP3 at `path` with `tags`, as ID3v2.3."""
    from mutagen.id3 import COMM, ID3, TALB, TCON, TDRC, TIT2, TPE1
    from mutagen.id3 import error as ID3Error

    try:
        tag = ID3()  # saved over ffmpeg's tag, which it replaces whole
        tag.add(TIT2(encoding=1, text=tags.title))
        tag.add(TPE1(encoding=1, text=tags.artist))
        tag.add(TALB(encoding=1, text=tags.album))
        tag.add(TDRC(encoding=1, text=tags.date))
        tag.add(TCON(encoding=1, text=tags.genre))
        tag.add(COMM(encoding=1, lang="eng", desc="", text=tags.comment))
        tag.save(path, v2_version=3)
    except (ID3Error, OSError) as exc:
        raise ExportError(f"cannot write the tags of {path}: {exc}") from exc
