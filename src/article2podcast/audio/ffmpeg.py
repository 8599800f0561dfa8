"""Exporting: render the mix, then encode it to the episode's format at podcast loudness.

Two ffmpeg runs. The mix streams into a lossless master (FLAC, in a scratch folder) as it is
narrated; the master is then encoded to the output format with a gain that brings it to the
loudness target and a true-peak limiter (run at four times the sample rate, so that the
peaks between samples are caught too), with the chapters for formats that ffmpeg tags.
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
from .loudness import MEASURE_FILTER, Loudness, parse_ebur128_summary
from .mixing import PcmFormat
from .verifying import parse_silences, silence_filter

SAMPLE_RATE = 44_100
# Apple Podcasts asks for 96 kbps or more for mono speech.
BITRATE = "96k"
_OVERSAMPLING = 4


@dataclass(frozen=True)
class Format:
    """An output format, chosen by the episode's file extension."""

    codec: tuple[str, ...]
    """ffmpeg's codec arguments."""
    sample_rate: int
    """The delivered sample rate."""
    muxer: str
    """ffmpeg's output format."""
    mime: str
    """The MIME type (for feeds)."""
    ffmpeg_tags: bool
    """Whether ffmpeg writes the tags and chapters (MP3's are written with mutagen)."""
    limiter_margin_db: float
    """How far below the true-peak ceiling the limiter aims: lossy codecs overshoot it."""
    expected_shift_lu: float
    """How much encoding usually changes the integrated loudness (measured here)."""


_AAC = ("-c:a", "aac", "-movflags", "+faststart")
FORMATS: dict[str, Format] = {
    ".mp3": Format(("-c:a", "libmp3lame"), SAMPLE_RATE, "mp3", "audio/mpeg", False, 0.5, -0.4),
    ".m4a": Format(_AAC, SAMPLE_RATE, "ipod", "audio/mp4", True, 2.0, 0.0),
    ".m4b": Format(_AAC, SAMPLE_RATE, "ipod", "audio/mp4", True, 2.0, 0.0),
    ".ogg": Format(("-c:a", "libvorbis"), SAMPLE_RATE, "ogg", "audio/ogg", True, 0.8, 0.0),
    ".opus": Format(("-c:a", "libopus"), 48_000, "opus", "audio/ogg", True, 0.8, 0.0),
    ".flac": Format(("-c:a", "flac"), SAMPLE_RATE, "flac", "audio/flac", True, 0.1, 0.0),
    ".wav": Format(("-c:a", "pcm_s16le"), SAMPLE_RATE, "wav", "audio/wav", True, 0.1, 0.0),
}
LOSSY_BITRATE = {".mp3": BITRATE, ".m4a": BITRATE, ".m4b": BITRATE, ".ogg": BITRATE, ".opus": "64k"}


def format_for(path: Path) -> Format:
    """The format of an episode file, by its extension (see FORMATS)."""
    return FORMATS[path.suffix.lower()]


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
            feeder = _Feeder(process.stdin)
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
    chain = f"{_levelling(gain_db, ceiling_dbtp, sample_rate)},{MEASURE_FILTER}"
    report = run(
        [ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-y",
         "-i", str(master), "-af", chain, "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav",
         str(destination)],
        "ffmpeg (levelling the episode)",
        stderr=True,
    )  # fmt: skip
    return parse_ebur128_summary(report)


def _levelling(gain_db: float, ceiling_dbtp: float, sample_rate: int) -> str:
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
    muxing = _muxer_options(fmt)  # the tee muxer takes these per output, not as codec options
    codec = [arg for arg in fmt.codec if arg not in muxing]
    options = [f"f={fmt.muxer}", "onfail=abort"]
    options += [f"{muxing[i].lstrip('-')}={muxing[i + 1]}" for i in range(0, len(muxing), 2)]
    if fmt.muxer == "mp3":
        options.append("id3v2_version=3")
    pipe_muxer, pipe_demuxer = _PIPE_FORMATS[fmt.muxer]
    encoder_command = [
        ffmpeg, "-hide_banner", "-nostats", "-loglevel", "error", "-y",
        "-f", f"s{pcm.sample_width * 8}le", "-ar", str(pcm.sample_rate),
        "-ac", str(pcm.channels), "-i", "pipe:0",
        "-af", _levelling(gain_db, ceiling_dbtp, fmt.sample_rate), "-ac", "1", *codec,
    ]  # fmt: skip
    rate = bitrate or LOSSY_BITRATE.get(destination.suffix.lower())
    if rate:
        encoder_command += ["-b:a", rate]
    encoder_command += [
        "-map", "0:a", "-f", "tee",
        # onfail=abort: a full disk must stop the run, not leave a truncated file behind.
        f"[{':'.join(options)}]file:{_tee_escape(str(destination))}"
        f"|[f={pipe_muxer}:onfail=abort]pipe:1",
    ]  # fmt: skip
    meter_command = [
        ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-f", pipe_demuxer, "-i", "pipe:0",
        "-af", f"{MEASURE_FILTER},{silence_filter()}", "-f", "null", "-",
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
            feeder = _Feeder(encoder.stdin)
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
    return Delivered(parse_ebur128_summary(report), parse_silences(report))


@dataclass(frozen=True)
class Delivered:
    """What was measured on an encoded episode."""

    loudness: Loudness
    """Its loudness."""
    silences: list[tuple[float, float]]
    """(start, duration) in seconds of its silences (see `verifying`)."""


def measure_delivered(path: Path) -> Delivered:
    """The loudness and silences of an encoded episode, in one ffmpeg run."""
    ffmpeg = require("ffmpeg")
    report = run(
        [ffmpeg, "-hide_banner", "-nostats", "-nostdin", "-i", str(path),
         "-af", f"{MEASURE_FILTER},{silence_filter()}", "-f", "null", "-"],
        "ffmpeg (measuring the episode)",
        stderr=True,
    )  # fmt: skip
    return Delivered(parse_ebur128_summary(report), parse_silences(report))


# How the encoded stream is piped to the meter: the muxer that writes it, the demuxer that
# reads it (MP4 cannot be written to a pipe; its AAC goes in ADTS frames).
_PIPE_FORMATS = {
    "mp3": ("mp3", "mp3"),
    "ipod": ("adts", "aac"),
    "ogg": ("ogg", "ogg"),
    "opus": ("ogg", "ogg"),
    "flac": ("flac", "flac"),
    "wav": ("wav", "wav"),
}


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
    with tempfile.TemporaryDirectory(prefix="article2podcast-meta-") as scratch:
        if fmt.ffmpeg_tags:
            meta = Path(scratch) / "metadata.txt"
            meta.write_text(ffmetadata(metadata, chapters), encoding="utf-8")
            command += ["-i", str(meta), "-map_metadata", "1", "-map_chapters", "1"]
        command += ["-map", "0:a"]
        if copy:
            command += ["-c:a", "copy", *_muxer_options(fmt)]
        else:
            command += ["-ar", str(fmt.sample_rate), *fmt.codec]
            rate = bitrate or LOSSY_BITRATE.get(destination.suffix.lower())
            if rate:
                command += ["-b:a", rate]
        if fmt.muxer == "mp3":
            command += ["-id3v2_version", "3", "-write_xing", "1"]
        command += ["-f", fmt.muxer, str(destination)]
        run(command, "ffmpeg (encoding the episode)")


def _muxer_options(fmt: Format) -> list[str]:
    codec = list(fmt.codec)
    return (
        codec[codec.index("-movflags") : codec.index("-movflags") + 2]
        if "-movflags" in codec
        else []
    )


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

    def feed(self, chunks: Iterable[bytes]) -> None:
        """Queue every chunk (stopping early if the encoder has stopped: no use narrating the
        rest), then close the encoder's input once all has reached it."""
        for chunk in chunks:
            if self.broken:
                break
            self._queue.put(chunk)
        self.close()

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
