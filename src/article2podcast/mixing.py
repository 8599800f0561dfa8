"""Mixing: trim each clip, put the planned pauses between them, and time everything exactly.

The clips are never added together (`a + b` in pydub copies both operands, which is
quadratic over an episode): the mix is a sequence of raw PCM chunks, handed once to the
encoder, with every utterance's start and end counted in frames as it is laid down.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from .model import Script, Timing, Utterance

SAMPLE_WIDTH = 2  # 16-bit PCM throughout
CHANNELS = 1
# Trimming: what counts as silence around an engine's clip, and how much of it to keep so
# that soft onsets and endings are not clipped.
SILENCE_THRESHOLD_DBFS = -50.0
TRIM_CHUNK_MS = 5
KEEP_MS = 25


@dataclass(frozen=True)
class PcmFormat:
    """The format of the mix's raw audio."""

    sample_rate: int
    """Frames per second."""
    sample_width: int = SAMPLE_WIDTH
    """Bytes per sample."""
    channels: int = CHANNELS
    """Interleaved channels."""

    @property
    def frame_bytes(self) -> int:
        return self.sample_width * self.channels

    def ms(self, frames: int) -> int:
        """`frames` as whole milliseconds."""
        return round(frames * 1000 / self.sample_rate)


@dataclass(frozen=True)
class Mixdown:
    """The laid-out episode: where every utterance landed, and how long it all is."""

    format: PcmFormat
    """The PCM format the chunks were written in."""
    utterances: tuple[Timing, ...]
    """One timing per utterance, in order, from the frames actually laid down."""
    frames: int
    """The episode's length in frames."""

    @property
    def duration_ms(self) -> int:
        return self.format.ms(self.frames)


def trim(clip: AudioSegment) -> AudioSegment:
    """`clip` without the engine's leading and trailing silence (keeping a few milliseconds)."""
    if len(clip) == 0:
        return clip
    lead = detect_leading_silence(clip, SILENCE_THRESHOLD_DBFS, TRIM_CHUNK_MS)
    tail = detect_leading_silence(clip.reverse(), SILENCE_THRESHOLD_DBFS, TRIM_CHUNK_MS)
    start = max(0, lead - KEEP_MS)
    end = min(len(clip), len(clip) - tail + KEEP_MS)
    return clip[start:end] if end > start else clip[:0]


def conform(clip: AudioSegment, fmt: PcmFormat) -> AudioSegment:
    """`clip` in the mix's format (usually it already is: the engine has one native format)."""
    if clip.channels != fmt.channels:
        clip = clip.set_channels(fmt.channels)
    if clip.sample_width != fmt.sample_width:
        clip = clip.set_sample_width(fmt.sample_width)
    if clip.frame_rate != fmt.sample_rate:
        clip = clip.set_frame_rate(fmt.sample_rate)
    return clip


def silence(fmt: PcmFormat, ms: int) -> bytes:
    """`ms` milliseconds of silence in `fmt`."""
    return b"\x00" * (round(ms * fmt.sample_rate / 1000) * fmt.frame_bytes)


class Mixer:
    """Lays clips and pauses down in order; `chunks()` streams the PCM, `mixdown()` times it."""

    def __init__(self, fmt: PcmFormat) -> None:
        self.format = fmt
        self._frames = 0
        self._timings: list[Timing] = []

    def add(self, clip: AudioSegment, pause_before_ms: int) -> Iterator[bytes]:
        """Lay down a pause and then a clip; yields the PCM just laid down."""
        gap = silence(self.format, pause_before_ms)
        data = conform(trim(clip), self.format).raw_data
        start = self._frames + len(gap) // self.format.frame_bytes
        self._frames = start + len(data) // self.format.frame_bytes
        self._timings.append(Timing(self.format.ms(start), self.format.ms(self._frames)))
        yield gap
        yield data

    def finish(self, tail_ms: int) -> Iterator[bytes]:
        """Close the episode with `tail_ms` of silence."""
        gap = silence(self.format, tail_ms)
        self._frames += len(gap) // self.format.frame_bytes
        yield gap

    def mixdown(self) -> Mixdown:
        return Mixdown(self.format, tuple(self._timings), self._frames)


def mix(
    clips: Iterable[AudioSegment], utterances: Sequence[Utterance], mixer: Mixer, tail_ms: int
) -> Iterator[bytes]:
    """Stream the whole episode's PCM; `mixer.mixdown()` has the timings once it is consumed."""
    for clip, utterance in zip(clips, utterances, strict=True):
        yield from mixer.add(clip, utterance.pause_before_ms)
    yield from mixer.finish(tail_ms)


def sentence_timings(
    script: Script, utterances: Sequence[Utterance], timings: Sequence[Timing]
) -> list[list[Timing]]:
    """Per segment, per sentence: the span from its first piece's start to its last's end."""
    spans: list[list[Timing]] = [[] for _ in script.segments]
    current: tuple[int, int] | None = None
    for utterance, timing in zip(utterances, timings, strict=True):
        key = (utterance.segment, utterance.sentence)
        sentences = spans[utterance.segment]
        if key == current:
            sentences[-1] = Timing(sentences[-1].start_ms, timing.end_ms)
        else:
            sentences.append(timing)
            current = key
    return spans
