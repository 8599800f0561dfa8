"""Mastering: from the mix to the delivered file at the loudness target.

Usually in one pass: the clips are levelled before mixing, so the gain is predicted, and the
mix is levelled, limited, encoded and measured as it streams (see `ffmpeg.encode_stream`).
When the delivered file misses the target, the mix is mastered again the careful way, below.

The master is levelled (gain, then a true-peak limiter) into a lossless file and measured,
until its integrated loudness is within tolerance of the target; then it is encoded and the
delivered file is measured again, because lossy encoding shifts loudness (about 0.4 LU for
MP3 here) and true peak. If the delivered file misses, the shift is compensated and the
limiter's ceiling lowered, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .ffmpeg import encode, limit, measure
from .formats import Format, format_for
from .loudness import (
    CLIP_TARGET_LUFS,
    LOUDNESS_TOLERANCE_LU,
    MAX_LEVELLING_PASSES,
    TRUE_PEAK_CEILING_DBTP,
    Loudness,
    next_gain,
)

DELIVERED_TOLERANCE_LU = 0.5
# Every clip is levelled to CLIP_TARGET_LUFS before mixing, so the episode's loudness is known
# before it exists: on the six sample articles the mix measured 0.1 to 0.3 LU below the clips'
# level (the pauses), and the limiter took back about 1.2 dB of the gain. One pass with this
# gain landed every sample within 0.3 LU of the target; a miss is mastered again, measured.
PREDICTED_GAIN_EXTRA_DB = 1.4
_ENCODE_ROUNDS = 2
_GAIN_RANGE_DB = (-30.0, 30.0)
_FIRST_GUESS_EXTRA_DB = 1.0


def predicted_gain(target_lufs: float, fmt: Format) -> float:
    """The gain that brings a mix of levelled clips to `target_lufs` as delivered in `fmt`."""
    aim = target_lufs - fmt.expected_shift_lu
    return _clamp(aim - CLIP_TARGET_LUFS + PREDICTED_GAIN_EXTRA_DB)


def ceiling_for(fmt: Format) -> float:
    """Where the limiter holds the peaks for `fmt` (below -1 dBTP by the codec's overshoot)."""
    return TRUE_PEAK_CEILING_DBTP - fmt.limiter_margin_db


def on_target(delivered: Loudness, target_lufs: float) -> bool:
    """Whether a delivered file meets the loudness target and the true-peak ceiling."""
    return (
        abs(delivered.integrated_lufs - target_lufs) <= DELIVERED_TOLERANCE_LU
        and delivered.true_peak_dbtp <= TRUE_PEAK_CEILING_DBTP
    )


def master(
    source: Path,
    destination: Path,
    scratch: Path,
    *,
    source_loudness: Loudness,
    target_lufs: float,
    metadata: Mapping[str, str],
    chapters: Sequence[tuple[int, int, str]],
    bitrate: str | None = None,
) -> Loudness:
    """Level and encode `source` into `destination`; returns the delivered file's loudness."""
    fmt = format_for(destination)
    ceiling = ceiling_for(fmt)
    levelled = scratch / "levelled.wav"
    aim = target_lufs - fmt.expected_shift_lu
    # The limiter takes back about a decibel of the gain on speech: start a little above.
    gain = _clamp(aim - source_loudness.integrated_lufs + _FIRST_GUESS_EXTRA_DB)
    delivered = None
    for _ in range(_ENCODE_ROUNDS):
        points: list[tuple[float, float]] = []
        for _ in range(MAX_LEVELLING_PASSES):
            levelled_loudness = limit(
                source, levelled, gain_db=gain, ceiling_dbtp=ceiling, sample_rate=fmt.sample_rate
            )
            points.append((gain, levelled_loudness.integrated_lufs))
            if abs(points[-1][1] - aim) <= LOUDNESS_TOLERANCE_LU:
                break
            gain = _clamp(next_gain(points, aim))
        encode(levelled, destination, metadata=metadata, chapters=chapters, bitrate=bitrate)
        delivered = measure(destination)
        if on_target(delivered, target_lufs):
            break
        aim += target_lufs - delivered.integrated_lufs  # the codec's shift, compensated
        if delivered.true_peak_dbtp > TRUE_PEAK_CEILING_DBTP:
            ceiling -= delivered.true_peak_dbtp - TRUE_PEAK_CEILING_DBTP + 0.2
    assert delivered is not None
    return delivered


def _clamp(gain: float) -> float:
    low, high = _GAIN_RANGE_DB
    return max(low, min(high, gain))
