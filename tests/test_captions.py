"""WebVTT captions."""

from __future__ import annotations

from article2podcast.episode.captions import render_vtt, timestamp
from article2podcast.model import Timing


def test_timestamps_are_hours_minutes_seconds_millis() -> None:
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3_723_004) == "01:02:03.004"


def test_one_numbered_cue_per_sentence_with_markup_escaped() -> None:
    vtt = render_vtt([(Timing(400, 2013), "Hello."), (Timing(2400, 3000), "A <b> & c --> d")])
    assert vtt == (
        "WEBVTT\n\n"
        "1\n00:00:00.400 --> 00:00:02.013\nHello.\n\n"
        "2\n00:00:02.400 --> 00:00:03.000\nA &lt;b&gt; &amp; c --&gt; d\n"
    )
