"""Parts: where the episode is cut, the header that joins them, loudness composed from parts,
and an edit that encodes only the part it touched (issue 19)."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import mutagen.mp3
import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.api import produce
from article2podcast.audio.mp3frames import Stream, info_frame, split, whole_frames
from article2podcast.audio.parts import SPLIT_MIN_MS, Measured, Record, compose, split_parts
from article2podcast.errors import ExportError
from article2podcast.model import Utterance
from article2podcast.narration.clipfiles import PART_MAGIC
from article2podcast.settings import Settings
from conftest import BUNDLED_SAMPLE, SHORT_ARTICLE

pauses = st.lists(
    st.tuples(st.booleans(), st.integers(min_value=0, max_value=3000)), min_size=1, max_size=30
)


def utterances_of(layout: list[tuple[bool, int]]) -> list[Utterance]:
    """One utterance per entry: (starts a new segment, its pause)."""
    found, segment = [], 0
    for new, pause in layout:
        segment += new and bool(found)
        found.append(Utterance(segment, 0, "Words.", pause))
    return found


class TestSplit:
    @given(pauses)
    def test_parts_cover_the_episode_and_are_cut_only_in_long_pauses_between_segments(
        self, layout: list[tuple[bool, int]]
    ) -> None:
        utterances = utterances_of(layout)
        parts = split_parts(utterances, tail_ms=1200)
        assert parts[0].first == 0 and parts[-1].end == len(utterances)
        assert parts[0].lead_ms == utterances[0].pause_before_ms
        assert parts[-1].tail_ms == 1200
        for before, after in itertools.pairwise(parts):
            assert before.end == after.first
            cut = utterances[after.first]
            assert cut.segment != utterances[after.first - 1].segment
            assert cut.pause_before_ms >= SPLIT_MIN_MS
            # The pause is shared out, not lost or lengthened.
            assert before.tail_ms + after.lead_ms == cut.pause_before_ms
            assert min(before.tail_ms, after.lead_ms) >= SPLIT_MIN_MS // 2

    def test_a_short_pause_between_segments_is_not_a_cut(self) -> None:
        utterances = utterances_of([(True, 400), (True, 380), (True, 800), (False, 900)])
        assert [(p.first, p.end) for p in split_parts(utterances, 0)] == [(0, 2), (2, 4)]


class TestInfoFrame:
    def test_mutagen_reads_the_delay_padding_and_length(self, tmp_path: Path) -> None:
        stream = Stream(96, 44_100, 1)
        silence = _silent_frames(tmp_path, 10)
        samples = 9 * 1152  # nine frames' worth after the delay; the tenth carries the rest
        path = tmp_path / "joined.mp3"
        path.write_bytes(info_frame(stream, 10, len(silence), samples) + silence)
        info = mutagen.mp3.MP3(path).info
        assert info.length == pytest.approx(samples / 44_100, abs=1e-6)
        assert info.encoder_info.startswith("LAME")
        decoded = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "pipe:1"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        assert len(decoded) // 2 == samples

    def test_frames_that_cannot_hold_the_samples_are_refused(self) -> None:
        with pytest.raises(ExportError):
            info_frame(Stream(96, 44_100, 1), 2, 626, 2 * 1152)

    def test_a_stream_that_is_not_mp3_frames_is_refused(self, tmp_path: Path) -> None:
        frames = _silent_frames(tmp_path, 3)
        with pytest.raises(ExportError, match="partial frame"):
            split(frames[:-10])
        with pytest.raises(ExportError, match="no MPEG-1 Layer III frame"):
            split(b"ID3" + frames)
        two = [len(frame) for frame in split(frames)[1][:2]]
        assert whole_frames(frames[:-10]) == (two, sum(two))  # the cut one waits


def _silent_frames(folder: Path, count: int) -> bytes:
    """`count` frames of silence as our encoder writes them (raw: no header)."""
    samples = (count - 1) * 1152  # LAME ends with one frame more than its input fills
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "s16le", "-ar", "44100", "-ac", "1", "-i", "pipe:0",
         "-c:a", "libmp3lame", "-b:a", "96k",
         "-reservoir", "0", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1"],
        input=bytes(2 * samples), capture_output=True, check=True,
    ).stdout  # fmt: skip
    _, frames = split(out)
    assert len(frames) == count
    return out


def record(momentary: list[float], silences: list[tuple[float, float]], seconds: float) -> Record:
    samples = round(seconds * 44_100)
    return Record(
        22_050, samples // 2, samples, (), (), (), (),
        Measured(tuple(momentary), tuple(momentary), max(momentary), tuple(silences)),
    )  # fmt: skip


class TestCompose:
    def test_gating_is_over_every_part_s_blocks_together(self) -> None:
        loud, quiet = [-20.0] * 50, [-28.0] * 50
        together = compose([record(loud + quiet, [], 10.0)], 44_100)[0]
        apart = compose([record(loud, [], 5.0), record(quiet, [], 5.0)], 44_100)[0]
        assert apart == together
        # -28 is within 10 LU of the mean, so it counts: between the two levels, nearer -20.
        assert -24.0 < together.integrated_lufs < -21.0

    def test_silence_across_a_cut_is_one_silence(self) -> None:
        first = record([-20.0] * 10, [(0.5, 0.5)], 1.0)  # silent to its end
        second = record([-20.0] * 10, [(0.0, 0.4), (0.7, 0.2)], 1.0)
        _, silences = compose([first, second], 44_100)
        assert silences[0] == pytest.approx((0.5, 0.9))
        assert silences[1] == pytest.approx((1.7, 0.2))


@pytest.mark.slow
def test_an_edit_encodes_only_the_part_it_touched(tmp_path: Path) -> None:
    """The real engine, twice on the bundled sample: the second run after one word of one
    paragraph changed encodes that paragraph's part alone, and the file (joined from parts,
    not mastered again whole) is on target, measured."""
    article = tmp_path / "article.txt"
    paragraphs = BUNDLED_SAMPLE.read_text(encoding="utf-8").split("\n\n")
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")
    settings = Settings(cache_dir=tmp_path / "cache", jobs=2)
    first = produce(article, settings, output=tmp_path / "first.mp3")
    paragraphs[3] = paragraphs[3].replace(" the ", " this ", 1)
    article.write_text("\n\n".join(paragraphs), encoding="utf-8")
    second = produce(article, settings, output=tmp_path / "second.mp3")
    assert first.parts == second.parts >= 5 and first.encoded == first.parts
    assert second.encoded == 1 and second.narrated == 1
    for episode in (first, second):
        report = subprocess.run(
            ["ffmpeg", "-hide_banner", "-nostats", "-i", str(episode.audio),
             "-af", "ebur128=peak=true", "-f", "null", "-"],
            capture_output=True, text=True, check=True,
        ).stderr  # fmt: skip
        summary = report[report.rfind("Summary:") :]
        measured = float(summary.split("I:")[1].split("LUFS")[0])
        peak = float(summary.split("Peak:")[1].split("dBFS")[0])
        manifest = json.loads(episode.files["manifest"].read_text(encoding="utf-8"))
        assert abs(measured - -16.0) <= 1.0 and peak <= -1.0
        # What the parts measured, composed, is what the whole file measures.
        assert manifest["loudness"]["integrated_lufs"] == pytest.approx(measured, abs=0.2)
        assert manifest["loudness"]["true_peak_dbtp"] == pytest.approx(peak, abs=0.3)
        info = mutagen.mp3.MP3(episode.audio).info
        assert info.encoder_info.startswith("LAME")  # our Info frame, not a second mastering's
        assert info.length == pytest.approx(episode.duration, abs=0.002)


def test_a_damaged_part_is_made_again_and_a_16_khz_engine_is_encoded_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fake engine (tones at 22.05 kHz): a part whose kept frames are damaged is found
    out by its checksum and made again; at 16 kHz (no whole number of samples a frame) the
    episode is encoded in one pass, as before."""
    article = tmp_path / "article.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    settings = Settings(engine="fake", cache_dir=tmp_path / "cache")
    first = produce(article, settings, output=tmp_path / "a.mp3")
    assert first.parts >= 3
    parts = [p for p in (tmp_path / "cache").glob("*.clip") if p.read_bytes()[:8] == PART_MAGIC]
    data = bytearray(parts[0].read_bytes())
    data[-2000:-1900] = bytes(255 - byte for byte in data[-2000:-1900])  # bits flipped
    parts[0].write_bytes(bytes(data))
    again = produce(article, settings, output=tmp_path / "b.mp3")
    assert again.narrated == 0 and 1 <= again.encoded < again.parts
    assert parts[0].read_bytes() != bytes(data)  # made again, whole
    assert mutagen.mp3.MP3(again.audio).info.length == pytest.approx(again.duration, abs=0.002)

    monkeypatch.setenv("ARTICLE2PODCAST_FAKE_RATE", "16000")  # read in its worker
    whole = produce(article, Settings(engine="fake", cache_dir=tmp_path / "other"),
                    output=tmp_path / "c.mp3")  # fmt: skip
    assert whole.parts == 0 and whole.encoded == 0
