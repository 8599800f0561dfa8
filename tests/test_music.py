"""Music: a sting and a bed made by the program itself, ducked under speech, never too loud."""

from __future__ import annotations

import shutil
import subprocess
from array import array
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from pydub import AudioSegment

from article2podcast.audio.music import BED_LOOP_MS, DUCK_DB, RAMP_MS, bed, duck, sting

RATE = 22050


def samples(segment: AudioSegment) -> array[int]:
    data = array("h")
    data.frombytes(segment.raw_data)
    return data


def biggest_jump(segment: AudioSegment) -> int:
    """The largest change from one sample to the next: a click shows up here."""
    values = samples(segment)
    return max(abs(b - a) for a, b in pairwise(values))


def frames(ms: int) -> int:
    return round(ms * RATE / 1000)


@pytest.fixture(scope="module")
def long_bed() -> AudioSegment:
    return bed(10_000, RATE)


@pytest.fixture(scope="module")
def made_sting() -> AudioSegment:
    return sting(RATE)


def test_the_sting_lasts_about_three_seconds_at_the_rate_asked_for(
    made_sting: AudioSegment,
) -> None:
    made = made_sting
    assert (made.frame_rate, made.channels, made.sample_width) == (RATE, 1, 2)
    assert 2500 <= len(made) <= 4000


@pytest.mark.parametrize("rate", [16000, 22050, 24000])
@pytest.mark.parametrize("duration_ms", [0, 40, 1000, 9001])
def test_the_bed_lasts_exactly_as_long_as_asked(duration_ms: int, rate: int) -> None:
    made = bed(duration_ms, rate)
    assert (made.frame_rate, made.channels, made.sample_width) == (rate, 1, 2)
    assert made.frame_count() == round(duration_ms * rate / 1000)


@pytest.mark.parametrize("name", ["sting", "bed"])
def test_sting_and_bed_are_audible_and_never_clip(
    name: str, made_sting: AudioSegment, long_bed: AudioSegment
) -> None:
    made = made_sting if name == "sting" else long_bed
    assert made.dBFS > -45
    assert made.max_dBFS < -6


def test_the_levels_stay_where_the_module_docstring_puts_them(
    made_sting: AudioSegment, long_bed: AudioSegment
) -> None:
    """RMS in dBFS; the docstring's loudness figures (LUFS) follow them within a dB."""
    assert made_sting.dBFS == pytest.approx(-25.1, abs=1)
    assert long_bed[3000:7000].dBFS == pytest.approx(-32.6, abs=1)


def test_the_sting_starts_softly_and_fades_to_silence(made_sting: AudioSegment) -> None:
    made = made_sting
    assert abs(samples(made)[0]) <= 1
    assert made[-50:].dBFS < made[:1000].dBFS - 30
    assert biggest_jump(made) < 0.2 * made.max


@pytest.mark.parametrize("duration_ms", [10_000, 1200])
def test_the_bed_fades_in_and_out(duration_ms: int) -> None:
    made = bed(duration_ms, RATE)
    middle = made[duration_ms // 2 - 100 : duration_ms // 2 + 100].dBFS
    assert made[:50].dBFS < middle - 20
    assert made[-50:].dBFS < middle - 20


def test_the_beds_loop_joins_without_a_seam(long_bed: AudioSegment) -> None:
    """Around each repeat of the loop, samples change no more than anywhere else."""
    seam = frames(BED_LOOP_MS)
    around = long_bed.get_sample_slice(seam - 100, seam + 100)
    elsewhere = long_bed.get_sample_slice(seam - 2000, seam - 1000)
    assert biggest_jump(around) <= biggest_jump(elsewhere) + 2


def test_duck_without_speech_leaves_the_bed_unchanged(long_bed: AudioSegment) -> None:
    assert duck(long_bed, []).raw_data == long_bed.raw_data


@pytest.mark.parametrize("duck_db", [DUCK_DB, -15.0])
def test_duck_lowers_the_bed_by_duck_db_while_speech_plays(
    long_bed: AudioSegment, duck_db: float
) -> None:
    ducked = duck(long_bed, [(3000, 6000)], duck_db=duck_db)
    during = slice(3000, 6000)
    assert ducked[during].dBFS - long_bed[during].dBFS == pytest.approx(duck_db, abs=0.2)


def test_duck_leaves_the_bed_alone_outside_speech_and_ramps(long_bed: AudioSegment) -> None:
    ducked = duck(long_bed, [(3000, 6000)])
    before = frames(3000 - RAMP_MS)
    after = frames(6000 + RAMP_MS)
    assert ducked.get_sample_slice(0, before) == long_bed.get_sample_slice(0, before)
    assert ducked.get_sample_slice(after, None) == long_bed.get_sample_slice(after, None)


def test_duck_ramps_down_before_speech_and_up_after_it(long_bed: AudioSegment) -> None:
    """Halfway through each ramp the bed is between its full and its ducked level."""
    ducked = duck(long_bed, [(3000, 6000)], duck_db=-12.0)
    for ms in (3000 - RAMP_MS // 2, 6000 + RAMP_MS // 2):
        drop = ducked[ms - 20 : ms + 20].dBFS - long_bed[ms - 20 : ms + 20].dBFS
        assert -9 < drop < -3


def test_duck_ramps_are_smooth(long_bed: AudioSegment) -> None:
    """Around each span's edges no sample jumps more than in the bed itself; a switch would."""
    # Not whole seconds: there every voice of the chord is near a zero crossing.
    spans = [(3123, 5077), (7031, 8209)]
    ducked = duck(long_bed, spans, duck_db=-18.0)
    for edge_ms in (edge for span in spans for edge in span):
        start, end = frames(edge_ms - 2 * RAMP_MS), frames(edge_ms + 2 * RAMP_MS)
        bound = biggest_jump(long_bed.get_sample_slice(start, end)) + 2
        assert biggest_jump(ducked.get_sample_slice(start, end)) <= bound
    window = samples(long_bed)[start:end]
    loudest = start + max(range(len(window)), key=lambda i: abs(window[i]))
    switched = long_bed.get_sample_slice(0, loudest) + long_bed.get_sample_slice(
        loudest, None
    ).apply_gain(-18.0)
    assert biggest_jump(switched.get_sample_slice(start, end)) > bound


def test_short_gaps_between_phrases_stay_ducked(long_bed: AudioSegment) -> None:
    ducked = duck(long_bed, [(2000, 4000), (4600, 6000)])
    gap = slice(4100, 4500)
    assert ducked[gap].dBFS - long_bed[gap].dBFS == pytest.approx(DUCK_DB, abs=0.2)


def test_long_gaps_between_phrases_bring_the_bed_back_up(long_bed: AudioSegment) -> None:
    ducked = duck(long_bed, [(2000, 4000), (6000, 7000)])
    gap = slice(4000 + RAMP_MS, 6000 - RAMP_MS)
    assert ducked[gap] == long_bed[gap]


def test_speech_in_any_order_and_past_the_end_is_taken_as_it_comes(
    long_bed: AudioSegment,
) -> None:
    in_order = duck(long_bed, [(2000, 3000), (6000, 12_000)])
    assert duck(long_bed, [(6000, 12_000), (2000, 3000)]) == in_order
    assert len(in_order) == len(long_bed)
    assert duck(long_bed, [(20_000, 30_000)]) == long_bed


def test_the_music_is_the_same_every_time(made_sting: AudioSegment) -> None:
    assert sting(RATE).raw_data == made_sting.raw_data
    first, second = bed(5000, RATE), bed(5000, RATE)
    assert first.raw_data == second.raw_data
    assert duck(first, [(1000, 3000)]).raw_data == duck(second, [(1000, 3000)]).raw_data


@pytest.mark.parametrize(
    ("call", "fix"),
    [
        (lambda: sting(0), "22050 Hz for espeak-ng"),
        (lambda: bed(-1, RATE), "0 or more"),
        (lambda: duck(bed(100, RATE), [], duck_db=6), "negative number"),
        (lambda: duck(bed(100, RATE), [], ramp_ms=-1), "0 or more"),
        (lambda: duck(bed(100, RATE), [(50, 10)]), "ends before it starts"),
        (lambda: duck(bed(100, RATE).set_channels(2), []), "set_channels(1)"),
    ],
)
def test_misuse_is_refused_with_the_fix(call: Callable[[], object], fix: str) -> None:
    with pytest.raises(ValueError, match=fix.replace("(", r"\(").replace(")", r"\)")):
        call()


def loudness(path: Path) -> float:
    """Integrated loudness in LUFS, as ffmpeg's EBU R128 meter reads it."""
    err = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null",
         "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    return float(err.rsplit(" I:", 1)[1].split()[0])


def written(segment: AudioSegment, path: Path) -> Path:
    segment.export(path, format="wav").close()
    return path


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="needs espeak-ng")
def test_the_music_sits_under_espeak_speech_by_the_documented_margins(
    tmp_path: Path, made_sting: AudioSegment, long_bed: AudioSegment
) -> None:
    """Sting about 4 LU under the speech; the bed about 13 LU under it, and 23 LU when ducked."""
    text = "The library on Main Street stayed open until midnight on Friday. " * 3
    wav = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "160", "-w", str(wav), text], check=True)
    speech = loudness(wav)
    held = long_bed[3000:7000]
    ducked = duck(held, [(0, len(held))])
    assert speech - loudness(written(made_sting, tmp_path / "sting.wav")) == pytest.approx(4, abs=2)
    assert speech - loudness(written(held, tmp_path / "bed.wav")) == pytest.approx(13, abs=2)
    assert speech - loudness(written(ducked, tmp_path / "ducked.wav")) == pytest.approx(23, abs=2)
