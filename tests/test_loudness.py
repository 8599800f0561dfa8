"""Loudness: reading ffmpeg's BS.1770 summary, levelling clips, and finding the gain."""

from __future__ import annotations

from pathlib import Path

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


def test_a_full_scale_997_hz_tone_measures_as_the_standard_says() -> None:
    """BS.1770-4, 2.1: a 0 dB FS 997 Hz sine in one channel reads -3.01 LKFS."""
    import numpy as np

    from article2podcast.audio.loudness import integrated_lufs

    for rate in (22050, 44100, 48000):
        tone = np.sin(2 * np.pi * 997 * np.arange(3 * rate) / rate)[:, None]
        assert integrated_lufs(tone, rate) == pytest.approx(-3.01, abs=0.05)


def test_silence_and_audio_shorter_than_a_block_have_no_loudness() -> None:
    import numpy as np

    from article2podcast.audio.loudness import integrated_lufs

    assert integrated_lufs(np.zeros((48000, 1)), 48000) == float("-inf")
    assert integrated_lufs(np.full((1000, 1), 0.5), 48000) == float("-inf")


@pytest.mark.slow
def test_speech_measures_as_ffmpeg_ebur128_measures_it(tmp_path: Path) -> None:
    """The clip meter (numpy) against ffmpeg's ebur128 on real espeak-ng speech, quiet and loud,
    mono and stereo: within 0.1 LU."""
    import re
    import subprocess
    import wave

    import numpy as np

    from article2podcast.audio.loudness import integrated_lufs

    speech = tmp_path / "speech.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(speech), "Loudness is measured the same way by both meters, "
         "on a sentence long enough to hold several gating blocks."],
        check=True,
    )  # fmt: skip
    with wave.open(str(speech), "rb") as source:
        rate = source.getframerate()
        mono = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    for gain, channels in ((0.0, 1), (-15.0, 1), (-6.0, 2)):
        scaled = np.round(mono * 10 ** (gain / 20)).astype("<i2")
        frames = np.repeat(scaled[:, None], channels, axis=1)
        with wave.open(str(tmp_path / "x.wav"), "wb") as out:
            out.setnchannels(channels)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(frames.tobytes())
        report = subprocess.run(
            ["ffmpeg", "-nostats", "-i", str(tmp_path / "x.wav"), "-af", "ebur128", "-f", "null",
             "-"], capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        theirs = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1])
        assert integrated_lufs(frames / 32768.0, rate) == pytest.approx(theirs, abs=0.1)
