"""Verifying an episode before it is put in place: every clip there, no hole, a sane length."""

from __future__ import annotations

import pytest

from article2podcast.audio.verifying import (
    VerificationError,
    check_episode,
    longest_pause_ms,
    parse_silences,
)
from article2podcast.model import Timing, Utterance
from article2podcast.scripting.pacing import Pauses

UTTERANCES = [Utterance(0, i, "five words in each one", 400) for i in range(60)]
TIMINGS = [Timing(i * 2000 + 400, i * 2000 + 2000) for i in range(60)]


def check(**changes: object) -> None:
    arguments: dict[str, object] = {
        "utterances": UTTERANCES,
        "timings": TIMINGS,
        "duration_ms": 121_000,
        "rate": 160,
        "silences": [(0.0, 0.4), (10.0, 1.6)],
        "pauses": Pauses(),
    }
    check_episode(**(arguments | changes))  # type: ignore[arg-type]


def test_an_episode_as_planned_passes() -> None:
    check()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"timings": TIMINGS[:-1]}, "59 clips were laid down for 60 utterances"),
        ({"timings": [*TIMINGS[:-1], Timing(5000, 5000)]}, "utterance 60 ('five words in e"),
        ({"duration_ms": 20_000}, "it lasts 20 s for 300 words at 160 words per minute"),
        ({"duration_ms": 10_000_000}, "it lasts 10000 s"),
        ({"silences": [(0.0, 0.4), (42.5, 7.25)]}, "it is silent for 7.2 s from 42.5 s"),
    ],
    ids=["a clip missing", "an empty clip", "far too short", "far too long", "a hole"],
)  # fmt: skip
def test_what_was_not_planned_is_an_error_that_writes_nothing(changes, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(VerificationError, match="failed its own check") as caught:
        check(**changes)
    assert problem in str(caught.value)
    assert "nothing was written" in str(caught.value)


def test_the_longest_planned_pause_is_the_limit() -> None:
    assert longest_pause_ms(Pauses()) == 1600
    check(silences=[(3.0, 2.5)])  # a planned pause with the speech's own quiet around it


def test_silences_are_read_from_ffmpegs_report() -> None:
    report = (
        "[silencedetect @ 0x1] silence_start: 0\n"
        "[silencedetect @ 0x1] silence_end: 0.41 | silence_duration: 0.41\n"
        "size=N/A time=00:00:01.00\n"
        "[silencedetect @ 0x1] silence_start: 12.5\n"
        "[silencedetect @ 0x1] silence_end: 14.1 | silence_duration: 1.6\n"
    )
    assert parse_silences(report) == [(0.0, 0.41), (12.5, 1.6)]
