"""The formats table, and the pure reading of what ffmpeg reports (loudness, silences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from article2podcast.audio.ffmpeg import MEASURE_FILTER, SILENCE_FILTER, ffmetadata
from article2podcast.audio.formats import FORMATS, format_for, mime_types
from article2podcast.audio.loudness import next_gain, parse_ebur128_summary
from article2podcast.audio.verifying import (
    SILENCE_DB,
    SILENCE_MIN_S,
    VerificationError,
    check_episode,
    longest_pause_ms,
    parse_silences,
)
from article2podcast.cli import build_parser
from article2podcast.errors import ExportError
from article2podcast.model import Timing, Utterance
from article2podcast.publishing.library import episodes_in
from article2podcast.scripting.pacing import Pauses
from article2podcast.webapp.files import MEDIA_TYPES, SERVED_SUFFIXES

LOSSLESS = {".flac", ".wav"}


class TestTheFormatsTable:
    @pytest.mark.parametrize("extension", sorted(FORMATS))
    def test_every_extension_names_a_codec_a_muxer_and_an_audio_mime_type(
        self, extension: str
    ) -> None:
        fmt = FORMATS[extension]
        assert extension == extension.lower() and extension.startswith(".")
        assert fmt.codec and fmt.muxer and all(fmt.pipe)
        assert fmt.mime.startswith("audio/")
        assert fmt.sample_rate in (44_100, 48_000)

    @pytest.mark.parametrize("extension", sorted(FORMATS))
    def test_a_lossy_format_has_a_bitrate_and_a_lossless_one_none(self, extension: str) -> None:
        bitrate = FORMATS[extension].bitrate
        if extension in LOSSLESS:
            assert bitrate is None
        else:
            assert bitrate is not None and bitrate.endswith("k") and int(bitrate[:-1]) >= 64

    def test_the_table_holds_the_formats_we_promise(self) -> None:
        assert set(FORMATS) == {".mp3", ".m4a", ".m4b", ".ogg", ".opus", ".flac", ".wav"}
        assert FORMATS[".mp3"].mime == "audio/mpeg" and FORMATS[".m4b"].mime == "audio/mp4"

    def test_only_mp3_is_tagged_outside_ffmpeg_and_only_wav_holds_no_chapters(self) -> None:
        assert {e for e, fmt in FORMATS.items() if not fmt.ffmpeg_tags} == {".mp3"}
        assert {e for e, fmt in FORMATS.items() if not fmt.chapters} == {".wav"}

    @pytest.mark.parametrize("name", ["episode.MP3", "episode.Opus", "a.b.m4b", "x.FLAC"])
    def test_a_format_is_found_by_its_extension_in_any_case(self, name: str) -> None:
        assert format_for(Path(name)) is FORMATS[Path(name).suffix.lower()]

    @pytest.mark.parametrize("name", ["episode.aiff", "episode", "episode.mp3.txt", ".mp3"])
    def test_an_unknown_extension_is_refused(self, name: str) -> None:
        with pytest.raises(KeyError):
            format_for(Path(name))

    @pytest.mark.parametrize("extension", sorted(FORMATS))
    def test_the_server_serves_each_format_with_its_mime_type(self, extension: str) -> None:
        assert extension in SERVED_SUFFIXES
        assert MEDIA_TYPES[extension] == FORMATS[extension].mime
        assert mime_types()[extension] == FORMATS[extension].mime

    @pytest.mark.parametrize("extension", sorted(FORMATS))
    def test_the_feed_gives_each_format_its_mime_type(self, extension: str, tmp_path: Path) -> None:
        """The library reads an episode's MIME type (the feed's enclosure type) from the table."""
        (tmp_path / f"episode{extension}").write_bytes(b"audio")
        manifest = {
            "manifest_version": 1,
            "audio": f"episode{extension}",
            "title": "A title",
            "duration_ms": 1000,
            "segments": [],
        }
        (tmp_path / "episode.json").write_text(json.dumps(manifest), encoding="utf-8")
        [episode] = episodes_in(tmp_path)
        assert episode.mime == FORMATS[extension].mime

    def test_the_cli_names_every_format_in_the_help_of_output(self) -> None:
        help_text = " ".join(build_parser().format_help().split())
        assert f"its extension sets the format: {', '.join(FORMATS)}" in help_text


class TestFfmpegsFilters:
    def test_silences_are_detected_at_the_levels_the_check_judges_by(self) -> None:
        expected = f"silencedetect=noise={SILENCE_DB}dB:duration={SILENCE_MIN_S}"
        assert SILENCE_FILTER == expected == "silencedetect=noise=-50dB:duration=0.2"

    def test_the_meter_reports_true_peak_and_its_summary(self) -> None:
        assert MEASURE_FILTER.startswith("ebur128=") and "peak=true" in MEASURE_FILTER

    def test_metadata_and_chapters_are_written_escaped(self) -> None:
        text = ffmetadata({"title": "A=B; #1\\2"}, [(0, 1500, "One\nTwo")])
        assert text == (
            ";FFMETADATA1\ntitle=A\\=B\\; \\#1\\\\2\n"
            "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=One\\\nTwo\n"
        )


SUMMARY = """[Parsed_ebur128_0 @ 0x5] Summary:

  Integrated loudness:
    I:         {integrated} LUFS
    Threshold: -30.9 LUFS

  Loudness range:
    LRA:         {lra} LU
    Threshold: -41.1 LUFS

  True peak:
    Peak:       {peak} dBFS
"""


class TestReadingTheLoudnessSummary:
    def test_a_silent_file_measures_minus_infinity(self) -> None:
        loudness = parse_ebur128_summary(SUMMARY.format(integrated="-inf", lra="0.0", peak="-inf"))
        assert loudness.integrated_lufs == loudness.true_peak_dbtp == float("-inf")
        assert loudness.range_lu == 0.0

    def test_the_last_summary_is_read(self) -> None:
        """A report of several runs (or a stray summary line earlier on) ends with the right one."""
        first = SUMMARY.format(integrated="-30.0", lra="1.0", peak="-9.0")
        last = SUMMARY.format(integrated="-16.1", lra="3.5", peak="1.5")
        loudness = parse_ebur128_summary(first + "\nframe lines...\n" + last)
        assert (loudness.integrated_lufs, loudness.range_lu, loudness.true_peak_dbtp) == (
            -16.1,
            3.5,
            1.5,
        )

    @pytest.mark.parametrize("missing", ["integrated_lufs", "range_lu", "true_peak_dbtp"])
    def test_a_summary_missing_a_figure_is_an_error_that_names_it(self, missing: str) -> None:
        lines = {
            "integrated_lufs": "I:         -20.8 LUFS",
            "range_lu": "LRA:         2.0 LU",
            "true_peak_dbtp": "Peak:       -1.2 dBFS",
        }
        summary = SUMMARY.format(integrated="-20.8", lra="2.0", peak="-1.2")
        summary = summary.replace(lines[missing], "")
        with pytest.raises(ExportError, match=f"{missing} missing"):
            parse_ebur128_summary(summary)


class TestTheNextGain:
    @pytest.mark.parametrize(
        ("points", "expected"),
        [
            ([(0.0, -20.0)], 4.0),
            ([(2.0, -15.0)], 1.0),
            ([(5.0, -17.0), (5.0, -17.0)], 6.0),  # no change: the difference again
            ([(5.0, -17.0), (6.0, -15.0)], 5.0),  # more than the gain: a slope of 1 at most
            ([(5.0, -17.0), (6.0, -16.95)], 10.75),  # the limiter took almost all: 0.2 at least
        ],
        ids=["first try up", "first try down", "a repeat", "slope capped", "slope floored"],
    )  # fmt: skip
    def test_the_gain_follows_the_secant_within_bounds(
        self, points: list[tuple[float, float]], expected: float
    ) -> None:
        assert next_gain(points, -16.0) == pytest.approx(expected)


class TestReadingSilences:
    def test_a_report_without_silences_has_none(self) -> None:
        assert parse_silences("size=N/A time=00:00:01.00\n") == []

    def test_a_silence_that_starts_before_zero_is_read(self) -> None:
        """ffmpeg places the first silence slightly before the start on some decoders."""
        report = (
            "[silencedetect @ 0x1] silence_start: -0.0125\n"
            "[silencedetect @ 0x1] silence_end: 0.5 | silence_duration: 0.5125\n"
        )
        assert parse_silences(report) == [(-0.0125, 0.5125)]

    def test_a_silence_still_open_at_the_end_is_not_counted(self) -> None:
        """silencedetect reports no duration for a silence the file ends in."""
        assert parse_silences("[silencedetect @ 0x1] silence_start: 3.5\n") == []


UTTERANCES = [Utterance(0, i, "five words in each one", 400) for i in range(60)]
TIMINGS = [Timing(i * 2000 + 400, i * 2000 + 2000) for i in range(60)]


class TestTheEpisodeCheck:
    def check(self, **changes: object) -> None:
        arguments: dict[str, object] = {
            "utterances": UTTERANCES,
            "timings": TIMINGS,
            "duration_ms": 121_000,
            "rate": 160,
            "silences": [],
            "pauses": Pauses(),
        }
        check_episode(**(arguments | changes))  # type: ignore[arg-type]

    def test_an_utterance_without_words_may_have_no_audio(self) -> None:
        utterances = [*UTTERANCES[:-1], Utterance(0, 59, "—", 400)]
        self.check(utterances=utterances, timings=[*TIMINGS[:-1], Timing(5000, 5000)])

    def test_every_problem_is_named_in_one_message(self) -> None:
        with pytest.raises(VerificationError) as caught:
            self.check(timings=TIMINGS[:-1], duration_ms=20_000)
        assert "59 clips were laid down for 60 utterances; it lasts 20 s" in str(caught.value)

    def test_a_silence_just_within_the_longest_pause_and_its_slack_passes(self) -> None:
        self.check(silences=[(10.0, (longest_pause_ms(Pauses()) + 1000) / 1000)])

    def test_the_limit_follows_the_planned_pauses(self) -> None:
        longer = Pauses(before_outro=5000)
        assert longest_pause_ms(longer) == 5000
        self.check(silences=[(10.0, 5.9)], pauses=longer)
        with pytest.raises(VerificationError, match=r"silent for 6\.1 s"):
            self.check(silences=[(10.0, 6.1)], pauses=longer)
