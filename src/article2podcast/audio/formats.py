"""Formats: what each episode file extension means, as one table.

The encoder (`ffmpeg`), the mastering (`mastering`), the server's MIME types, the feed and the
library, and the CLI's `-o` help all read this table; a format is added here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 44_100
# Apple Podcasts asks for 96 kbps or more for mono speech.
BITRATE = "96k"


@dataclass(frozen=True)
class Format:
    """An output format, chosen by the episode's file extension."""

    codec: str
    """ffmpeg's audio encoder."""
    bitrate: str | None
    """The encoder's bitrate for a lossy codec; None for a lossless one."""
    sample_rate: int
    """The delivered sample rate."""
    muxer: str
    """ffmpeg's output format."""
    muxer_options: tuple[tuple[str, str], ...]
    """ffmpeg's options of that muxer, as (name, value)."""
    pipe: tuple[str, str]
    """The muxer and demuxer that carry the encoded stream through a pipe to the meter (MP4
    cannot be written to a pipe: its AAC goes in ADTS frames)."""
    mime: str
    """The MIME type (for feeds, the library and the server)."""
    ffmpeg_tags: bool
    """Whether ffmpeg writes the tags and chapters (MP3's are written with mutagen)."""
    chapters: bool
    """Whether the file holds chapters and a cover (WAV holds neither)."""
    limiter_margin_db: float
    """How far below the true-peak ceiling the limiter aims: lossy codecs overshoot it."""
    expected_shift_lu: float
    """How much encoding usually changes the integrated loudness (measured here)."""


_FASTSTART = (("movflags", "+faststart"),)
_AAC = Format(
    "aac", BITRATE, SAMPLE_RATE, "ipod", _FASTSTART, ("adts", "aac"), "audio/mp4",
    ffmpeg_tags=True, chapters=True, limiter_margin_db=2.0, expected_shift_lu=0.0,
)  # fmt: skip
FORMATS: dict[str, Format] = {
    ".mp3": Format(
        "libmp3lame", BITRATE, SAMPLE_RATE, "mp3", (), ("mp3", "mp3"), "audio/mpeg",
        ffmpeg_tags=False, chapters=True, limiter_margin_db=0.5, expected_shift_lu=-0.4,
    ),
    ".m4a": _AAC,
    ".m4b": _AAC,
    ".ogg": Format(
        "libvorbis", BITRATE, SAMPLE_RATE, "ogg", (), ("ogg", "ogg"), "audio/ogg",
        ffmpeg_tags=True, chapters=True, limiter_margin_db=0.8, expected_shift_lu=0.0,
    ),
    ".opus": Format(
        "libopus", "64k", 48_000, "opus", (), ("ogg", "ogg"), "audio/ogg",
        ffmpeg_tags=True, chapters=True, limiter_margin_db=0.8, expected_shift_lu=0.0,
    ),
    ".flac": Format(
        "flac", None, SAMPLE_RATE, "flac", (), ("flac", "flac"), "audio/flac",
        ffmpeg_tags=True, chapters=True, limiter_margin_db=0.1, expected_shift_lu=0.0,
    ),
    ".wav": Format(
        "pcm_s16le", None, SAMPLE_RATE, "wav", (), ("wav", "wav"), "audio/wav",
        ffmpeg_tags=True, chapters=False, limiter_margin_db=0.1, expected_shift_lu=0.0,
    ),
}  # fmt: skip


def format_for(path: Path) -> Format:
    """The format of an episode file, by its extension in any case (a KeyError if none)."""
    return FORMATS[path.suffix.lower()]


def mime_types() -> dict[str, str]:
    """The MIME type of every episode file extension."""
    return {extension: fmt.mime for extension, fmt in FORMATS.items()}
