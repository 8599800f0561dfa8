"""Loudness: level each clip, and measure the delivered file, to ITU-R BS.1770.

Clips are levelled to BS.1770-4 loudness (`integrated_lufs`, numpy) so that voices and
segments do not jump in volume against each other. The episode is measured with ffmpeg's ebur128
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
    samples = np.frombuffer(clip.raw_data, dtype="<i2").reshape(-1, clip.channels) / 32768.0
    loudness = integrated_lufs(samples, clip.frame_rate)
    if loudness == float("-inf"):
        return None
    return max(-MAX_CLIP_GAIN_DB, min(MAX_CLIP_GAIN_DB, target_lufs - loudness))


def integrated_lufs(samples: Any, sample_rate: int) -> float:
    """BS.1770-4 integrated loudness of `samples` (frames x channels, floats in -1..1), LUFS;
    -inf for silence or audio shorter than one 400 ms block.

    K-weighting is applied in the frequency domain: one FFT of the whole clip, multiplied by
    the two filters' response and transformed back, zero-padded so that the filters' ringing
    does not wrap around. This is numpy alone: pyloudnorm, which we used before, filters with
    scipy, whose import cost 0.45 s of CPU per process (issue 19). Against ffmpeg's ebur128
    on espeak-ng clips it agrees within 0.05 LU (tests/test_loudness.py). Channel weights are
    1 (mono and stereo: BS.1770 weights only surround channels otherwise).
    """
    import numpy as np

    frames = samples.shape[0]
    block, step = round(_BLOCK_S * sample_rate), round(_BLOCK_S * sample_rate / 4)
    if frames < block:
        return float("-inf")
    # A tenth of a second of padding holds the filters' ringing (the high-pass's decays
    # within a few milliseconds), and a size of small prime factors keeps the FFT fast: 8 ms
    # a clip of 6.5 s instead of 19 ms at the next power of two after half a second.
    size = _fast_size(frames + sample_rate // 10)
    spectrum = np.fft.rfft(samples, n=size, axis=0) * _k_weighting(sample_rate, size)[:, None]
    weighted = np.fft.irfft(spectrum, n=size, axis=0)[:frames]
    power = np.concatenate(([0.0], np.cumsum((weighted**2).sum(axis=1))))
    starts = np.arange(0, frames - block + 1, step)
    energy = (power[starts + block] - power[starts]) / block  # each block's mean square
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(energy)
    gated = energy[loudness > _ABSOLUTE_GATE_LUFS]
    if not len(gated):
        return float("-inf")
    relative_gate = -0.691 + 10 * np.log10(gated.mean()) + _RELATIVE_GATE_LU
    kept = energy[loudness > relative_gate]
    return float(-0.691 + 10 * np.log10(kept.mean()))


_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0


def _fast_size(count: int) -> int:
    """The smallest number at least `count` with no prime factor above 5 (a fast FFT size)."""
    best = 1 << max(0, (count - 1).bit_length())
    fives = 1
    while fives < best:
        threes = fives
        while threes < best:
            twos = threes
            while twos < count:
                twos *= 2
            best = min(best, twos)
            threes *= 3
        fives *= 5
    return best


@functools.lru_cache(maxsize=4)  # clips come in many sizes (a response is ~1 MB a 10 s clip)
def _k_weighting(sample_rate: int, size: int) -> Any:
    """The magnitude response of BS.1770's K-weighting at the `size`-point FFT's bins.

    The two biquads (a high shelf of +4 dB above about 1.7 kHz, then a high-pass at 38 Hz) are
    designed for `sample_rate` from their analogue prototypes, as libebur128 does; at 48 kHz
    they are the coefficients printed in BS.1770-4.
    """
    import numpy as np

    k = np.tan(np.pi * 1681.974450955533 / sample_rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    ]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = np.tan(np.pi * 38.13547087602444 / sample_rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    pass_b = [1.0, -2.0, 1.0]
    pass_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    z = np.exp(-1j * np.pi * np.arange(size // 2 + 1) / (size // 2))  # z^-1 at each bin
    response = np.ones(size // 2 + 1, dtype=complex)
    for b, a in ((shelf_b, shelf_a), (pass_b, pass_a)):
        response *= np.polyval(b[::-1], z) / np.polyval(a[::-1], z)
    return response


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
