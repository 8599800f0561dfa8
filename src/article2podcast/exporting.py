"""Exporting: encode the mix to MP3 with its tags, and write files atomically.

Nothing appears at an output path until it is complete: everything is written under a
temporary name in the same folder and renamed into place at the end, episode last.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import ExportError
from .mixing import PcmFormat
from .programs import last_lines, require, run

SAMPLE_RATE = 44_100
# Apple Podcasts asks for 96 kbps or more for mono speech.
BITRATE = "96k"


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
    """TDRC/TYER: the production date, YYYY-MM-DD."""
    comment: str
    """COMM: where the episode came from."""
    genre: str = "Podcast"
    """TCON."""

    def as_ffmpeg_metadata(self) -> dict[str, str]:
        return {
            "title": self.title,
            "artist": self.artist,
            "album": self.album,
            "date": self.date,
            "genre": self.genre,
            "comment": self.comment,
        }


class Staging:
    """Temporary files beside their final paths, renamed into place together or not at all."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def path_for(self, final: Path) -> Path:
        """A fresh temporary path in `final`'s folder, hidden, with the same extension."""
        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent
            )
        except OSError as exc:
            raise ExportError(f"cannot write in {final.parent}: {exc.strerror}") from exc
        os.close(handle)
        temporary = Path(name)
        self._pending.append((temporary, final))
        return temporary

    def write_text(self, final: Path, text: str) -> None:
        temporary = self.path_for(final)
        try:
            temporary.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ExportError(f"cannot write {final}: {exc.strerror}") from exc

    def write_json(self, final: Path, data: Mapping[str, object]) -> None:
        self.write_text(final, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    def commit(self) -> None:
        """Rename everything into place, the first staged last (so stage the episode first)."""
        for temporary, final in reversed(self._pending):
            os.replace(temporary, final)
        self._pending.clear()

    def discard(self) -> None:
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def encode_mp3(
    chunks: Iterable[bytes], fmt: PcmFormat, destination: Path, tags: Tags, bitrate: str = BITRATE
) -> None:
    """Stream raw PCM chunks through ffmpeg into an MP3 file at `destination`."""
    ffmpeg = require("ffmpeg")
    command = [
        ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", f"s{fmt.sample_width * 8}le", "-ar", str(fmt.sample_rate),
        "-ac", str(fmt.channels), "-i", "pipe:0",
        "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", bitrate,
        "-id3v2_version", "3", "-write_id3v1", "1",
    ]  # fmt: skip
    for key, value in tags.as_ffmpeg_metadata().items():
        command += ["-metadata", f"{key}={value}"]
    command += ["-f", "mp3", str(destination)]
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=stderr)
        assert process.stdin is not None
        feeder = _Feeder(process.stdin)
        try:
            for chunk in chunks:
                feeder.put(chunk)
            feeder.close()
        except BaseException:
            process.kill()
            feeder.abandon()
            process.wait()
            raise
        code = process.wait()
        if code != 0:
            stderr.seek(0)
            message = last_lines(stderr.read().decode(errors="replace"))
            raise ExportError(f"ffmpeg could not encode the episode (exit {code}): {message}")


class _Feeder:
    """Writes chunks to the encoder from a thread of its own, so that narrating the next clip
    overlaps with encoding the last one; the queue bounds what waits in memory."""

    _QUEUE_CHUNKS = 64

    def __init__(self, pipe: IO[bytes]) -> None:
        self._pipe = pipe
        self._queue: queue.Queue[bytes | None] = queue.Queue(self._QUEUE_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="encoder-feed", daemon=True)
        self._thread.start()

    def put(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def close(self) -> None:
        """Wait for everything queued to reach the encoder, then close its input."""
        self._queue.put(None)
        self._thread.join()

    def abandon(self) -> None:
        """Stop feeding (the encoder has been killed); queued chunks are dropped."""
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(5)

    def _run(self) -> None:
        broken = False
        while (chunk := self._queue.get()) is not None:
            if broken:
                continue  # keep draining so the producer never blocks; ffmpeg's exit says why
            try:
                self._pipe.write(chunk)
            except (BrokenPipeError, ValueError, OSError):
                broken = True
        with contextlib.suppress(BrokenPipeError, OSError):
            self._pipe.close()


def probe_duration_ms(path: Path) -> int:
    """The duration of an audio file as ffprobe reads it, in milliseconds."""
    ffprobe = require("ffprobe")
    out = run(
        [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        "ffprobe",
    )
    try:
        return round(float(out.strip()) * 1000)
    except ValueError as exc:
        raise ExportError(f"ffprobe could not read the duration of {path}") from exc
