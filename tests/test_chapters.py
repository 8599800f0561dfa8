"""Chapters: intro, the opening under the headline, one per subheading, outro."""

from __future__ import annotations

from article2podcast.episode.chapters import Chapter, chapters_for, podcasting20
from article2podcast.model import Script, Segment, Sentence, Timing


def segment(kind: str, text: str = "x") -> Segment:
    return Segment(kind, text, (Sentence(text, (text,)),))  # type: ignore[arg-type]


SCRIPT = Script(
    "The Headline",
    (
        segment("intro"),
        segment("title", "The Headline"),
        segment("paragraph"),
        segment("heading", "Part two"),
        segment("paragraph"),
        segment("outro"),
    ),
)
TIMINGS = [Timing(3000, 5000), Timing(5500, 8000), Timing(9000, 20000), Timing(21000, 22000),
           Timing(22500, 40000), Timing(41000, 45000)]  # fmt: skip


def test_one_chapter_per_section_contiguous_from_zero_to_the_end() -> None:
    assert chapters_for(SCRIPT, TIMINGS, 50_000) == [
        Chapter(0, 5500, "Intro"),
        Chapter(5500, 21000, "The Headline"),
        Chapter(21000, 41000, "Part two"),
        Chapter(41000, 50000, "Outro"),
    ]


def test_without_a_headline_in_the_text_the_opening_starts_with_the_first_paragraph() -> None:
    script = Script("Made up", (segment("intro"), segment("paragraph"), segment("outro")))
    timings = [Timing(0, 2000), Timing(3000, 9000), Timing(10000, 12000)]
    assert [c.title for c in chapters_for(script, timings, 13000)] == ["Intro", "Made up", "Outro"]
    assert chapters_for(script, timings, 13000)[1].start_ms == 3000


def test_podcasting_2_chapters_are_in_seconds() -> None:
    document = podcasting20([Chapter(0, 1500, "Intro"), Chapter(1500, 9000, "Body")])
    assert document == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0.0, "endTime": 1.5, "title": "Intro"},
            {"startTime": 1.5, "endTime": 9.0, "title": "Body"},
        ],
    }
