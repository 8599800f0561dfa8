"""Parts: the episode laid out in runs of segments that are encoded, measured and kept each on
its own, so that a run after an edit encodes only the parts that changed (issue 19).

Pure. A part is cut only where there is a long silence between two segments (a paragraph's
pause, at least `SPLIT_MIN_MS`): half the pause ends one part and half begins the next, and
each part is padded with silence to a whole number of MP3 frames (1152 samples of the
delivered rate). Silence on both sides of every cut is what lets parts be made apart and
joined: the limiter, the resampler and the encoder have nothing to carry across it, so a part
encoded alone sounds exactly as it would inside the whole (`mp3frames`). What each part
measured (BS.1770's 400 ms blocks, its true peak, its silences) is kept with it, and the
episode's loudness is composed from the parts' blocks (`compose`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Clip, Heard, Utterance, WordTime
from .loudness import Loudness
from .mixing import Mixer, Music
from .mp3frames import FRAME_SAMPLES

SPLIT_MIN_MS = 500
"""The shortest pause between segments that a part may end in (250 ms of silence each side)."""
BLOCK_S = 0.1
"""The meter's step: one momentary (400 ms) and one short-term (3 s) loudness per 100 ms."""
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_LRA_RELATIVE_GATE_LU = -20.0
_SAME_INSTANT_S = 0.002


@dataclass(frozen=True)
class Part:
    """A run of utterances laid down, encoded and kept together."""

    first: int
    """Its first utterance's index."""
    end: int
    """One past its last utterance's index."""
    lead_ms: int
    """The silence it starts with (in place of its first utterance's pause)."""
    tail_ms: int
    """The silence it ends with, before the padding to a whole frame."""


def split_parts(utterances: Sequence[Utterance], tail_ms: int) -> list[Part]:
    """The episode's parts, cut in the long pauses between segments; the last ends with the
    episode's tail."""
    cuts = [
        index
        for index in range(1, len(utterances))
        if utterances[index].segment != utterances[index - 1].segment
        and utterances[index].pause_before_ms >= SPLIT_MIN_MS
    ]
    starts, ends = [0, *cuts], [*cuts, len(utterances)]
    parts = []
    for first, end in zip(starts, ends, strict=True):
        pause = utterances[first].pause_before_ms
        lead = pause if first == 0 else pause - pause // 2
        after = utterances[end].pause_before_ms // 2 if end < len(utterances) else tail_ms
        parts.append(Part(first, end, lead, after))
    return parts


def grid_frames(frames: int, sample_rate: int, delivered_rate: int) -> int:
    """The mix's length in frames of `sample_rate`, from the start of the episode, once padded
    to a whole number of MP3 frames at `delivered_rate` (exact when `gridable`)."""
    delivered = -(-frames * delivered_rate // sample_rate)
    delivered = -(-delivered // FRAME_SAMPLES) * FRAME_SAMPLES
    return -(-delivered * sample_rate // delivered_rate)


def gridable(sample_rate: int, delivered_rate: int) -> bool:
    """Whether a frame of `delivered_rate` is a whole number of samples at `sample_rate` (22.05
    and 44.1 kHz, the engines' rates, are; 16 kHz is not: its episodes are encoded whole)."""
    return FRAME_SAMPLES * sample_rate % delivered_rate == 0


@dataclass(frozen=True)
class Measured:
    """What the meter found in a part as delivered (decoded from its frames)."""

    momentary: tuple[float, ...]
    """The loudness (LUFS) of each 400 ms block ending at each 100 ms step in the part."""
    short_term: tuple[float, ...]
    """The loudness (LUFS) of each 3 s window ending at each 100 ms step in the part."""
    peak_dbtp: float
    """Its true peak."""
    silences: tuple[tuple[float, float], ...]
    """(start, duration) in seconds from the part's start of its silences (see `verifying`)."""


@dataclass(frozen=True)
class Record:
    """A part as made: what the episode needs of it without its clips."""

    sample_rate: int
    """The mix's rate (the engine's)."""
    frames: int
    """Its length in the mix's frames, padding included."""
    samples: int
    """Its length in delivered samples (a whole number of MP3 frames)."""
    utterances: tuple[tuple[int, int], ...]
    """Each utterance's start and end frame from the part's start."""
    words: tuple[tuple[WordTime, ...], ...]
    """Each utterance's words, in ms from the part's start."""
    words_from: tuple[str, ...]
    """Who timed each utterance's words."""
    heard: tuple[Heard | None, ...]
    """What the recogniser heard in each utterance's clip (None: not listened to)."""
    measured: Measured
    """What the meter found."""


def compose(
    records: Sequence[Record], delivered_rate: int
) -> tuple[Loudness, list[tuple[float, float]]]:
    """The episode's loudness and silences from its parts' (in order): BS.1770 gating over
    every part's blocks, the highest true peak, EBU R128's loudness range over the short-term
    values, and silences in episode time, joined where they meet across a cut."""
    blocks = [value for record in records for value in record.measured.momentary]
    short = [value for record in records for value in record.measured.short_term]
    peak = max((record.measured.peak_dbtp for record in records), default=-math.inf)
    loudness = Loudness(_integrated(blocks), peak, _range(short))
    silences: list[tuple[float, float]] = []
    offset = 0.0
    for record in records:
        for start, length in record.measured.silences:
            start += offset
            if silences and abs(sum(silences[-1]) - start) < _SAME_INSTANT_S:
                before, _ = silences.pop()  # the silence before the cut goes on after it
                start, length = before, start + length - before
            silences.append((start, length))
        offset += record.samples / delivered_rate
    return loudness, silences


def _integrated(blocks: Sequence[float]) -> float:
    """BS.1770 integrated loudness of 400 ms blocks given as LUFS; -70 for silence (as
    ffmpeg's meter says)."""
    gated = [value for value in blocks if value > _ABSOLUTE_GATE_LUFS]
    if not gated:
        return _ABSOLUTE_GATE_LUFS
    relative = _mean_lufs(gated) + _RELATIVE_GATE_LU
    # Two decimals: the meter's own summary (one) is rounded from more than that.
    return round(_mean_lufs([value for value in gated if value > relative]), 2)


def _range(values: Sequence[float]) -> float:
    """EBU R128 loudness range of short-term values: the spread from the 10th to the 95th
    percentile of those above -70 LUFS and 20 LU under their mean."""
    gated = [value for value in values if value > _ABSOLUTE_GATE_LUFS]
    if not gated:
        return 0.0
    relative = _mean_lufs(gated) + _LRA_RELATIVE_GATE_LU
    kept = sorted(value for value in gated if value > relative)
    return round(_percentile(kept, 0.95) - _percentile(kept, 0.10), 1)


def _mean_lufs(values: Sequence[float]) -> float:
    """The loudness of the mean energy of blocks given as LUFS."""
    energy = sum(10 ** ((value + 0.691) / 10) for value in values) / len(values)
    return -0.691 + 10 * math.log10(energy)


def _percentile(ordered: Sequence[float], share: float) -> float:
    position = share * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def lay_out(
    clips: Iterator[Clip | None],
    utterances: Sequence[Utterance],
    parts: Sequence[Part],
    mixer: Mixer,
    *,
    music: Music | None,
    delivered_rate: int,
    made: Mapping[int, Record],
    edges: dict[int, tuple[int, int]] | None = None,
) -> Iterator[tuple[int, bytes]]:
    """Lay the episode down part by part, streaming (part index, PCM) for every part not in
    `made`; a part in `made` is placed without its audio (its clips are None here). `edges`
    gets each part's first and end frame.

    With music: the opening sting, the intro over the bed, ..., the closing sting."""
    edges = {} if edges is None else edges
    for index, part in enumerate(parts):
        start = mixer.frames
        # The part's utterances first: zip stops on them before it takes the next part's clip.
        own = utterances[part.first : part.end]
        pairs = ((clip, u) for u, clip in zip(own, clips, strict=False))
        record = made.get(index)
        if record is not None:
            for _ in pairs:  # the clips of a part made before are not needed
                pass
            mixer.place(record)
            edges[index] = (start, mixer.frames)
            continue
        mixer.new_part()
        first, last = index == 0, index == len(parts) - 1
        for chunk in _part(pairs, part, mixer, music if first else None, music if last else None):
            yield index, chunk
        end = grid_frames(mixer.frames, mixer.format.sample_rate, delivered_rate)
        for chunk in mixer.pad_to(end):
            yield index, chunk
        edges[index] = (start, mixer.frames)
    for _ in clips:  # none is left: this lets the narrator finish (its last progress event)
        pass


def _part(
    pairs: Iterable[tuple[Clip | None, Utterance]],
    part: Part,
    mixer: Mixer,
    opening: Music | None,
    closing: Music | None,
) -> Iterator[bytes]:
    """A part's PCM: its lead, its utterances and pauses, its tail (and the show's music)."""
    pairs = iter(pairs)
    if opening is not None:  # the first part: the intro (its first segment) over the bed
        yield from mixer.add_audio(opening.opening)
        intro: list[tuple[Clip | None, Utterance]] = []
        for clip, utterance in pairs:
            if intro and utterance.segment != intro[0][1].segment:
                pairs = itertools.chain([(clip, utterance)], pairs)
                break
            intro.append((clip, utterance))
        yield from mixer.add_with_bed(intro, opening)
    else:
        for clip, utterance in itertools.islice(pairs, 1):
            yield from mixer.add(clip, part.lead_ms, utterance.role)
    for clip, utterance in pairs:
        yield from mixer.add(clip, utterance.pause_before_ms, utterance.role)
    if closing is not None:
        yield from mixer.add_audio(closing.closing, closing.pause_before_closing_ms)
    yield from mixer.finish(part.tail_ms)


def record_of(data: dict[str, Any]) -> Record | None:
    """A part's record as kept, or None if it is not one of ours."""
    try:
        measured = data["measured"]
        return Record(
            sample_rate=int(data["sample_rate"]),
            frames=int(data["frames"]),
            samples=int(data["samples"]),
            utterances=tuple((int(a), int(b)) for a, b in data["utterances"]),
            words=tuple(
                tuple(WordTime(str(w["text"]), int(w["start_ms"]), int(w["end_ms"])) for w in words)
                for words in data["words"]
            ),
            words_from=tuple(str(source) for source in data["words_from"]),
            heard=tuple(
                None if h is None else Heard(float(h["score"]), str(h["text"]))
                for h in data["heard"]
            ),
            measured=Measured(
                momentary=tuple(float(v) for v in measured["momentary"]),
                short_term=tuple(float(v) for v in measured["short_term"]),
                peak_dbtp=float(measured["peak_dbtp"]),
                silences=tuple((float(a), float(b)) for a, b in measured["silences"]),
            ),
        )
    except (KeyError, TypeError, ValueError):
        return None
