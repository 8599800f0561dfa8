"""Loudness: reading ffmpeg's BS.1770 summary, levelling clips, and finding the gain."""

from __future__ import annotations

import pytest
from pydub.generators import Sine

from article2podcast.audio.loudness import clip_gain_db, next_gain, parse_ebur128_summary
from article2podcast.errors import ExportError

SUMMARY = """[Parsed_ebur128_0 @ 0x5] Summary:

  Integrated loudness:
    I:         -20.8 LUFS
    Threshold: -30.9 LUFS

  Loudness range:
    LRA:         2.0 LU
    Threshold: -41.1 LUFS

  True peak:
    Peak:       -1.2 dBFS
"""


def test_the_summary_is_read() -> None:
    loudness = parse_ebur128_summary("frame lines...\n" + SUMMARY)
    assert (loudness.integrated_lufs, loudness.range_lu, loudness.true_peak_dbtp) == (
        -20.8,
        2.0,
        -1.2,
    )


def test_a_missing_summary_is_an_error() -> None:
    with pytest.raises(ExportError, match="loudness"):
        parse_ebur128_summary("no summary here")


def test_a_quiet_clip_is_brought_up_and_a_loud_one_down() -> None:
    quiet = Sine(440, sample_rate=22050).to_audio_segment(1000, volume=-24)
    loud = Sine(440, sample_rate=22050).to_audio_segment(1000, volume=-12)
    quiet_gain, loud_gain = clip_gain_db(quiet, -20), clip_gain_db(loud, -20)
    assert quiet_gain is not None and loud_gain is not None
    assert quiet_gain > 0 > loud_gain
    assert quiet_gain - loud_gain == pytest.approx(12, abs=0.1)


def test_a_clip_too_short_to_measure_has_no_gain() -> None:
    assert clip_gain_db(Sine(440, sample_rate=22050).to_audio_segment(300, volume=-20)) is None


def test_the_first_correction_is_the_difference_then_the_secant() -> None:
    assert next_gain([(5.0, -17.0)], -16.0) == 6.0
    # +1 dB of gain gave only +0.5 LU (the limiter took half): aim for twice the gap.
    assert next_gain([(5.0, -17.0), (6.0, -16.5)], -16.0) == pytest.approx(7.0)
