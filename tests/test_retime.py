"""Estimated word times (Piper's) retimed by what the recogniser heard (--verify); the
recogniser kept by a process that produces one article after another."""

from __future__ import annotations

import itertools

import pytest

from article2podcast.model import WordTime
from article2podcast.narration.listenback import retime

SPOKEN = (
    WordTime("Apple", 0, 300),
    WordTime("boycotted", 300, 800),
    WordTime("the", 800, 900),
    WordTime("browser", 900, 1400),
    WordTime("twenty", 1400, 1700),
    WordTime("six", 1700, 2000),
    WordTime("times.", 2000, 2400),
)


def _in_order(words: tuple[WordTime, ...]) -> bool:
    return all(w.start_ms <= w.end_ms for w in words) and all(
        a.end_ms <= b.start_ms for a, b in itertools.pairwise(words)
    )


def test_heard_words_take_the_recognisers_times_and_the_rest_fall_between() -> None:
    heard = (
        WordTime("Apple", 50, 350),
        WordTime("boycotted", 380, 900),
        WordTime("browser", 1000, 1500),  # "the" not heard
        WordTime("26", 1520, 2100),  # two spoken words heard as one
        WordTime("times", 2150, 2500),
    )
    out = retime(SPOKEN, heard)
    assert [w.text for w in out] == [w.text for w in SPOKEN]  # every word spoken, as spoken
    assert (out[0].start_ms, out[3].start_ms, out[6].start_ms) == (50, 1000, 2150)
    assert 380 < out[2].start_ms < 1000  # "the" between its heard neighbours
    assert 1500 <= out[4].start_ms < out[5].start_ms < 2150
    assert _in_order(out)


def test_nothing_heard_in_common_keeps_the_estimate() -> None:
    assert retime(SPOKEN, (WordTime("zebra", 10, 20),)) == SPOKEN


def test_a_recogniser_that_runs_late_moves_every_word_later() -> None:
    late = tuple(WordTime(w.text, w.start_ms + 200, w.end_ms + 200) for w in SPOKEN[::2])
    out = retime(SPOKEN, late)
    assert all(a.start_ms >= b.start_ms + 150 for a, b in zip(out[1:], SPOKEN[1:], strict=True))
    assert _in_order(out)


def test_a_process_that_keeps_its_engines_keeps_its_recogniser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch or Dask worker loads Whisper once, not once an article (1.5 s each)."""
    from article2podcast.narration import warm
    from article2podcast.narration.listenback import listener_for
    from article2podcast.settings import Settings

    monkeypatch.setattr(warm, "keeping", lambda: "/kept")
    first, second = listener_for(Settings(verify=True)), listener_for(Settings(verify=True))
    assert first is not None and second is not None
    assert first.recogniser is second.recogniser
    monkeypatch.setattr(warm, "keeping", lambda: None)
    alone = listener_for(Settings(verify=True))
    assert alone is not None and alone.recogniser is not first.recogniser
