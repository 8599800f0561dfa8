"""Mixing: level each clip, put the planned pauses between them, and time everything exactly.

The clips are never added together (`a + b` in pydub copies both operands, which is
quadratic over an episode): the mix is a sequence of raw PCM chunks, handed once to the
encoder, with every utterance's start and end counted in frames as it is laid down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydub import AudioSegment
from pydub.silence import detect_leading_silence

from ..model import Clip, Script, Timing, Utterance, WordTime

if TYPE_CHECKING:
    from .parts import Record

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
    words: tuple[tuple[WordTime, ...], ...] = ()
    """One per utterance: its words, in ms from the start of the episode."""
    words_from: tuple[str, ...] = ()
    """One per utterance: who timed its words (see `Clip.words_from`)."""

    @property
    def duration_ms(self) -> int:
        return self.format.ms(self.frames)


def trim(clip: AudioSegment) -> AudioSegment:
    """`clip` without the engine's leading and trailing silence (keeping a few milliseconds)."""
    start, end = trim_bounds(clip)
    return clip[start:end] if end > start else clip[:0]


def trim_bounds(clip: AudioSegment) -> tuple[int, int]:
    """Where `trim` cuts `clip`: the ms it keeps from and to (from == to: nothing kept)."""
    if len(clip) == 0:
        return 0, 0
    lead = detect_leading_silence(clip, SILENCE_THRESHOLD_DBFS, TRIM_CHUNK_MS)
    tail = detect_leading_silence(clip.reverse(), SILENCE_THRESHOLD_DBFS, TRIM_CHUNK_MS)
    start = max(0, lead - KEEP_MS)
    end = min(len(clip), len(clip) - tail + KEEP_MS)
    return (start, end) if end > start else (start, start)


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
    """Lays clips and pauses down in order, each clip levelled to the same loudness;
    `mixdown()` says where everything landed."""

    def __init__(self, fmt: PcmFormat, *, level: bool = True) -> None:
        self.format = fmt
        self._level = level
        self._frames = 0
        self._timings: list[Timing] = []
        self.spans: list[tuple[int, int]] = []
        """Each utterance's start and end frame, as laid down."""
        self._words: list[tuple[WordTime, ...]] = []
        self._words_from: list[str] = []
        self._last_gain: dict[str, float] = {}

    def add(self, clip: Clip | None, pause_before_ms: int, voice: str = "") -> Iterator[bytes]:
        """Lay down a pause and then a clip; yields the PCM just laid down."""
        gap = silence(self.format, pause_before_ms)
        data = self._prepare(clip, voice)
        start = self._frames + len(gap) // self.format.frame_bytes
        self._frames = start + len(data) // self.format.frame_bytes
        self._lay(start, self._frames, clip)
        yield gap
        yield data

    def add_with_bed(
        self, clips: Sequence[tuple[Clip | None, Utterance]], music: Music
    ) -> Iterator[bytes]:
        """Lay down a short section (the intro) with the music bed under it, ducked under the
        speech, fading out over `music.bed_tail_ms` after the last word."""
        parts: list[bytes] = []
        spans: list[tuple[int, int]] = []
        offset = 0  # frames from the start of the section
        for clip, utterance in clips:
            gap = silence(self.format, utterance.pause_before_ms)
            data = self._prepare(clip, utterance.role)
            start = offset + len(gap) // self.format.frame_bytes
            offset = start + len(data) // self.format.frame_bytes
            self._lay(self._frames + start, self._frames + offset, clip)
            spans.append((self.format.ms(start), self.format.ms(offset)))
            parts += [gap, data]
        parts.append(silence(self.format, music.bed_tail_ms))
        section = AudioSegment(
            b"".join(parts),
            sample_width=self.format.sample_width,
            frame_rate=self.format.sample_rate,
            channels=self.format.channels,
        )
        bed = music.duck(music.bed(len(section), self.format.sample_rate), spans)
        mixed: bytes = conform(section.overlay(conform(bed, self.format)), self.format).raw_data
        self._frames += len(mixed) // self.format.frame_bytes
        yield mixed

    def add_audio(self, audio: AudioSegment, pause_before_ms: int = 0) -> Iterator[bytes]:
        """Lay down a pause and then audio that is not speech (music): not timed, not levelled."""
        gap = silence(self.format, pause_before_ms)
        data = conform(audio, self.format).raw_data
        self._frames += (len(gap) + len(data)) // self.format.frame_bytes
        yield gap
        yield data

    def finish(self, tail_ms: int) -> Iterator[bytes]:
        """Close the episode with `tail_ms` of silence."""
        gap = silence(self.format, tail_ms)
        self._frames += len(gap) // self.format.frame_bytes
        yield gap

    @property
    def frames(self) -> int:
        """How many frames have been laid down."""
        return self._frames

    def pad_to(self, frames: int) -> Iterator[bytes]:
        """Silence up to `frames` from the start (nothing if it is there already)."""
        missing = max(0, frames - self._frames)
        self._frames += missing
        yield b"\x00" * (missing * self.format.frame_bytes)

    def new_part(self) -> None:
        """A part starts: its short clips take no gain from the clips of another part (each
        part is made alone, from its own clips)."""
        self._last_gain.clear()

    def place(self, record: Record) -> None:
        """Lay down a part made before (kept encoded) without its audio: its utterances'
        timings and words, where it lands."""
        start = self._frames
        start_ms = self.format.ms(start)
        for (first, last), words, source in zip(
            record.utterances, record.words, record.words_from, strict=True
        ):
            self.spans.append((start + first, start + last))
            timing = Timing(self.format.ms(start + first), self.format.ms(start + last))
            self._timings.append(timing)
            self._words.append(
                tuple(WordTime(w.text, w.start_ms + start_ms, w.end_ms + start_ms) for w in words)
            )
            self._words_from.append(source)
        self._frames += record.frames

    def mixdown(self) -> Mixdown:
        return Mixdown(
            self.format,
            tuple(self._timings),
            self._frames,
            tuple(self._words),
            tuple(self._words_from),
        )

    def _lay(self, start: int, end: int, clip: Clip | None) -> None:
        """Note an utterance laid down from frame `start` to `end`."""
        self.spans.append((start, end))
        self._timings.append(Timing(self.format.ms(start), self.format.ms(end)))
        self._place_words(clip, self._timings[-1])

    def _place_words(self, clip: Clip | None, timing: Timing) -> None:
        """Note the clip's words where it landed, kept within its timing."""
        words = clip.words if clip is not None else ()
        self._words.append(
            tuple(
                WordTime(
                    w.text,
                    min(timing.start_ms + w.start_ms, timing.end_ms),
                    min(timing.start_ms + w.end_ms, timing.end_ms),
                )
                for w in words
            )
        )
        self._words_from.append(clip.words_from if clip is not None and words else "")

    def _prepare(self, clip: Clip | None, voice: str) -> bytes:
        """A narrated clip levelled and in the mix's format (b'' for no clip)."""
        if clip is None or not clip.pcm:
            return b""
        audio = AudioSegment(
            clip.pcm,
            sample_width=clip.sample_width,
            frame_rate=clip.sample_rate,
            channels=clip.channels,
        )
        if self._level:
            # A clip too short to measure gets the gain its voice had last.
            gain = self._last_gain.get(voice, 0.0) if clip.gain_db is None else clip.gain_db
            self._last_gain[voice] = gain
            audio = audio.apply_gain(gain)
        data: bytes = conform(audio, self.format).raw_data
        return data


@dataclass(frozen=True)
class Music:
    """The show's music, as the mixer uses it."""

    opening: AudioSegment
    """The sting before the intro."""
    closing: AudioSegment
    """The sting after the outro."""
    bed: Callable[[int, int], AudioSegment]
    """A bed of the given length (ms) at the given sample rate."""
    duck: Callable[[AudioSegment, list[tuple[int, int]]], AudioSegment]
    """The bed ducked under the given speech spans (ms)."""
    bed_tail_ms: int = 1500
    """How long the bed goes on after the intro's last word, fading out."""
    pause_before_closing_ms: int = 800
    """Silence between the outro's last word and the closing sting."""


def mix(
    clips: Iterable[Clip | None],
    utterances: Sequence[Utterance],
    mixer: Mixer,
    tail_ms: int,
    music: Music | None = None,
) -> Iterator[bytes]:
    """Stream the whole episode's PCM; `mixer.mixdown()` has the timings once it is consumed.

    With music: the opening sting, the intro (the first segment) over the bed, the rest, and
    the closing sting.
    """
    pairs = zip(clips, utterances, strict=True)
    if music is not None:
        yield from mixer.add_audio(music.opening)
        intro: list[tuple[Clip | None, Utterance]] = []
        for clip, utterance in pairs:
            intro.append((clip, utterance))
            following = len(intro)
            if following == len(utterances) or utterances[following].segment != utterance.segment:
                break
        yield from mixer.add_with_bed(intro, music)
    for clip, utterance in pairs:
        yield from mixer.add(clip, utterance.pause_before_ms, utterance.role)
    if music is not None:
        yield from mixer.add_audio(music.closing, music.pause_before_closing_ms)
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


def sentence_words(
    script: Script, utterances: Sequence[Utterance], mixdown: Mixdown
) -> list[list[tuple[tuple[WordTime, ...], str]]]:
    """Per segment, per sentence: its pieces' words joined, in episode time, and who timed
    them (the least exact of its pieces' sources; '' for none)."""
    spans: list[list[tuple[tuple[WordTime, ...], str]]] = [[] for _ in script.segments]
    current: tuple[int, int] | None = None
    words_from = mixdown.words_from or ("",) * len(utterances)
    words = mixdown.words or ((),) * len(utterances)
    for utterance, piece, source in zip(utterances, words, words_from, strict=True):
        key = (utterance.segment, utterance.sentence)
        sentences = spans[utterance.segment]
        if key == current:
            joined, before = sentences[-1]
            sentences[-1] = ((*joined, *piece), _weaker(before, source))
        else:
            sentences.append((piece, source))
            current = key
    return spans


def _weaker(first: str, second: str) -> str:
    """Who timed a sentence whose pieces were timed by `first` and `second` ('' for none)."""
    if not first or not second or first == second:
        return first or second
    return "estimate" if "estimate" in (first, second) else "recogniser"


def segment_timings(sentences: Sequence[Sequence[Timing]]) -> list[Timing]:
    """Each segment's span: from its first sentence's start to its last's end."""
    return [Timing(spans[0].start_ms, spans[-1].end_ms) for spans in sentences]
