"""Show notes: headline, show and length, byline, source, chapters with times, and links."""

from __future__ import annotations

import pytest

from article2podcast.episode.chapters import Chapter
from article2podcast.episode.notes import autolink, clock, links_in, render_notes
from article2podcast.model import Article, Block, Page

CHAPTERS = [
    Chapter(0, 5000, "Intro"),
    Chapter(5000, 65_000, "Headline"),
    Chapter(65_000, 70_000, "Outro"),
]


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(0, "0:00"), (999, "0:00"), (1000, "0:01"), (59_999, "0:59"), (60_000, "1:00"),
     (754_000, "12:34"), (3_599_999, "59:59"), (3_600_000, "1:00:00"), (36_061_000, "10:01:01")],
)  # fmt: skip
def test_clock_is_minutes_and_seconds_then_hours(ms: int, shown: str) -> None:
    assert clock(ms) == shown


def test_the_notes_are_headline_show_length_chapters() -> None:
    article = Article("Headline", (Block("paragraph", "Text."),), source="/home/me/a.txt")
    assert render_notes(article, CHAPTERS, show="Night Reads", duration_ms=70_000) == (
        "# Headline\n\n*Night Reads* · 1:10\n\nRead from a.txt.\n\n## Chapters\n\n"
        "- 0:00 Intro\n- 0:05 Headline\n- 1:05 Outro\n"
    )


@pytest.mark.parametrize(
    ("show", "line"), [("Night Reads", "*Night Reads* · 0:03"), ("", "0:03"), ("   ", "0:03")]
)
def test_a_blank_show_leaves_the_length_alone(show: str, line: str) -> None:
    notes = render_notes(Article("T", ()), [], show=show, duration_ms=3000)
    assert notes.splitlines()[2] == line


@pytest.mark.parametrize(
    ("page", "line"),
    [
        (Page(author="Ana Ruiz"), "By Ana Ruiz."),
        (Page(author="Ana Ruiz", site="The Paper", date="2024-05-06"),
         "By Ana Ruiz, The Paper, 2024-05-06."),
        (Page(site="The Paper", date="2024-05-06"), "The Paper, 2024-05-06."),
        (Page(date="2024-05-06"), "2024-05-06."),
        (Page(site="- Dash"), "\\- Dash."),
        (Page(site="3. Three"), "3\\. Three."),
    ],
)  # fmt: skip
def test_the_byline_names_author_site_and_date(page: Page, line: str) -> None:
    notes = render_notes(Article("T", (), page=page), [], show="S", duration_ms=0)
    assert notes.splitlines()[4] == line


@pytest.mark.parametrize(
    ("source", "page", "line"),
    [
        ("/home/me/article.txt", None, "Read from article.txt."),
        ("-", None, None),
        ("", None, None),
        ("x", Page(url="https://news.example/a"), "Source: <https://news.example/a>"),
        ("/tmp/a.html", Page(url="ftp://news.example/a"), "Read from a.html."),
    ],
)
def test_the_source_is_the_pages_address_or_the_files_name(
    source: str, page: Page | None, line: str | None
) -> None:
    notes = render_notes(Article("T", (), source=source, page=page), [], show="S", duration_ms=0)
    found = [n for n in notes.splitlines() if n.startswith(("Source: ", "Read from "))]
    assert found == ([line] if line else [])


def test_links_are_listed_once_in_the_order_found() -> None:
    article = Article(
        "See https://a.example/x.",
        (Block("paragraph", "Go to https://b.example/y, then (https://a.example/x)."),),
        links=("https://c.example/", "https://b.example/y"),
    )
    assert links_in(article) == ["https://c.example/", "https://b.example/y", "https://a.example/x"]
    notes = render_notes(article, [], show="S", duration_ms=0)
    assert notes.endswith(
        "## Links\n\n- <https://c.example/>\n- <https://b.example/y>\n- <https://a.example/x>\n"
    )


def test_without_links_there_is_no_links_section() -> None:
    notes = render_notes(
        Article("T", (Block("paragraph", "No address."),)), [], show="S", duration_ms=0
    )
    assert "## Links" not in notes


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.org/a?b=1&c=2", "<https://example.org/a?b=1&c=2>"),
        ("  http://example.org/  ", "<http://example.org/>"),
        ("https://example.org/a b<c>", "<https://example.org/a%20b%3Cc%3E>"),
        ("https://example.org/\u202eevil", "<https://example.org/%E2%80%AEevil>"),
        ("https://example.org/a`b|c", "<https://example.org/a%60b%7Cc>"),
        ("javascript:alert(1)", None),
        ("mailto:a@example.org", None),
        ("https:///no-host", None),
        ("http://[::1", None),
    ],
)
def test_only_http_urls_with_a_host_become_autolinks(url: str, link: str | None) -> None:
    assert autolink(url) == link
