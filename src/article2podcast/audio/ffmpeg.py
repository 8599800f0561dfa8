"""ffmpeg: the one place that runs ffmpeg and ffprobe, and owns their command lines and filters.

It encodes the mix to the episode's format (see `formats`) at podcast loudness and measures
files (loudness and silences in one run; `loudness` and `verifying` read the reports).
Usually the mix streams, as it is narrated, through one ffmpeg that levels, limits and
encodes it while a second measures what was written (`encode_stream`). When that misses the
target, `mastering` takes the careful way: a lossless FLAC master (`render_master`), levelled
with a gain and a true-peak limiter (`limit`, run at twice the sample rate, so that the
peaks between samples are caught too), then encoded (`encode`) and measured (`measure`).
`encode` also writes the tags and chapters of the formats that ffmpeg tags.
"""

from __future__ import annotations

import contextlib
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import ExportError
from ..programs import last_lines, require, run, spawn
from .formats import Format, format_for
from .loudness import Loudness, parse_ebur128_summary
from .mixing import PcmFormat
from .verifying import SILENCE_DB, SILENCE_MIN_S, parse_silences

# ffmpeg's BS.1770 meter: its summary goes to stderr at the info level, per-frame lines not.
MEASURE_FILTER = "ebur128=peak=true:framelog=verbose"
# ffmpeg's silence detector, with the thresholds `verifying.check_episode` judges by.
SILENCE_FILTER = f"silencedetect=noise={SILENCE_DB}dB:duration={SILENCE_MIN_S}"
# The limiter runs at twice the delivered rate, so that most peaks between samples are caught:
# on the six sample articles the delivered true peak was -1.4 to -1.5 dBTP at twice the rate
# and -1.2 to -1.7 at four times (the same loudness to 0.01 LU), and the limiter cost 0.36 s
# of CPU on the sample instead of 0.47 to 0.62 s. What is delivered is measured (true peak,
# four times oversampled, by ebur128) and mastered again the careful way if over -1 dBTP.
_OVERSAMPLING = 2


def render_master(chunks: Iterable[bytes], fmt: PcmFormat, destination: Path) -> Loudness:
    """Stream raw PCM chunks through ffmpeg into a lossless FLAC master at `destination`;
    returns its loudness, measured on the way."""
    ffmpeg = require("ffmpeg")
    command = [
        ffmpeg, "-hide_banner", "-nostats", "-y",
        "-f", f"s{fmt.sample_width * 8}le", "-ar", str(fmt.sample_rate),
        "-ac", str(fmt.channels), "-i", "pipe:0", "-af", MEASURE_FILTER,
        "-c:a", "flac", "-sample_fmt", "s16", "-compression_level", "0", "-f", "flac",
        str(destination),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as stderr:
        process = spawn(command, stdin=subprocess.PIPE, stderr=stderr)
        assert process.stdin is not None
        feeder = None
        try:
            feeder = Feeder(process.stdin)
            feeder.feed(chunks)
        except BaseException:
            process.kill()
            if feeder is not None:
                feeder.abandon()
            process.wait()
            raise
        code = process.wait()
        stderr.seek(0)
        report = stderr.read().decode(errors="replace")
        if code != 0 or feeder.broken:
            message = last_lines(report)
            raise ExportError(f"ffmpeg could not render the episode (exit {code}): {message}")
    return parse_ebur128_summary(report)


def limit(
    master: Path, destination: Path, *, gain_db: float, ceiling_dbtp: float, sample_rate: int
) -> Loudness:
    """Apply `gain_db` and a true-peak limiter at `ceiling_dbtp` to the master, resampled to
    `sample_rate`, into a WAV file at `destination`; returns its loudness, measured on the way."""
    ffmpeg = require("ffmpeg")
    chain = f"{levelling(gain_db, ceiling_dbtp, sample_rate)},{MEASURE_FILTER}"
    report = run(
        [ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-y",
         "-i", str(master), "-af", chain, "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav",
         str(destination)],
        "ffmpeg (levelling the episode)",
        stderr=True,
    )  # fmt: skip
    return parse_ebur128_summary(report)


def levelling(gain_db: float, ceiling_dbtp: float, sample_rate: int) -> str:
    """ffmpeg's filters for a gain and a true-peak limiter, ending at `sample_rate`."""
    oversampled = sample_rate * _OVERSAMPLING
    return (
        f"volume={gain_db:.2f}dB,aresample={oversampled},"
        f"alimiter=limit={10 ** (ceiling_dbtp / 20):.4f}:attack=1:release=60:level=disabled"
        f":latency=1,aresample={sample_rate}"
    )


def encode_stream(
    chunks: Iterable[bytes],
    pcm: PcmFormat,
    destination: Path,
    *,
    gain_db: float,
    ceiling_dbtp: float,
    bitrate: str | None = None,
) -> Delivered:
    """Level, limit and encode raw PCM chunks into `destination` (format by extension, no
    tags) as they arrive, in one pass; returns the delivered loudness and silences.

    The encoded stream is also piped to a second ffmpeg that decodes and measures it at the
    same time, so what is measured is what was delivered, at no extra pass.
    """
    ffmpeg = require("ffmpeg")
    fmt = format_for(destination)
    encoder_command = _stream_encoder_command(
        ffmpeg, pcm, destination, fmt, levelling(gain_db, ceiling_dbtp, fmt.sample_rate),
        bitrate or fmt.bitrate,
    )  # fmt: skip
    meter_command = [
        ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-f", fmt.pipe[1], "-i", "pipe:0",
        "-af", _MEASURING, "-f", "null", "-",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as encoder_log, tempfile.TemporaryFile() as meter_log:
        processes: list[subprocess.Popen[bytes]] = []
        feeder = None
        try:
            encoder = spawn(
                encoder_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=encoder_log
            )
            processes.append(encoder)
            assert encoder.stdin is not None and encoder.stdout is not None
            meter = spawn(
                meter_command, stdin=encoder.stdout, stdout=subprocess.DEVNULL, stderr=meter_log
            )
            processes.append(meter)
            encoder.stdout.close()  # the meter alone reads it now: it sees the stream's end
            feeder = Feeder(encoder.stdin)
            feeder.feed(chunks)
        except BaseException:
            for process in processes:
                process.kill()
            if feeder is not None:
                feeder.abandon()
            for process in processes:
                process.wait()
            raise
        encoder_code = encoder.wait()
        meter_code = meter.wait()
        if encoder_code != 0 or feeder.broken:
            encoder_log.seek(0)
            message = last_lines(encoder_log.read().decode(errors="replace"))
            raise ExportError(
                f"ffmpeg could not encode the episode (exit {encoder_code}): {message}"
            )
        meter_log.seek(0)
        report = meter_log.read().decode(errors="replace")
        if meter_code != 0:
            raise ExportError(
                f"ffmpeg could not measure the episode (exit {meter_code}): {last_lines(report)}"
            )
    return _delivered(report)


def _stream_encoder_command(
    ffmpeg: str, pcm: PcmFormat, destination: Path, fmt: Format, filters: str, rate: str | None
) -> list[str]:
    """The encoder of `encode_stream`: raw PCM in, through `filters`, out to `destination` and,
    by the tee muxer, to its stdout for the meter."""
    # The tee muxer takes the muxer's options per output, not as codec options.
    options = [f"f={fmt.muxer}", "onfail=abort"]
    options += [f"{name}={value}" for name, value in fmt.muxer_options]
    if fmt.muxer == "mp3":
        options.append("id3v2_version=3")
    command = [
        ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", f"s{pcm.sample_width * 8}le", "-ar", str(pcm.sample_rate),
        "-ac", str(pcm.channels), "-i", "pipe:0",
        "-af", filters, "-ac", "1", "-c:a", fmt.codec,
    ]  # fmt: skip
    if rate:
        command += ["-b:a", rate]
    return [
        *command, "-map", "0:a", "-f", "tee",
        # onfail=abort: a full disk must stop the run, not leave a truncated file behind.
        f"[{':'.join(options)}]file:{_tee_escape(str(destination))}"
        f"|[f={fmt.pipe[0]}:onfail=abort]pipe:1",
    ]  # fmt: skip


@dataclass(frozen=True)
class Delivered:
    """What was measured on an encoded episode."""

    loudness: Loudness
    """Its loudness."""
    silences: list[tuple[float, float]]
    """(start, duration) in seconds of its silences (see `verifying`)."""


# What every measurement of a file runs: the loudness meter, then the silence detector.
_MEASURING = f"{MEASURE_FILTER},{SILENCE_FILTER}"


def _delivered(report: str) -> Delivered:
    """What ffmpeg's `_MEASURING` filters reported on stderr."""
    return Delivered(parse_ebur128_summary(report), parse_silences(report))


def measure_delivered(path: Path) -> Delivered:
    """The loudness and silences of an audio file, in one ffmpeg run."""
    ffmpeg = require("ffmpeg")
    report = run(
        [ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-i", str(path),
         "-af", _MEASURING, "-f", "null", "-"],
        "ffmpeg (measuring the episode)",
        stderr=True,
    )  # fmt: skip
    return _delivered(report)


def measure(path: Path) -> Loudness:
    """The integrated loudness, true peak and loudness range of an audio file."""
    return measure_delivered(path).loudness


def _tee_escape(path: str) -> str:
    """`path` as one output of ffmpeg's tee muxer, whose syntax gives \\ ' | [ ] meaning."""
    return "".join("\\" + char if char in "\\'|[]" else char for char in path)


def encode(
    source: Path,
    destination: Path,
    *,
    metadata: Mapping[str, str],
    chapters: Sequence[tuple[int, int, str]],
    bitrate: str | None = None,
    copy: bool = False,
) -> None:
    """Encode `source` into `destination` (format by extension) with, for the formats ffmpeg
    tags, the metadata and chapters (milliseconds); with `copy`, `source` is already encoded
    in that format and only the tags and chapters are added."""
    ffmpeg = require("ffmpeg")
    fmt = format_for(destination)
    command = [ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-nostdin", "-y"]
    command += ["-i", str(source)]
    muxing = [arg for name, value in fmt.muxer_options for arg in (f"-{name}", value)]
    with tempfile.TemporaryDirectory(prefix="article2podcast-meta-") as scratch:
        if fmt.ffmpeg_tags:
            meta = Path(scratch) / "metadata.txt"
            meta.write_text(ffmetadata(metadata, chapters), encoding="utf-8")
            command += ["-i", str(meta), "-map_metadata", "1", "-map_chapters", "1"]
        command += ["-map", "0:a"]
        if metadata.get("language"):  # the track's own language too (MP4 keeps only that)
            command += ["-metadata:s:a:0", f"language={metadata['language']}"]
        if copy:
            command += ["-c:a", "copy", *muxing]
        else:
            command += ["-ar", str(fmt.sample_rate), "-c:a", fmt.codec, *muxing]
            rate = bitrate or fmt.bitrate
            if rate:
                command += ["-b:a", rate]
        if fmt.muxer == "mp3":
            command += ["-id3v2_version", "3", "-write_xing", "1"]
        command += ["-f", fmt.muxer, str(destination)]
        run(command, "ffmpeg (encoding the episode)")


def ffmetadata(metadata: Mapping[str, str], chapters: Sequence[tuple[int, int, str]]) -> str:
    """ffmpeg's FFMETADATA1 text for global tags and chapters (milliseconds)."""
    lines = [";FFMETADATA1"]
    lines += [f"{key}={_escape(value)}" for key, value in metadata.items()]
    for start, end, title in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={start}", f"END={end}"]
        lines.append(f"title={_escape(title)}")
    return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    for special in ("\\", "=", ";", "#", "\n"):
        value = value.replace(special, "\\" + special)
    return value


class Feeder:
    """Writes chunks to the encoder from a thread of its own, so that narrating the next clip
    overlaps with encoding the last; the queue bounds what waits in memory."""

    # A chunk is a pause or a clip (up to about 0.9 MB of PCM for a 20 s clip); an MP3 in parts
    # has two encoders, each with its queue: 16 chunks each kept a 5-hour episode's producer
    # under 300 MB, and still hold some 40 s of speech ahead of each encoder.
    _QUEUE_CHUNKS = 16

    def __init__(self, pipe: IO[bytes]) -> None:
        self._pipe = pipe
        self._queue: queue.Queue[bytes | None] = queue.Queue(self._QUEUE_CHUNKS)
        self.broken = False
        """The encoder stopped reading (it failed, or was killed)."""
        self._thread = threading.Thread(target=self._run, name="encoder-feed", daemon=True)
        self._thread.start()

    def feed(self, chunks: Iterable[bytes]) -> None:
        """Queue every chunk (stopping early if the encoder has stopped: no use narrating the
        rest), then close the encoder's input once all has reached it."""
        for chunk in chunks:
            if self.broken:
                break
            self._queue.put(chunk)
        self.close()

    def put(self, chunk: bytes) -> None:
        """Queue one chunk (dropped once the encoder has stopped: `broken` says so)."""
        if not self.broken:
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
