"""The manifest: built from the script and its timings, read back only when it is ours."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from article2podcast import __version__
from article2podcast.episode.manifest import (
    GENERATOR,
    MANIFEST_VERSION,
    build_manifest,
    read_manifest,
)
from article2podcast.model import Script, Segment, Sentence, Timing

SCRIPT = Script(
    "The Headline",
    (
        Segment("intro", "Hello.", (Sentence("Hello.", ("Hello.",), "Hello."),), role="host"),
        Segment(
            "paragraph",
            "Mr. Lee came. He left.",
            (
                Sentence("Mr. Lee came.", ("Mister Lee came.",), "Mister Lee came."),
                Sentence("He left.", ("He", "left."), "He left."),
            ),
        ),
        Segment(
            "quote", "“Bye.”", (Sentence("“Bye.”", ("Bye.",), "Bye."),), "quote", continues=True
        ),
    ),
)
TIMINGS = [
    [Timing(400, 1200)],
    [Timing(1900, 3000), Timing(3380, 4100)],
    [Timing(4350, 5000)],
]
VOICES: dict[Any, str | None] = {"host": "h-voice", "narrator": "n-voice", "quote": None}


def manifest(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "duration_ms": 6234,
        "details": {"audio": "ep.mp3", "show": "Night Reads"},
        "voices": VOICES,
    }
    return build_manifest(SCRIPT, overrides.pop("timings", TIMINGS), **(arguments | overrides))


def test_the_head_names_version_generator_title_and_duration() -> None:
    built = manifest()
    assert {k: built[k] for k in ("manifest_version", "generator", "title", "duration")} == {
        "manifest_version": MANIFEST_VERSION,
        "generator": f"{GENERATOR} {__version__}",
        "title": "The Headline",
        "duration": 6.234,
    }
    assert built["duration_ms"] == 6234


def test_details_are_merged_in_before_the_segments() -> None:
    built = manifest()
    assert built["audio"] == "ep.mp3" and built["show"] == "Night Reads"
    assert list(built)[-1] == "segments"


def test_each_segment_says_what_it_is_and_who_reads_it() -> None:
    rows = [
        (s["index"], s["kind"], s["role"], s["voice"], s["continues"], s["text"])
        for s in manifest()["segments"]
    ]
    assert rows == [
        (0, "intro", "host", "h-voice", False, "Hello."),
        (1, "paragraph", "narrator", "n-voice", False, "Mr. Lee came. He left."),
        (2, "quote", "quote", None, True, "“Bye.”"),
    ]


def test_sentences_carry_text_spoken_form_pieces_and_timings() -> None:
    second = manifest()["segments"][1]["sentences"][1]
    assert second == {
        "text": "He left.",
        "spoken": "He left.",
        "pieces": ["He", "left."],
        "start_ms": 3380,
        "end_ms": 4100,
    }


def test_a_segment_spans_its_first_sentence_start_to_its_last_sentence_end() -> None:
    spans = [(s["start_ms"], s["end_ms"]) for s in manifest()["segments"]]
    assert spans == [(400, 1200), (1900, 4100), (4350, 5000)]


def test_without_voices_every_voice_is_null() -> None:
    assert [s["voice"] for s in manifest(voices=None)["segments"]] == [None, None, None]


def test_the_plan_has_the_same_shape_with_null_timings() -> None:
    """`--plan`: no timings and no duration, every time field present and null."""
    plan = manifest(timings=None, duration_ms=None)
    assert plan["duration"] is None and plan["duration_ms"] is None
    times = [
        (item["start_ms"], item["end_ms"])
        for segment in plan["segments"]
        for item in (segment, *segment["sentences"])
    ]
    assert times == [(None, None)] * 7  # 3 segments, 4 sentences
    assert [s["text"] for s in plan["segments"]] == [s.text for s in SCRIPT.segments]


def test_the_manifest_is_json_as_it_is() -> None:
    built = manifest()
    assert json.loads(json.dumps(built, ensure_ascii=False)) == built


@pytest.mark.parametrize(
    ("ms", "seconds"), [(0, 0.0), (1, 0.001), (59_999, 59.999), (3_600_000, 3600.0)]
)
def test_the_duration_in_seconds_keeps_the_milliseconds(ms: int, seconds: float) -> None:
    assert manifest(duration_ms=ms)["duration"] == seconds


# Reading a manifest back.


def write(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "ep.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return path


def test_our_manifest_reads_back_as_written(tmp_path: Path) -> None:
    built = manifest()
    assert read_manifest(write(tmp_path, built)) == built


OURS = {"manifest_version": 1, "generator": "article2podcast 0.1", "audio": "ep.mp3"}


@pytest.mark.parametrize(
    "content",
    [
        pytest.param({**OURS, "generator": "somebody else 1.0"}, id="foreign generator"),
        pytest.param({k: v for k, v in OURS.items() if k != "generator"}, id="no generator"),
        pytest.param({**OURS, "manifest_version": "1"}, id="version not a number"),
        pytest.param({k: v for k, v in OURS.items() if k != "audio"}, id="no audio"),
        pytest.param({**OURS, "audio": 3}, id="audio not a name"),
        pytest.param([OURS], id="a list"),
        pytest.param("null", id="null"),
        pytest.param('{"manifest_version": 1, ', id="cut short"),
        pytest.param(b'{"generator": "article2podcast \xff"}', id="bad UTF-8"),
        pytest.param("", id="empty"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="nested too deep"),
    ],
)
def test_a_foreign_or_malformed_file_is_not_ours(tmp_path: Path, content: Any) -> None:
    assert read_manifest(write(tmp_path, content)) is None


def test_the_smallest_manifest_of_ours_is_ours(tmp_path: Path) -> None:
    """The control for the table above: only the broken field makes those not ours."""
    assert read_manifest(write(tmp_path, OURS)) == OURS


def test_a_missing_file_is_not_ours(tmp_path: Path) -> None:
    assert read_manifest(tmp_path / "nothing.json") is None


def test_a_link_to_our_manifest_is_not_ours(tmp_path: Path) -> None:
    target = write(tmp_path, OURS)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert read_manifest(link) is None


def test_a_folder_is_not_ours(tmp_path: Path) -> None:
    assert read_manifest(tmp_path) is None


def test_a_fifo_is_not_ours_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "ep.json"
    os.mkfifo(fifo)
    assert read_manifest(fifo) is None
