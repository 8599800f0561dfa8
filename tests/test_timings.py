"""Timings never overlap and never run past the end of the audio: from the mix's frames to the
sentences, the segments, the chapters and the captions, for any script and any clip lengths."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydub import AudioSegment

from article2podcast.audio.mixing import (
    Mixer,
    Music,
    PcmFormat,
    mix,
    segment_timings,
    sentence_timings,
)
from article2podcast.episode.captions import render_srt, render_vtt
from article2podcast.episode.chapters import Chapter, chapters_for
from article2podcast.model import Clip, Script, Segment, SegmentKind, Sentence, Timing
from article2podcast.scripting.pacing import Pauses, plan_utterances
from conftest import parse_vtt

BODY_KINDS: list[SegmentKind] = ["title", "paragraph", "heading", "quote"]


def a_segment(kind: SegmentKind, pieces_per_sentence: Sequence[int]) -> Segment:
    sentences = tuple(
        Sentence(f"S{n}.", tuple(f"p{n}.{i}" for i in range(pieces)))
        for n, pieces in enumerate(pieces_per_sentence)
    )
    return Segment(kind, " ".join(s.text for s in sentences), sentences)


@st.composite
def scripts(draw: st.DrawFn) -> Script:
    """An intro, any run of body segments, an outro; one to three sentences of one to three
    pieces each."""
    sentences = st.lists(st.integers(1, 3), min_size=1, max_size=3)
    body = draw(st.lists(st.tuples(st.sampled_from(BODY_KINDS), sentences), max_size=8))
    segments = [
        a_segment("intro", draw(sentences)),
        *(a_segment(kind, pieces) for kind, pieces in body),
        a_segment("outro", draw(sentences)),
    ]
    return Script("Headline", tuple(segments))


def silent_clip(frames: int, rate: int) -> Clip | None:
    return Clip(b"\x00\x00" * frames, rate, 2, 1, 0.0) if frames >= 0 else None


def music() -> Music:
    return Music(
        opening=AudioSegment.silent(700, 8000),
        closing=AudioSegment.silent(300, 8000),
        bed=lambda ms, rate: AudioSegment.silent(ms, rate),
        duck=lambda bed, spans: bed,
        bed_tail_ms=450,
    )


def flat(spans: Sequence[Sequence[Timing]]) -> list[Timing]:
    return [timing for segment in spans for timing in segment]


def assert_in_order_within(timings: Sequence[Timing], duration_ms: int) -> None:
    """Each span within [0, duration], none ending before it starts, none overlapping the next."""
    for timing in timings:
        assert 0 <= timing.start_ms <= timing.end_ms <= duration_ms, (timing, duration_ms)
    for before, after in itertools.pairwise(timings):
        assert before.end_ms <= after.start_ms, (before, after)


def assert_tiles(chapters: Sequence[Chapter], duration_ms: int) -> None:
    """The chapters cover the episode from 0 to its end, each ending where the next starts."""
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == duration_ms
    assert all(c.start_ms < c.end_ms for c in chapters)
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(chapters))


@settings(max_examples=150, deadline=None)
@given(
    script=scripts(),
    rate=st.sampled_from([8000, 22050, 44100]),
    lengths=st.lists(st.integers(-1, 900), min_size=60, max_size=60),
    tail_ms=st.integers(0, 2000),
    with_music=st.booleans(),
    pauses=st.builds(Pauses, sentence=st.integers(0, 600), paragraph=st.integers(0, 1200)),
)
def test_timings_are_ordered_within_the_audio_and_chapters_tile_it(
    script: Script,
    rate: int,
    lengths: list[int],
    tail_ms: int,
    with_music: bool,
    pauses: Pauses,
) -> None:
    """Clips of any length (or none, -1), any pauses, any tail, with or without music."""
    utterances = plan_utterances(script, pauses)
    clips = [silent_clip(lengths[i % len(lengths)], rate) for i in range(len(utterances))]
    fmt = PcmFormat(sample_rate=rate)
    mixer = Mixer(fmt, level=False)
    pcm_bytes = sum(
        map(len, mix(clips, utterances, mixer, tail_ms, music() if with_music else None))
    )
    down = mixer.mixdown()
    assert pcm_bytes == down.frames * fmt.frame_bytes
    for clip, timing in zip(clips, down.utterances, strict=True):
        frames = clip.frames if clip else 0
        assert abs((timing.end_ms - timing.start_ms) - frames * 1000 / rate) <= 1
    assert_in_order_within(down.utterances, down.duration_ms)

    sentences = sentence_timings(script, utterances, down.utterances)
    assert [len(s) for s in sentences] == [len(s.sentences) for s in script.segments]
    assert_in_order_within(flat(sentences), down.duration_ms)
    segments = segment_timings(sentences)
    assert_in_order_within(segments, down.duration_ms)
    if down.duration_ms > 0:
        assert_tiles(chapters_for(script, segments, down.duration_ms), down.duration_ms)

    cues = [(timing, f"S{n}.") for n, timing in enumerate(flat(sentences))]
    read_back = [Timing(start, end) for start, end, _ in parse_vtt(render_vtt(cues))]
    assert read_back == [timing for timing, _ in cues]
    assert_in_order_within(read_back, down.duration_ms)
    srt_as_vtt = "WEBVTT\n\n" + render_srt(cues).replace(",", ".")
    assert [Timing(s, e) for s, e, _ in parse_vtt(srt_as_vtt)] == read_back


@given(st.lists(st.integers(0, 3), min_size=1, max_size=8).map(sorted), st.integers(1, 5))
def test_a_sentence_spans_exactly_its_pieces(pieces_at: list[int], per_piece: int) -> None:
    """However the pieces fall, a sentence runs from its first piece's start to its last's end."""
    script = Script("T", (a_segment("paragraph", [pieces_at.count(n) or 1 for n in range(4)]),))
    utterances = plan_utterances(script)
    timings = [Timing(i * 10 * per_piece, i * 10 * per_piece + 5) for i in range(len(utterances))]
    (spans,) = sentence_timings(script, utterances, timings)
    for number, span in enumerate(spans):
        mine = [t for u, t in zip(utterances, timings, strict=True) if u.sentence == number]
        assert span == Timing(mine[0].start_ms, mine[-1].end_ms)


# Chapters: the cases test_chapters.py and test_hostile_formats.py leave out.


def segment(kind: SegmentKind, text: str = "x") -> Segment:
    return Segment(kind, text, (Sentence(text, (text,)),))


@pytest.mark.parametrize(
    ("kinds", "starts", "duration", "expected"),
    [
        pytest.param(
            ["paragraph", "heading", "paragraph"], [500, 2000, 3000], 4000,
            [(0, 2000, "Headline"), (2000, 4000, "H")], id="no intro: the opening starts at 0",
        ),
        pytest.param(
            ["intro", "quote", "paragraph", "outro"], [0, 1000, 2000, 3000], 3500,
            [(0, 1000, "Intro"), (1000, 3000, "Headline"), (3000, 3500, "Outro")],
            id="a quote can open the article",
        ),
        pytest.param(
            ["intro", "title", "heading", "paragraph", "outro"], [0, 1000, 1000, 1500, 2000], 2500,
            [(0, 1000, "Intro"), (1000, 2000, "H"), (2000, 2500, "Outro")],
            id="a chapter of no length is left out",
        ),
        pytest.param(
            ["intro", "title", "outro"], [0, 1000, 2000], 2000,
            [(0, 1000, "Intro"), (1000, 2000, "Headline")],
            id="an outro at the very end has no chapter",
        ),
        pytest.param(
            ["intro", "heading", "heading", "outro"], [0, 800, 1600, 2400], 3000,
            [(0, 800, "Intro"), (800, 1600, "H"), (1600, 2400, "H"), (2400, 3000, "Outro")],
            id="headings before any paragraph are chapters of their own",
        ),
    ],
)  # fmt: skip
def test_chapters_for_tables(
    kinds: list[SegmentKind],
    starts: list[int],
    duration: int,
    expected: list[tuple[int, int, str]],
) -> None:
    script = Script("Headline", tuple(segment(k, "H" if k == "heading" else "x") for k in kinds))
    timings = [Timing(start, start + 100) for start in starts]
    assert chapters_for(script, timings, duration) == [Chapter(*row) for row in expected]
