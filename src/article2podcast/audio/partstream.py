"""Part streams: parts of the mix levelled, limited and encoded to MP3 one after another by one
ffmpeg, and measured as delivered by a second, as they arrive; then cut back into parts.

An episode's new parts go through one stream, or two at once on a machine with cores to spare
(`rendering`). The encoder runs LAME with its bit reservoir off, so that every frame stands on
its own and a part's frames can be cut out of the stream and joined to any other part's
(`mp3frames`: the reservoir lets a frame borrow bytes from the frames before it, which after a
cut would be another part's); at 96 kbps mono that added 2% to the coding noise of an
espeak-ng sentence (rms 162 against 160, `tests/test_parts_join.py` measures it). The meter
decodes the encoder's output and logs BS.1770 loudness every 100 ms and the silences, which are
shared out among the parts by time.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import re
import subprocess
import tempfile
import threading
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import ExportError
from ..programs import last_lines, require, spawn
from .ffmpeg import SILENCE_FILTER, Feeder, levelling
from .formats import BITRATE, Format
from .mixing import PcmFormat
from .mp3frames import FRAME_SAMPLES, SAMPLES_AHEAD, Stream, info_frame, split, whole_frames
from .parts import BLOCK_S, Measured

_METER = f"ebur128=peak=true:framelog=info,{SILENCE_FILTER}"
_LINE = re.compile(
    r"t: *(?P<t>[\d.]+) .*?M: *(?P<m>-?[\d.]+|-inf|nan) +S: *(?P<s>-?[\d.]+|-inf|nan)"
    r".*?FTPK: *(?P<peak>-?[\d.]+|-inf|nan) dBFS"
)
_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")
_PUMP_BYTES = 1 << 16


@dataclass(frozen=True)
class Placed:
    """A part in a stream."""

    index: int
    """The part's index in the episode."""
    start: int
    """Its first sample in the stream (delivered rate)."""
    samples: int
    """Its length in delivered samples (whole frames)."""


class PartStream:
    """One encoder and its meter; parts are fed in order, `finish` cuts them out again."""

    def __init__(
        self, pcm: PcmFormat, fmt: Format, folder: Path, *, gain_db: float, ceiling_dbtp: float
    ) -> None:
        self.format = pcm
        self.delivered_rate = fmt.sample_rate
        self.placed: list[Placed] = []
        self._samples = 0
        self.failed: OSError | None = None
        """Why the encoded stream could not be written down (a full disk), if it could not."""
        ffmpeg = require("ffmpeg")
        # Open as long as the stream lives: `close` closes them (the files are in the run's
        # scratch folder, which goes with the run whatever happens).
        self._files = contextlib.ExitStack()
        self._file = self._files.enter_context(
            tempfile.NamedTemporaryFile(dir=folder, suffix=".mp3", delete=False)  # noqa: SIM115
        )
        self._log = self._files.enter_context(tempfile.TemporaryFile(dir=folder))  # noqa: SIM115
        meter_log = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115
        self._meter_log = self._files.enter_context(meter_log)
        self._processes: list[subprocess.Popen[bytes]] = []
        try:
            self._encoder = spawn(
                [
                    ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error",
                    "-f", f"s{pcm.sample_width * 8}le", "-ar", str(pcm.sample_rate),
                    "-ac", str(pcm.channels), "-i", "pipe:0",
                    "-af", levelling(gain_db, ceiling_dbtp, fmt.sample_rate), "-ac", "1",
                    "-c:a", fmt.codec, "-b:a", fmt.bitrate or BITRATE, "-reservoir", "0",
                    "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1",
                ],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            )  # fmt: skip
            self._processes.append(self._encoder)
            self._meter = spawn(
                [ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-f", "mp3", "-i", "pipe:0",
                 "-af", _METER, "-f", "null", "-"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._meter_log,
            )  # fmt: skip
            self._processes.append(self._meter)
        except BaseException:
            self.abort()
            raise
        assert self._encoder.stdin is not None
        self._feeder = Feeder(self._encoder.stdin)
        self._pump = threading.Thread(target=self._copy_out, name="part-stream", daemon=True)
        self._pump.start()

    def add(self, index: int, chunks: Iterator[bytes]) -> None:
        """Feed part `index`'s PCM (a whole number of MP3 frames once resampled)."""
        frames = 0
        for chunk in chunks:
            frames += len(chunk) // self.format.frame_bytes
            self._feeder.put(chunk)
        samples = frames * self.delivered_rate // self.format.sample_rate
        self.placed.append(Placed(index, self._samples, samples))
        self._samples += samples

    def finish(self) -> tuple[Path, dict[int, tuple[int, int]], dict[int, Measured]]:
        """Wait for the encoder and the meter: the stream's file, each part's byte range in it
        (its frames and the one after, which carries its last samples), and its measures."""
        self._feeder.close()
        encoder_code = self._encoder.wait()
        self._pump.join()
        meter_code = self._meter.wait()
        if encoder_code != 0 or self._feeder.broken:
            self._log.seek(0)
            message = last_lines(self._log.read().decode(errors="replace"))
            raise ExportError(
                f"ffmpeg could not encode the episode (exit {encoder_code}): {message}"
            )
        if self.failed is not None:
            raise write_error(Path(self._file.name).parent, self.failed)
        if meter_code != 0:
            self._meter_log.seek(max(0, self._meter_log.seek(0, 2) - 4096))
            tail = last_lines(self._meter_log.read().decode(errors="replace"))
            raise ExportError(f"ffmpeg could not measure the episode (exit {meter_code}): {tail}")
        path = Path(self._file.name)
        offsets = frame_offsets(path)
        ranges = {}
        for part in self.placed:
            first = part.start // FRAME_SAMPLES
            last = first + part.samples // FRAME_SAMPLES  # the frame after: its last samples
            if last + 1 >= len(offsets):
                raise ExportError("the encoder wrote fewer frames than the episode needs")
            ranges[part.index] = (offsets[first], offsets[last + 1])
        self._meter_log.seek(0)
        return path, ranges, self._measures(self._meter_log)

    def abort(self) -> None:
        """Stop everything (an error or an interrupt)."""
        for process in self._processes:
            process.kill()
        if hasattr(self, "_feeder"):
            self._feeder.abandon()
        for process in self._processes:
            process.wait()
        if hasattr(self, "_pump"):
            self._pump.join()

    def close(self) -> None:
        self._files.close()
        with contextlib.suppress(FileNotFoundError):
            Path(self._file.name).unlink()

    def _copy_out(self) -> None:
        """The encoder's output to the stream's file and to the meter."""
        assert self._encoder.stdout is not None and self._meter.stdin is not None
        meter: IO[bytes] | None = self._meter.stdin
        while chunk := self._encoder.stdout.read(_PUMP_BYTES):
            if self.failed is None:
                try:
                    self._file.write(chunk)
                except OSError as exc:  # a full disk: the encoder is drained all the same
                    self.failed = exc
            if meter is not None:
                try:
                    meter.write(chunk)
                except (BrokenPipeError, OSError, ValueError):
                    meter = None  # the meter failed: its exit code says so
        with contextlib.suppress(OSError):
            self._file.flush()
        self._encoder.stdout.close()
        with contextlib.suppress(BrokenPipeError, OSError):
            self._meter.stdin.close()

    def _measures(self, log: IO[bytes]) -> dict[int, Measured]:
        """The meter's log shared out among the parts by time, read line by line (five hours
        log 180,000 lines, 30 MB: not held whole)."""
        rate = self.delivered_rate
        bounds = [(p.start, p.start + p.samples) for p in self.placed]
        lines: list[list[tuple[float, float, float]]] = [[] for _ in self.placed]
        events: list[tuple[str, float]] = []
        for raw in log:
            line = raw.decode(errors="replace")
            if match := _LINE.search(line):
                # A block's value is logged at its end; it is the part's where its middle is.
                middle = (float(match["t"]) - 2 * BLOCK_S) * rate - SAMPLES_AHEAD
                found = _part_at(bounds, middle)
                if found is not None:
                    logged = (_value(match["m"]), _value(match["s"]), _value(match["peak"]))
                    lines[found].append(logged)
            elif found_silence := _SILENCE.search(line):
                events.append((found_silence[1], float(found_silence[2])))
        silences = _silences(events, rate, bounds)
        measures = {}
        for number, part in enumerate(self.placed):
            entries = lines[number]
            measures[part.index] = Measured(
                momentary=tuple(entry[0] for entry in entries),
                short_term=tuple(entry[1] for entry in entries),
                peak_dbtp=max((entry[2] for entry in entries), default=-120.0),
                silences=tuple(silences[number]),
            )
        return measures


def _value(text: str) -> float:
    return -120.0 if text in ("-inf", "nan") else float(text)


def _part_at(bounds: list[tuple[int, int]], sample: float) -> int | None:
    """Which part (of parts laid end to end) holds `sample`: before the first, the first;
    after the last, the last. A search, not a scan: a 5-hour episode has 180,000 of the
    meter's lines and a thousand parts."""
    if not bounds:
        return None
    return max(0, bisect.bisect_right(bounds, (sample, math.inf)) - 1)


def _silences(
    events: list[tuple[str, float]], rate: int, bounds: list[tuple[int, int]]
) -> list[list[tuple[float, float]]]:
    """Each part's silences, (start, duration) in seconds from its start, cut at its edges,
    from the silence detector's ("start" or "end", seconds) events."""
    found: list[list[tuple[float, float]]] = [[] for _ in bounds]
    start: float | None = None
    end_of_stream = bounds[-1][1] / rate if bounds else 0.0
    spans = []
    for kind, value in events:
        at = max(0.0, value - SAMPLES_AHEAD / rate)
        if kind == "start":
            start = at
        elif start is not None:
            spans.append((start, at))
            start = None
    if start is not None:
        spans.append((start, end_of_stream))
    for begin, end in spans:
        first, last = _part_at(bounds, begin * rate), _part_at(bounds, end * rate)
        assert first is not None and last is not None
        for number in range(first, last + 1):
            low, high = bounds[number]
            a, b = max(begin, low / rate), min(end, high / rate)
            if b > a:
                found[number].append((round(a - low / rate, 4), round(b - a, 4)))
    return found


def frame_offsets(path: Path) -> array[int]:
    """The byte offset of every frame of a raw MP3 stream in `path`, and its end."""
    offsets: array[int] = array("q", [0])
    position = 0
    data = b""
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            data += chunk
            lengths, used = whole_frames(data)
            for length in lengths:
                position += length
                offsets.append(position)
            data = data[used:]
    if data:
        raise ExportError("the encoded stream ends in a partial frame")
    return offsets


def write_error(folder: Path, exc: OSError) -> ExportError:
    """The one line for a file that could not be written in `folder` (a full disk, most
    likely)."""
    return ExportError(
        f"could not write the episode in {folder} ({exc.strerror or exc}); free some space "
        "there, or choose another folder (nothing was written)"
    )


def join(destination: Path, parts: Iterable[tuple[bytes, int]]) -> None:
    """Write one gapless MP3 file of `parts`, each its frames (and the frame after them, as
    `PartStream.finish` cuts them) and how many samples it holds."""
    try:
        _join(destination, parts)
    except OSError as exc:
        raise write_error(destination.parent, exc) from exc


def _join(destination: Path, parts: Iterable[tuple[bytes, int]]) -> None:
    written = samples = 0
    stream: Stream | None = None
    with destination.open("wb") as out:
        for number, (frames, count) in enumerate(parts):
            lengths, used = whole_frames(frames)
            if used != len(frames) or len(lengths) != count // FRAME_SAMPLES + 1:
                raise ExportError(f"part {number + 1} of the episode has the wrong frames")
            if stream is None:
                stream = split(frames[: lengths[0]])[0]
                out.write(bytes(len(info_frame(stream, 1, 0, 0))))  # written last
            keep = len(frames) - lengths[-1]  # the frame after is the next part's first
            out.write(frames[:keep])
            written += keep
            samples += count
            last = frames[keep:]
        if stream is None:
            raise ExportError("the episode has no frames")
        out.write(last)  # the last part's frame after: its last samples
        written += len(last)
        out.seek(0)
        out.write(info_frame(stream, samples // FRAME_SAMPLES + 1, written, samples))
