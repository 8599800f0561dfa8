"""Pages: an episode's read-along page and the folder's index, read back with html.parser."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from article2podcast.episode.pages import GENERATOR, episode_page, index_page


class Page(HTMLParser):
    """What a browser would find: the title, the heading, the audio, the sentences, links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self.h1 = ""
        self.sentences: list[tuple[float, float, str]] = []
        self.meta: list[str] = []
        """The text of each `<p class="meta">`."""
        self._open: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br", "link", "input"):
            self._open.append((tag, dict(attrs)))
        if dict(attrs).get("class") == "s":
            start, end = dict(attrs)["data-start"], dict(attrs)["data-end"]
            self.sentences.append((float(start or "nan"), float(end or "nan"), ""))
        if tag == "p" and dict(attrs).get("class") == "meta":
            self.meta.append("")

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self._open:
            return
        tag, attrs = self._open[-1]
        if any(t == "p" and a.get("class") == "meta" for t, a in self._open):
            self.meta[-1] += data
        if tag == "title":
            self.title += data
        elif tag == "h1":
            self.h1 += data
        elif attrs.get("class") == "s":
            start, end, text = self.sentences[-1]
            self.sentences[-1] = (start, end, text + data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def sentence(text: str, start: int, end: int) -> dict[str, Any]:
    return {"text": text, "start_ms": start, "end_ms": end}


def manifest(title: str = "The Headline", **changes: Any) -> dict[str, Any]:
    return {
        "title": title,
        "audio": "the headline.mp3",
        "duration_ms": 75_000,
        "show": "Night Reads",
        "source": "/home/me/article.txt",
        "page": None,
        "produced": "2024-05-06T07:08:09+00:00",
        "chapters": [
            {"start_ms": 0, "end_ms": 2000, "title": "Intro"},
            {"start_ms": 2000, "end_ms": 75_000, "title": title},
        ],
        "segments": [
            {"kind": "intro", "continues": False, "sentences": [sentence("Hello.", 400, 1500)]},
            {"kind": "title", "continues": False, "sentences": [sentence(title, 2000, 3250)]},
            {
                "kind": "paragraph",
                "continues": False,
                "sentences": [sentence("One & two.", 4000, 5000), sentence("Three.", 5380, 6000)],
            },
            {"kind": "quote", "continues": True, "sentences": [sentence("“Four.”", 6250, 7001)]},
        ],
    } | changes


def test_the_page_is_titled_and_headed_with_the_headline() -> None:
    page = Page(episode_page(manifest(), cover=None))
    assert (page.title, page.h1) == ("The Headline", "The Headline")


def test_the_page_is_marked_as_ours() -> None:
    page = Page(episode_page(manifest(), cover=None))
    assert {"name": "generator", "content": GENERATOR} in page.all("meta")


def test_the_audio_plays_the_file_beside_the_page() -> None:
    (audio,) = Page(episode_page(manifest(), cover=None)).all("audio")
    assert audio["src"] == "the%20headline.mp3"
    assert "controls" in audio


def test_every_sentence_is_in_the_transcript_in_order_with_its_times() -> None:
    page = Page(episode_page(manifest(), cover=None))
    assert page.sentences == [
        (0.4, 1.5, "Hello."),
        (2.0, 3.25, "The Headline"),
        (4.0, 5.0, "One & two."),
        (5.38, 6.0, "Three."),
        (6.25, 7.001, "“Four.”"),
    ]


def test_a_sentence_plays_from_its_start() -> None:
    spans = [
        a for a in Page(episode_page(manifest(), cover=None)).all("span") if a.get("class") == "s"
    ]
    assert [a["data-seek"] for a in spans] == [a["data-start"] for a in spans]
    assert all(a["tabindex"] == "0" and a["role"] == "button" for a in spans)


def test_a_continuing_segment_joins_its_paragraph() -> None:
    page = Page(episode_page(manifest(), cover=None))
    classes = [a["class"] for a in page.all("p") if "segment" in (a.get("class") or "")]
    assert classes == ["segment intro", "segment title", "segment paragraph"]
    parts = [a["class"] for a in page.all("span") if (a.get("class") or "").startswith("part")]
    assert parts == ["part paragraph", "part quote"]


def test_a_quote_of_its_own_is_a_blockquote() -> None:
    segments = [{"kind": "quote", "sentences": [sentence("Set apart.", 0, 900)]}]
    page = Page(episode_page(manifest(segments=segments), cover=None))
    assert [a["class"] for a in page.all("blockquote")] == ["segment quote"]


def test_chapters_are_buttons_that_seek() -> None:
    page = Page(episode_page(manifest(), cover=None))
    seeks = [a["data-seek"] for a in page.all("button")]
    assert seeks == ["0.000", "2.000"]


@pytest.mark.parametrize(
    ("cover", "src"), [(None, None), ("cover art #1.png", "cover%20art%20%231.png")]
)
def test_the_cover_is_shown_only_when_there_is_one(cover: str | None, src: str | None) -> None:
    images = Page(episode_page(manifest(), cover=cover)).all("img")
    assert [i["src"] for i in images] == ([src] if src else [])


@pytest.mark.parametrize(
    ("source", "page", "shown", "link"),
    [
        ("/home/me/article.txt", None, "Read from article.txt", None),
        ("-", None, "Read from standard input", None),
        ("x", {"url": "https://news.example/a"}, "Read from https://news.example/a",
         "https://news.example/a"),
        ("x", {"site": "The Paper"}, "Read from The Paper", None),
        ("x", {"url": "javascript:alert(1)"}, "Read from javascript:alert(1)", None),
    ],
)  # fmt: skip
def test_the_source_line_names_where_the_article_was_read(
    source: str, page: dict[str, str] | None, shown: str, link: str | None
) -> None:
    html = episode_page(manifest(source=source, page=page), cover=None)
    assert shown in Page(html).meta
    hrefs = [a["href"] for a in Page(html).all("a") if a.get("class") != "skip"]
    assert hrefs == ([link] if link else [])


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>x</script>",
    "A & B &amp; C",
    "<!-- not a comment -->",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_title_is_text_everywhere_on_the_page(title: str) -> None:
    html = episode_page(manifest(title), cover="c.png")
    page = Page(html)
    assert (page.title, page.h1) == (title, title)
    assert page.sentences[1][2] == title
    assert [a["alt"] for a in page.all("img")] == [f"Cover art: {title}"]
    assert len(page.all("script")) == 1  # ours
    assert page.all("img") == [{"src": "c.png", "alt": f"Cover art: {title}", "width": "256",
                                "height": "256"}]  # fmt: skip


@pytest.mark.parametrize("name", ['x" onerror="alert(1).mp3', "a b#c?d.mp3", "<x>.mp3"])
def test_a_hostile_audio_name_stays_one_link(name: str) -> None:
    (audio,) = Page(episode_page(manifest(audio=name), cover=None)).all("audio")
    assert set(audio) == {"id", "controls", "preload", "src", "aria-label"}
    assert "/" not in (audio["src"] or "") and " " not in (audio["src"] or "")


def test_the_index_lists_each_episode_with_its_page_and_length() -> None:
    episodes = [("second page.html", manifest("Second")), ("first.html", manifest("First"))]
    page = Page(index_page("Night <Reads>", episodes))
    assert (page.title, page.h1) == ("Night <Reads>", "Night <Reads>")
    links = [a["href"] for a in page.all("a")]
    assert links == ["feed.xml", "second%20page.html", "first.html"]
    assert {"name": "generator", "content": GENERATOR} in page.all("meta")


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_episode_title_is_text_in_the_index(title: str) -> None:
    html = index_page("Show", [("e.html", manifest(title))])
    page = Page(html)
    assert page.all("script") == [] and page.all("img") == []
    assert [a["href"] for a in page.all("a")] == ["feed.xml", "e.html"]


@pytest.mark.parametrize(
    ("page", "line"),
    [
        (None, "Night Reads · 2024-05-06 · 1:15"),
        ({"author": "Ana <Ruiz>", "date": "2023-01-02"},
         "Night Reads · by Ana <Ruiz> · 2023-01-02 · 1:15"),
    ],
)  # fmt: skip
def test_the_meta_line_is_show_author_date_and_length(
    page: dict[str, str] | None, line: str
) -> None:
    assert Page(episode_page(manifest(page=page), cover=None)).meta[0] == line
