"""Exporting: encode the mix to MP3 through ffmpeg, and read back what was written."""

from __future__ import annotations

import contextlib
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .errors import ExportError
from .mixing import PcmFormat
from .programs import last_lines, require, run

SAMPLE_RATE = 44_100
# Apple Podcasts asks for 96 kbps or more for mono speech.
BITRATE = "96k"


def encode_mp3(
    chunks: Iterable[bytes], fmt: PcmFormat, destination: Path, bitrate: str = BITRATE
) -> None:
    """Stream raw PCM chunks through ffmpeg into an MP3 file at `destination`."""
    ffmpeg = require("ffmpeg")
    command = [
        ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", f"s{fmt.sample_width * 8}le", "-ar", str(fmt.sample_rate),
        "-ac", str(fmt.channels), "-i", "pipe:0",
        "-ar", str(SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", bitrate,
        "-id3v2_version", "3", "-f", "mp3", str(destination),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=stderr)
        assert process.stdin is not None
        feeder = _Feeder(process.stdin)
        try:
            for chunk in chunks:
                if feeder.broken:
                    break  # ffmpeg has stopped: no use narrating the rest
                feeder.put(chunk)
            feeder.close()
        except BaseException:
            process.kill()
            feeder.abandon()
            process.wait()
            raise
        code = process.wait()
        if code != 0 or feeder.broken:
            stderr.seek(0)
            message = last_lines(stderr.read().decode(errors="replace"))
            raise ExportError(f"ffmpeg could not encode the episode (exit {code}): {message}")


class _Feeder:
    """Writes chunks to the encoder from a thread of its own, so that narrating the next clip
    overlaps with encoding the last; the queue bounds what waits in memory."""

    _QUEUE_CHUNKS = 64

    def __init__(self, pipe: IO[bytes]) -> None:
        self._pipe = pipe
        self._queue: queue.Queue[bytes | None] = queue.Queue(self._QUEUE_CHUNKS)
        self.broken = False
        """The encoder stopped reading (it failed, or was killed)."""
        self._thread = threading.Thread(target=self._run, name="encoder-feed", daemon=True)
        self._thread.start()

    def put(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def close(self) -> None:
        """Wait for everything queued to reach the encoder, then close its input."""
        self._queue.put(None)
        self._thread.join()

    def abandon(self) -> None:
        """Stop feeding (the encoder has been killed); what is still queued is dropped."""
        with self._queue.mutex:
            self._queue.queue.clear()
            self._queue.not_full.notify_all()
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)
        self._thread.join(5)

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self.broken:
                continue  # keep draining so that the producer never blocks
            try:
                self._pipe.write(chunk)
            except (BrokenPipeError, ValueError, OSError):
                self.broken = True
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
