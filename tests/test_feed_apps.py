"""The feed as validators and podcast apps read it: its self link, the show's podcast:guid,
each episode's show notes, and descriptions that end at a sentence."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest

from article2podcast.publishing.feed import (
    ATOM,
    CONTENT,
    PODCAST,
    Channel,
    FeedEpisode,
    podcast_guid,
    render_feed,
)
from article2podcast.publishing.library import write_feed
from article2podcast.publishing.shownotes import (
    DESCRIPTION_CHARS,
    description,
    opening,
    show_notes,
)

BASE = "https://example.org/pod/"
CHANNEL = Channel("Night Reads", "Articles read aloud.", BASE)
HOSTILE = "<script>alert(1)</script>"
LONG = (
    "The senator spoke for an hour about the bill, its history, its many amendments and the "
    "committee that had held it up since the spring, while the chamber emptied around him. "
)
ENDS_A_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")


def segment(kind: str, text: str, sentences: list[str] | None = None) -> dict[str, Any]:
    """A segment as `build_manifest` writes it (sentences listed), or without its sentences."""
    made: dict[str, Any] = {"kind": kind, "text": text}
    if sentences is not None:
        made["sentences"] = [{"text": s, "spoken": s, "pieces": [s]} for s in sentences]
    return made


def manifest(
    paragraphs: list[list[str]] | None = None,
    *,
    url: str | None = "https://news.example/a?id=1&x=2",
    chapters: list[tuple[int, str]] | None = None,
    title: str = "The vote",
) -> dict[str, Any]:
    paragraphs = paragraphs if paragraphs is not None else [["It began.", "Then it ended."]]
    return {
        "manifest_version": 1,
        "generator": "article2podcast 1.0",
        "title": title,
        "audio": "first.mp3",
        "duration_ms": 3_725_000,
        "page": {"url": url} if url else None,
        "segments": [
            segment("intro", "Welcome to Night Reads.", ["Welcome to Night Reads."]),
            segment("title", title, [title]),
            *(segment("paragraph", " ".join(p), p) for p in paragraphs),
        ],
        "chapters": [
            {"start_ms": start, "end_ms": start + 1, "title": name}
            for start, name in (chapters or [(0, "Intro"), (4_000, title), (3_700_000, "Outro")])
        ],
    }


def episode(made: dict[str, Any], audio: str = "first.mp3") -> FeedEpisode:
    return FeedEpisode(
        manifest=made,
        audio=audio,
        audio_bytes=1000,
        mime="audio/mpeg",
        published=datetime(2024, 5, 6, tzinfo=UTC),
        sidecars={},
    )


def parsed(xml: str) -> Any:
    result = feedparser.parse(xml)
    assert not result.bozo, result.get("bozo_exception")
    return result


def notes_of(xml: str) -> str:
    encoded = ET.fromstring(xml).findtext(f"channel/item/{{{CONTENT}}}encoded")
    assert encoded is not None
    return encoded


class Tags(HTMLParser):
    """The tags and the text of an HTML fragment, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# The channel: where the feed is, and who the show is.


def test_the_channel_links_to_the_feed_itself() -> None:
    xml = render_feed(CHANNEL, [episode(manifest())])
    link = ET.fromstring(xml).find(f"channel/{{{ATOM}}}link")
    assert link is not None
    assert link.attrib == {
        "href": BASE + "feed.xml",
        "rel": "self",
        "type": "application/rss+xml",
    }
    assert {"rel": "self", "type": "application/rss+xml", "href": BASE + "feed.xml"} in (
        parsed(xml).feed.links
    )


@pytest.mark.parametrize(
    ("feed_url", "expected"),
    [  # the spec's own examples (podcast-namespace docs/tags/guid.md), bare and as served
        ("podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("https://podnews.net/rss", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("http://podnews.net/rss//", "9b024349-ccf0-5f69-a609-6b82873eab3c"),
        ("mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
        ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
    ],
)
def test_the_podcast_guid_is_the_specs_uuid5_of_the_feed_address(
    feed_url: str, expected: str
) -> None:
    assert podcast_guid(feed_url) == expected


def test_the_channel_gives_the_shows_podcast_guid() -> None:
    channel = Channel("Pod", "d", "https://podnews.net/", feed="rss")
    xml = render_feed(channel, [episode(manifest())])
    expected = "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert ET.fromstring(xml).findtext(f"channel/{{{PODCAST}}}guid") == expected
    assert parsed(xml).feed.podcast_guid == expected


def published_folder(folder: Path) -> Path:
    folder.mkdir()
    (folder / "first.mp3").write_bytes(b"\xff\xfb" + bytes(998))
    (folder / "first.json").write_text(json.dumps(manifest()), encoding="utf-8")
    return folder


def channel_guid(folder: Path) -> str | None:
    return ET.parse(folder / "feed.xml").findtext(f"channel/{{{PODCAST}}}guid")


def test_the_shows_guid_stays_when_its_address_changes(tmp_path: Path) -> None:
    """Podcasting 2.0: a show's guid is given once and follows it to a new host."""
    folder = published_folder(tmp_path / "show")
    write_feed(folder, "https://old.example/pod/")
    first = channel_guid(folder)
    assert first == podcast_guid("https://old.example/pod/feed.xml")
    write_feed(folder, "https://new.example/cast")
    assert channel_guid(folder) == first
    link = ET.parse(folder / "feed.xml").find(f"channel/{{{ATOM}}}link")
    assert link is not None and link.get("href") == "https://new.example/cast/feed.xml"


def test_a_new_show_gets_its_guid_from_its_own_address(tmp_path: Path) -> None:
    folder = published_folder(tmp_path / "show")
    write_feed(folder, "https://new.example/cast/")
    assert channel_guid(folder) == podcast_guid("new.example/cast/feed.xml")


# Each episode's show notes.


def test_the_show_notes_list_each_chapter_with_its_time() -> None:
    chapters = [(0, "Intro"), (65_000, "The count"), (3_725_000 - 5_000, "Outro")]
    text = "".join(
        Tags(notes_of(render_feed(CHANNEL, [episode(manifest(chapters=chapters))]))).text
    )
    for line in ("0:00 Intro", "1:05 The count", "1:02:00 Outro"):
        assert line in text


def test_the_show_notes_link_the_articles_page() -> None:
    notes = Tags(notes_of(render_feed(CHANNEL, [episode(manifest())])))
    assert ("a", {"href": "https://news.example/a?id=1&x=2"}) in notes.tags


def test_podcast_apps_read_the_show_notes_as_html() -> None:
    (entry,) = parsed(render_feed(CHANNEL, [episode(manifest())])).entries
    # feedparser also lists itunes:summary here, as text/plain
    (content,) = [c for c in entry.content if c.type == "text/html"]
    assert '<a href="https://news.example/a?id=1&amp;x=2">' in content.value
    assert "<li>0:04 The vote</li>" in content.value


def test_untrusted_text_in_the_show_notes_is_text_not_markup() -> None:
    made = manifest(
        [[f"Look {HOSTILE} here.", '<img src=x onerror="alert(2)">']],
        url='javascript:alert(3)//"><b>',
        chapters=[(0, HOSTILE), (1_000, '"><i>x</i>')],
        title=HOSTILE,
    )
    notes = notes_of(render_feed(CHANNEL, [episode(made)]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in notes
    tags = Tags(notes)
    assert {tag for tag, _ in tags.tags} <= {"p", "ul", "li", "a"}
    assert not any(tag == "a" for tag, _ in tags.tags)  # a javascript: page is not linked
    assert f"0:00 {HOSTILE}" in "".join(tags.text)


def test_the_show_notes_without_chapters_or_page_are_the_opening() -> None:
    made = manifest(url=None) | {"chapters": [{"start_ms": "0", "title": 3}, "junk"]}
    assert show_notes(made) == "<p>It began. Then it ended.</p>"


# Descriptions end at a sentence.

SENTENCES = [LONG.strip()] * 12  # about 2000 characters of whole sentences
QUOTED = [*SENTENCES[:3], "“He never failed to pass,” she said.", "“Never!”", *SENTENCES[3:]]


@pytest.mark.parametrize(
    ("made", "article"),
    [
        (manifest([SENTENCES]), SENTENCES),
        (manifest([SENTENCES[:3], SENTENCES[3:]]), SENTENCES),  # across paragraphs
        (manifest([QUOTED]), QUOTED),  # the last that fits ends in a closing quote
        # a manifest whose segments do not list their sentences: split again
        (manifest() | {"segments": [segment("paragraph", LONG * 12)]}, SENTENCES),
    ],
    ids=["one-paragraph", "two-paragraphs", "quotes", "unlisted-sentences"],
)
def test_a_long_opening_ends_with_its_last_whole_sentence(
    made: dict[str, Any], article: list[str]
) -> None:
    lead = opening(made)
    assert ENDS_A_SENTENCE.search(lead), lead[-40:]
    assert DESCRIPTION_CHARS - len(LONG) < len(lead) <= DESCRIPTION_CHARS
    assert lead in (" ".join(article[:n]) for n in range(1, len(article)))
    feed_description = ET.fromstring(render_feed(CHANNEL, [episode(made)])).findtext(
        "channel/item/description"
    )
    assert feed_description == f"{lead} (Read aloud from https://news.example/a?id=1&x=2.)"


def test_the_description_no_longer_stops_mid_phrase() -> None:
    """The first paragraph once ended "...his failure to pass" at character 400."""
    made = manifest([[*SENTENCES[:3], "He blamed the rules for his failure to pass it.", LONG]])
    assert opening(made).endswith("his failure to pass it.")


@pytest.mark.parametrize(
    ("sentences", "lead"),
    [
        (["It began.", "It ended."], "It began. It ended."),
        (["A" * 10 + ".", "B" * 20 + "."], "A" * 10 + "."),  # the second does not fit whole
        (["word " * 10 + "end."], "word word word word…"),  # one sentence too long: cut at a word
        (["word, " * 10 + "end."], "word, word, word…"),  # and no comma before the ellipsis
        (["x" * 40], "x" * 19 + "…"),  # one word too long: cut inside it
        ([], ""),
    ],
)
def test_the_opening_is_whole_sentences_within_the_limit(sentences: list[str], lead: str) -> None:
    assert opening(manifest([sentences] if sentences else []), limit=20) == lead
    assert len(lead) <= 20


def test_the_opening_skips_the_intro_title_and_headings() -> None:
    made = manifest([["It began."]])
    made["segments"].insert(2, segment("heading", "Part one", ["Part one"]))
    made["segments"].append(segment("quote", "“Stop.”", ["“Stop.”"]))
    assert opening(made) == "It began. “Stop.”"


def test_an_episode_without_a_page_is_described_by_its_opening_alone() -> None:
    assert description(manifest(url=None)) == "It began. Then it ended."
    assert description(manifest([], url="https://a.example/")) == (
        "(Read aloud from https://a.example/.)"
    )
