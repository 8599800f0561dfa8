"""A voice's pitch moved by resampling, in numpy: the Piper quote voice (`+high`) and `+low`.

The variant is spoken slower by piper and played `stretch` times faster: as long as the plain
voice, higher by that factor. The resampler is scipy's `resample_poly` (a Kaiser-windowed sinc
low-pass, beta 5, ten zero crossings either side, applied polyphase) written out in numpy:
importing scipy.signal cost a worker 0.45 s of CPU at its first quote (issue 19), the filtering
itself a few milliseconds. tests/test_piper_speed.py checks it against scipy, sample for sample.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

_HALF_TAPS_PER_RATE = 10
_KAISER_BETA = 5.0


def play_faster(samples: Any, stretch: Fraction) -> Any:
    """16-bit `samples` played `stretch` times faster by resampling: shorter and higher by
    that factor (scipy's `resample_poly(samples, down, up)`, rounded as it is to 16 bits)."""
    import numpy as np

    up, down = stretch.denominator, stretch.numerator
    if up == down or not len(samples):
        return samples.copy()
    count = len(samples) * up // down + bool(len(samples) * up % down)
    taps, skip = _filter(up, down)
    signal = samples.astype(np.float32)
    # The filter's phase p acts on the upsampled index k = p + up * i; phase by phase, the full
    # upsampled-and-filtered signal is a plain convolution of the input with every up-th tap.
    wanted = down * (skip + np.arange(count))
    width = max(len(samples) + -(-len(taps) // up), int(wanted[-1]) // up + 1)
    phases = np.zeros((up, width), dtype=np.float32)
    for phase in range(up):
        filtered = np.convolve(signal, taps[phase::up])
        phases[phase, : len(filtered)] = filtered
    shorter = phases[wanted % up, wanted // up]
    return np.clip(shorter, -32768, 32767).astype("<i2")


@functools.cache
def _filter(up: int, down: int) -> tuple[Any, int]:
    """The low-pass taps for resampling by `up`/`down` (padded in front as scipy pads them,
    so that output samples fall on the filter's centre), and how many outputs to skip."""
    import numpy as np

    rate = max(up, down)
    half = _HALF_TAPS_PER_RATE * rate
    centre = np.arange(2 * half + 1) - half
    taps = np.sinc(centre / rate) / rate * np.kaiser(2 * half + 1, _KAISER_BETA)
    taps = taps / taps.sum() * up
    pad = down - half % down
    return np.concatenate((np.zeros(pad), taps)).astype(np.float32), (half + pad) // down
