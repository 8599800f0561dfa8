"""Music: the intro and outro sting, and a soft bed under the intro, ducked under speech.

Everything is synthesized here from pydub's sine generator, so no third-party audio ships.
Both are in just-intonation A major on a 220 Hz A (every frequency a multiple of 0.25 Hz, so
the bed's 4-second loop repeats without a seam). The functions are pure: they take and return
mono 16-bit `AudioSegment`s at the speech engine's sample rate.

Levels are set against the speech, because the whole episode is normalised to -16 LUFS later:
espeak-ng speaks at about -20.5 LUFS integrated with peaks near -2 dBFS. Measured with
`ffmpeg -af ebur128` at 22050 Hz:

- sting: -24.4 LUFS, peak -11 dBFS: 4 LU under the speech, clearly heard but never louder;
- bed on its own: -33.6 LUFS, peak -23 dBFS: 13 LU under the speech, so between phrases it
  is a pad in the background, not music competing with the voice;
- bed ducked (`DUCK_DB`, -10 dB): -43.6 LUFS, 23 LU under the speech, so it never masks words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Any

from pydub import AudioSegment

from .mixing import Music

SAMPLE_WIDTH = 2  # 16-bit PCM, like the mix
SILENT = -math.inf  # a gain in dB: silence
_FULL_SCALE = (1 << (8 * SAMPLE_WIDTH - 1)) - 1

# The sting: an arpeggio A3 C#4 E4 A4, each note a soft bell (fundamental, a 2nd and a 3rd
# harmonic that die away faster), then the whole faded out.
STING_NOTES_HZ = (220.0, 275.0, 330.0, 440.0)
STING_NOTE_STEP_MS = 150  # between note onsets: an arpeggio, not a strum
STING_MS = 3000
STING_FADE_OUT_MS = 1000
STING_LEVEL_DBFS = -20.5  # each note's fundamental at its onset; gives about -24.4 LUFS
STING_ATTACK_MS = 15  # soft enough not to click, quick enough to sound like a note
STING_DECAY_DB_PER_S = 9.0  # the fundamental's; harmonic k decays k times as fast
STING_PARTIALS = ((1, 0.0), (2, -10.0), (3, -20.0))  # (harmonic, dB relative to fundamental)

# The bed: a sustained A major chord; each tone has a partner 0.25 Hz higher and 6 dB softer,
# started at a different point of the loop, so the chord swells and settles slowly (a 4 s
# beat) without every tone swelling at once.
BED_VOICES = ((110.0, -6.0), (165.0, -3.0), (220.0, 0.0), (275.0, -3.0), (330.0, -6.0))
BED_DETUNE_HZ = 0.25
BED_PARTNER_DB = -6.0
BED_LOOP_MS = 4000  # a whole number of cycles of every voice and partner: a seamless loop
BED_LEVEL_DBFS = -34.5  # the 220 Hz voice; gives about -33.6 LUFS
BED_FADE_IN_MS = 1500
BED_FADE_OUT_MS = 2000

# Ducking: -10 dB takes the bed from 13 to 23 LU under the speech. The 300 ms ramps are slow
# enough to sound like a fader, not a switch; speech pauses shorter than a second stay ducked
# so that the bed does not pump between sentences.
DUCK_DB = -10.0
RAMP_MS = 300
HOLD_GAP_MS = 1000


def sting(sample_rate: int) -> AudioSegment:
    """A three-second musical signature for the start and end of an episode."""
    _check_rate(sample_rate)
    mix = AudioSegment.silent(STING_MS, sample_rate)
    for index, freq in enumerate(STING_NOTES_HZ):
        onset_ms = index * STING_NOTE_STEP_MS
        mix = mix.overlay(_note(freq, STING_MS - onset_ms, sample_rate), position=onset_ms)
    frames = int(mix.frame_count())
    fade = _frames(STING_FADE_OUT_MS, sample_rate)
    return _shape(mix, [(frames - fade, 0.0), (frames, SILENT)])


def bed(duration_ms: int, sample_rate: int) -> AudioSegment:
    """A soft sustained chord of `duration_ms`, faded in and out."""
    _check_rate(sample_rate)
    if duration_ms < 0:
        raise ValueError(f"a bed cannot last {duration_ms} ms; give a duration of 0 or more")
    frames = _frames(duration_ms, sample_rate)
    if frames == 0:
        return AudioSegment.silent(0, sample_rate)
    loop = _bed_loop(sample_rate)
    loop_frames = int(loop.frame_count())
    tiled = (loop * (frames // loop_frames + 1)).get_sample_slice(0, frames)
    fade_in = _frames(min(BED_FADE_IN_MS, duration_ms // 3), sample_rate)
    fade_out = _frames(min(BED_FADE_OUT_MS, duration_ms // 3), sample_rate)
    return _shape(tiled, [(0, SILENT), (fade_in, 0.0), (frames - fade_out, 0.0), (frames, SILENT)])


def duck(
    bed: AudioSegment,
    speech: Iterable[tuple[int, int]],
    *,
    duck_db: float = DUCK_DB,
    ramp_ms: int = RAMP_MS,
) -> AudioSegment:
    """`bed` turned down by `duck_db` while speech plays, `speech` being (start_ms, end_ms) spans.

    The gain ramps down over `ramp_ms` before each span and back up over `ramp_ms` after it;
    gaps shorter than a second (or than two ramps) stay ducked. Outside the ramps and spans
    the bed is unchanged, sample for sample.
    """
    if bed.channels != 1 or bed.sample_width != SAMPLE_WIDTH:
        raise ValueError(
            f"duck needs a mono 16-bit bed, like bed() makes; got {bed.channels} channel(s) "
            f"of {8 * bed.sample_width}-bit: convert it with set_channels(1).set_sample_width(2)"
        )
    if duck_db > 0 or math.isnan(duck_db):
        raise ValueError(f"duck_db is a cut in dB: give 0 or a negative number, not {duck_db}")
    if ramp_ms < 0:
        raise ValueError(f"ramp_ms is a duration: give 0 or more, not {ramp_ms}")
    rate = bed.frame_rate
    total = int(bed.frame_count())
    points: list[tuple[int, float]] = [(0, 0.0)]
    for start_ms, end_ms in _held(speech, hold_ms=max(HOLD_GAP_MS, 2 * ramp_ms)):
        start, end = _frames(start_ms, rate), _frames(end_ms, rate)
        ramp = _frames(ramp_ms, rate)
        if end <= 0 or start >= total:
            continue
        points += [(max(0, start - ramp), 0.0), (start, duck_db)]
        points += [(end, duck_db), (min(total, end + ramp), 0.0)]
    return _shape(bed, points)


def _held(speech: Iterable[tuple[int, int]], *, hold_ms: int) -> list[tuple[int, int]]:
    """The speech spans in order, with those less than `hold_ms` apart joined into one."""
    spans = sorted(speech)
    for start, end in spans:
        if end < start:
            raise ValueError(f"speech span ({start}, {end}) ends before it starts")
    held: list[tuple[int, int]] = []
    for start, end in spans:
        if held and start - held[-1][1] < hold_ms:
            held[-1] = (held[-1][0], max(held[-1][1], end))
        else:
            held.append((start, end))
    return held


def _note(freq: float, duration_ms: int, sample_rate: int) -> AudioSegment:
    """One bell-like note: partials that start together and die away, the higher ones faster."""
    frames = _frames(duration_ms, sample_rate)
    attack = _frames(STING_ATTACK_MS, sample_rate)
    seconds = frames / sample_rate
    note = AudioSegment.silent(duration_ms, sample_rate)
    for harmonic, relative_db in STING_PARTIALS:
        if freq * harmonic >= sample_rate / 2:
            continue  # above Nyquist it would alias into a wrong note
        level = STING_LEVEL_DBFS + relative_db
        tail = level - STING_DECAY_DB_PER_S * harmonic * seconds
        tone = _tone(freq * harmonic, duration_ms, sample_rate)
        # The last few milliseconds go to silence so that the note never stops on a sample.
        shaped = _shape(
            tone, [(0, SILENT), (attack, level), (frames - attack, tail), (frames, SILENT)]
        )
        note = note.overlay(shaped)
    return note


def _bed_loop(sample_rate: int) -> AudioSegment:
    """`BED_LOOP_MS` of the chord, ready to be repeated end to end."""
    loop = AudioSegment.silent(BED_LOOP_MS, sample_rate)
    loop_frames = _frames(BED_LOOP_MS, sample_rate)
    for index, (freq, relative_db) in enumerate(BED_VOICES):
        level = BED_LEVEL_DBFS + relative_db
        loop = loop.overlay(_tone(freq, BED_LOOP_MS, sample_rate).apply_gain(level))
        # Starting each partner at its own point of the loop staggers the voices' swells.
        offset_ms = index * BED_LOOP_MS // len(BED_VOICES)
        offset = _frames(offset_ms, sample_rate)
        partner = _tone(freq + BED_DETUNE_HZ, offset_ms + BED_LOOP_MS, sample_rate)
        partner = partner.get_sample_slice(offset, offset + loop_frames)
        loop = loop.overlay(partner.apply_gain(level + BED_PARTNER_DB))
    return loop


def _tone(freq: float, duration_ms: int, sample_rate: int) -> AudioSegment:
    """A full-scale sine of exactly `duration_ms`, in the mix's format.

    Computed with numpy: pydub's Sine generator makes one Python call per sample, which
    cost about a second per episode for the sting and the bed.
    """
    import numpy as np

    frames = _frames(duration_ms, sample_rate)
    phase = 2 * np.pi * freq * np.arange(frames) / sample_rate
    samples = np.round(np.sin(phase) * _FULL_SCALE).astype("<i2")
    return AudioSegment(
        data=samples.tobytes(), sample_width=SAMPLE_WIDTH, frame_rate=sample_rate, channels=1
    )


def _shape(segment: AudioSegment, points: Sequence[tuple[int, float]]) -> AudioSegment:
    """`segment` with its gain following `points`, (frame, dB) pairs in frame order.

    The gain holds before the first point and after the last; between two points it moves
    linearly in dB (how a fader or a decaying note sounds), or linearly in amplitude when
    one end is silence. Stretches of constant gain are scaled in C; only the ramps are
    computed sample by sample, so the cost is linear and small.
    """
    import numpy as np

    total = int(segment.frame_count())
    data = segment.raw_data
    edges = [(0, points[0][1]), *points, (total, points[-1][1])]
    chunks: list[bytes] = []
    for (start, start_db), (end, end_db) in pairwise(edges):
        start, end = max(0, min(start, total)), max(0, min(end, total))
        if end <= start:
            continue
        if start_db == end_db:
            piece = segment.get_sample_slice(start, end)
            chunks.append(piece.raw_data if start_db == 0 else piece.apply_gain(start_db).raw_data)
            continue
        samples = np.frombuffer(data[start * SAMPLE_WIDTH : end * SAMPLE_WIDTH], dtype="<i2")
        gains = np.asarray(_ramp(start_db, end_db, end - start))
        chunks.append(np.round(samples * gains).astype("<i2").tobytes())
    return AudioSegment(
        data=b"".join(chunks),
        sample_width=SAMPLE_WIDTH,
        frame_rate=segment.frame_rate,
        channels=1,
    )


def _ramp(from_db: float, to_db: float, count: int) -> Any:
    """`count` amplitude gains going from `from_db` towards `to_db` (which the next one
    reaches), as a numpy array."""
    import numpy as np

    steps = np.arange(count) / count
    if math.isinf(from_db) or math.isinf(to_db):
        low, high = _amplitude(from_db), _amplitude(to_db)
        return low + (high - low) * steps
    return 10 ** ((from_db + (to_db - from_db) * steps) / 20)


def _amplitude(db: float) -> float:
    return 0.0 if db == SILENT else 10 ** (db / 20)


def _frames(ms: int, sample_rate: int) -> int:
    return round(ms * sample_rate / 1000)


def _check_rate(sample_rate: int) -> None:
    if sample_rate < 8000:
        raise ValueError(
            f"sample rate {sample_rate} Hz is too low for music; use the speech engine's "
            "rate (22050 Hz for espeak-ng)"
        )


def show_music(sample_rate: int) -> Music:
    """The show's music for a mix at `sample_rate`: the sting opens and closes it, the bed
    goes under the intro, ducked under the host's voice."""
    opening = sting(sample_rate)
    return Music(opening, opening, bed, duck)
