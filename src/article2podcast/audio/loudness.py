"""Loudness: level each clip, and measure the delivered file, to ITU-R BS.1770.

Clips are levelled with pyloudnorm (a BS.1770-4 implementation) so that voices and segments
do not jump in volume against each other. The episode is measured with ffmpeg's ebur128
filter, which streams, so any length can be measured without holding it in memory: `ffmpeg`
runs it, and this module reads its summary. No program is run here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from pydub import AudioSegment

from ..errors import ExportError

PODCAST_TARGET_LUFS = -16.0
TRUE_PEAK_CEILING_DBTP = -1.0
# Clips are brought to this loudness before mixing: about where espeak-ng speaks anyway
# (-20.5 LUFS), leaving headroom for the final gain.
CLIP_TARGET_LUFS = -20.0
MAX_CLIP_GAIN_DB = 12.0
_BLOCK_S = 0.4  # BS.1770 gating blocks: a shorter clip has no integrated loudness


@dataclass(frozen=True)
class Loudness:
    """A loudness measurement."""

    integrated_lufs: float
    """Integrated loudness (BS.1770, gated), LUFS."""
    true_peak_dbtp: float
    """True peak, dBTP."""
    range_lu: float
    """Loudness range (EBU R128 LRA), LU."""


def clip_gain_db(clip: AudioSegment, target_lufs: float = CLIP_TARGET_LUFS) -> float | None:
    """The gain that brings `clip` to `target_lufs`, or None for a clip too short to measure."""
    if clip.duration_seconds <= _BLOCK_S + 0.05 or clip.rms == 0:
        return None
    import numpy as np

    clip = clip.set_sample_width(2)
    samples = np.frombuffer(clip.raw_data, dtype="<i2") / 32768.0
    if clip.channels > 1:
        samples = samples.reshape(-1, clip.channels)
    loudness = float(_meter(clip.frame_rate).integrated_loudness(samples))
    if loudness == float("-inf"):
        return None
    return max(-MAX_CLIP_GAIN_DB, min(MAX_CLIP_GAIN_DB, target_lufs - loudness))


@functools.cache
def _meter(sample_rate: int) -> Any:
    """A BS.1770 meter for the rate (designing its K-weighting filters is the costly part)."""
    import pyloudnorm

    return pyloudnorm.Meter(sample_rate)


_SUMMARY = {
    "integrated_lufs": re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf) LUFS"),
    "range_lu": re.compile(r"Loudness range:\s*LRA:\s*(-?[\d.]+) LU"),
    "true_peak_dbtp": re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf) dBFS"),
}


def parse_ebur128_summary(text: str) -> Loudness:
    """The figures of the summary ffmpeg's ebur128 filter prints at the end."""
    summary = text[text.rfind("Summary:") :]
    values: dict[str, float] = {}
    for name, pattern in _SUMMARY.items():
        match = pattern.search(summary)
        if match is None:
            raise ExportError(f"could not read the loudness measurement ({name} missing)")
        values[name] = float(match.group(1))
    return Loudness(**values)


LOUDNESS_TOLERANCE_LU = 0.3
MAX_LEVELLING_PASSES = 5


def next_gain(points: list[tuple[float, float]], target_lufs: float) -> float:
    """The next gain to try, from the (gain dB, measured LUFS) pairs tried so far.

    The limiter takes back some of every decibel added (more, the harder it works), so the
    loudness does not follow the gain one for one: after the first try, follow the secant.
    """
    gain, loudness = points[-1]
    if len(points) < 2 or points[-1][1] == points[-2][1] or points[-1][0] == points[-2][0]:
        return gain + (target_lufs - loudness)
    slope = (points[-1][1] - points[-2][1]) / (points[-1][0] - points[-2][0])
    slope = min(1.0, max(0.2, slope))  # a limiter never adds loudness, and never takes it all
    return gain + (target_lufs - loudness) / slope
