"""Mastering: from the lossless mix to the delivered file at the loudness target.

The master is levelled (gain, then a true-peak limiter) into a lossless file and measured,
until its integrated loudness is within tolerance of the target; then it is encoded and the
delivered file is measured again, because lossy encoding shifts loudness (about 0.4 LU for
MP3 here) and true peak. If the delivered file misses, the shift is compensated and the
limiter's ceiling lowered, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from .exporting import encode, format_for, limit
from .loudness import (
    LOUDNESS_TOLERANCE_LU,
    MAX_LEVELLING_PASSES,
    TRUE_PEAK_CEILING_DBTP,
    Loudness,
    measure,
    next_gain,
)

DELIVERED_TOLERANCE_LU = 0.5
_ENCODE_ROUNDS = 2
_GAIN_RANGE_DB = (-30.0, 30.0)
_FIRST_GUESS_EXTRA_DB = 1.0


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
    ceiling = TRUE_PEAK_CEILING_DBTP - fmt.limiter_margin_db
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
        loud_ok = abs(delivered.integrated_lufs - target_lufs) <= DELIVERED_TOLERANCE_LU
        peak_ok = delivered.true_peak_dbtp <= TRUE_PEAK_CEILING_DBTP
        if loud_ok and peak_ok:
            break
        aim += target_lufs - delivered.integrated_lufs  # the codec's shift, compensated
        if not peak_ok:
            ceiling -= delivered.true_peak_dbtp - TRUE_PEAK_CEILING_DBTP + 0.2
    assert delivered is not None
    return delivered


def _clamp(gain: float) -> float:
    low, high = _GAIN_RANGE_DB
    return max(low, min(high, gain))
