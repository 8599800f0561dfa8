"""The feed: RSS 2.0 with Apple's and Podcasting 2.0's tags, from the episodes' facts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import feedparser
import pytest

from article2podcast.errors import InputError
from article2podcast.publishing.feed import (
    GENERATOR,
    ITUNES,
    PODCAST,
    Channel,
    FeedEpisode,
    checked_base_url,
    guid,
    is_our_feed,
    render_feed,
)
from article2podcast.publishing.shownotes import DESCRIPTION_CHARS

CHANNEL = Channel("Night Reads", "Articles read aloud.", "https://example.org/pod/", author="Ana")
SIDECARS = {
    ".vtt": "first.vtt",
    ".srt": "first.srt",
    ".chapters.json": "first.chapters.json",
    ".html": "first.html",
    ".png": "first.png",
}


def manifest(title: str = "First", opening: str = "It began.", url: str | None = None) -> Any:
    return {
        "title": title,
        "duration_ms": 61_499,
        "page": {"url": url} if url else None,
        "segments": [
            {"kind": "intro", "text": "Welcome to Night Reads."},
            {"kind": "title", "text": title},
            {"kind": "paragraph", "text": opening},
        ],
    }


def episode(audio: str = "first.mp3", **changes: Any) -> FeedEpisode:
    fields: dict[str, Any] = {
        "manifest": manifest(),
        "audio": audio,
        "audio_bytes": 123_456,
        "mime": "audio/mpeg",
        "published": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "sidecars": SIDECARS,
    }
    return FeedEpisode(**(fields | changes))


def items(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall("channel/item")


def test_the_feed_is_rss_2_with_our_generator() -> None:
    xml = render_feed(CHANNEL, [episode()])
    root = ET.fromstring(xml)
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    assert root.findtext("channel/generator") == GENERATOR


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("title", "Night Reads"),
        ("link", "https://example.org/pod/"),
        ("description", "Articles read aloud."),
        ("language", "en"),
        (f"{{{ITUNES}}}author", "Ana"),
        (f"{{{ITUNES}}}explicit", "false"),
        (f"{{{ITUNES}}}type", "episodic"),
    ],
)
def test_the_channel_says_what_apple_asks_for(path: str, value: str) -> None:
    assert ET.fromstring(render_feed(CHANNEL, [])).findtext(f"channel/{path}") == value


def test_the_author_is_the_show_when_none_is_given() -> None:
    channel = Channel("Night Reads", "d", "https://example.org/")
    assert ET.fromstring(render_feed(channel, [])).findtext(f"channel/{{{ITUNES}}}author") == (
        "Night Reads"
    )


def test_the_shows_cover_is_an_itunes_image_and_an_rss_image() -> None:
    channel = Channel("Show", "d", "https://example.org/pod/", image="my cover.png")
    show = ET.fromstring(render_feed(channel, [])).find("channel")
    assert show is not None
    url = "https://example.org/pod/my%20cover.png"
    assert show.find(f"{{{ITUNES}}}image").get("href") == url  # type: ignore[union-attr]
    assert show.findtext("image/url") == url


def test_the_enclosure_is_the_audio_url_length_and_type() -> None:
    (item,) = items(render_feed(CHANNEL, [episode("an episode #1?.mp3")]))
    enclosure = item.find("enclosure")
    assert enclosure is not None and enclosure.attrib == {
        "url": "https://example.org/pod/an%20episode%20%231%3F.mp3",
        "length": "123456",
        "type": "audio/mpeg",
    }


def test_the_item_has_title_duration_date_and_episode_type() -> None:
    (item,) = items(render_feed(CHANNEL, [episode()]))
    assert item.findtext("title") == "First"
    assert item.findtext(f"{{{ITUNES}}}duration") == "61"
    assert item.findtext("pubDate") == "Mon, 06 May 2024 07:08:09 +0000"
    assert item.findtext(f"{{{ITUNES}}}episodeType") == "full"


@pytest.mark.parametrize(
    ("opening", "url", "description"),
    [
        ("It began.", None, "It began."),
        (
            "It began.",
            "https://news.example/a",
            "It began. (Read aloud from https://news.example/a.)",
        ),
        ("x" * (DESCRIPTION_CHARS + 1), None, "x" * (DESCRIPTION_CHARS - 1) + "…"),
        ("x" * DESCRIPTION_CHARS, None, "x" * DESCRIPTION_CHARS),
    ],
)
def test_the_description_is_the_opening_and_where_it_is_from(
    opening: str, url: str | None, description: str
) -> None:
    (item,) = items(render_feed(CHANNEL, [episode(manifest=manifest(opening=opening, url=url))]))
    assert item.findtext("description") == description
    assert item.findtext(f"{{{ITUNES}}}summary") == description


def test_the_guid_is_not_a_permalink_and_comes_from_the_audio_name() -> None:
    (item,) = items(render_feed(CHANNEL, [episode()]))
    element = item.find("guid")
    assert element is not None and element.get("isPermaLink") == "false"
    assert element.text == guid("first.mp3")


def test_the_guid_is_stable_and_differs_between_files() -> None:
    """Pinned: a guid that changed between versions would make every app download again."""
    assert guid("first.mp3") == guid("first.mp3") == "86d7192f-c081-561e-82db-780953696a5c"
    assert guid("first.mp3") != guid("second.mp3")


def test_the_guid_does_not_change_with_the_title_the_date_or_the_address() -> None:
    other = Channel("Other", "d", "https://elsewhere.example/")
    later = episode(manifest=manifest(title="Renamed"), published=datetime(2030, 1, 1, tzinfo=UTC))
    first = items(render_feed(CHANNEL, [episode()]))[0].findtext("guid")
    assert items(render_feed(other, [later]))[0].findtext("guid") == first


def test_episodes_are_listed_newest_first() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    episodes = [
        episode("b.mp3", published=start + timedelta(days=1)),
        episode("c.mp3", published=start + timedelta(days=2)),
        episode("a.mp3", published=start.astimezone(timezone(timedelta(hours=-5)))),
    ]
    listed = [i.find("enclosure").get("url") for i in items(render_feed(CHANNEL, episodes))]  # type: ignore[union-attr]
    assert [url.rsplit("/", 1)[1] for url in listed] == ["c.mp3", "b.mp3", "a.mp3"]


TRANSCRIPT = f"{{{PODCAST}}}transcript"


@pytest.mark.parametrize(
    ("suffix", "tag", "attributes"),
    [
        (".vtt", TRANSCRIPT, {"url": "first.vtt", "type": "text/vtt", "rel": "captions"}),
        (".srt", TRANSCRIPT, {"url": "first.srt", "type": "application/srt", "rel": "captions"}),
        (".chapters.json", f"{{{PODCAST}}}chapters",
         {"url": "first.chapters.json", "type": "application/json+chapters"}),
        (".png", f"{{{ITUNES}}}image", {"href": "first.png"}),
    ],
)  # fmt: skip
def test_each_sidecar_is_linked_from_the_item(
    suffix: str, tag: str, attributes: dict[str, str]
) -> None:
    (item,) = items(render_feed(CHANNEL, [episode(sidecars={suffix: SIDECARS[suffix]})]))
    (element,) = item.findall(tag)
    base = "https://example.org/pod/"
    link = {k: base + v if k in ("url", "href") else v for k, v in attributes.items()}
    assert element.attrib == link


def test_the_page_is_the_items_link_and_missing_sidecars_are_left_out() -> None:
    (item,) = items(render_feed(CHANNEL, [episode(sidecars={".html": "first.html"})]))
    assert item.findtext("link") == "https://example.org/pod/first.html"
    assert item.find(f"{{{PODCAST}}}transcript") is None
    assert item.find(f"{{{PODCAST}}}chapters") is None
    bare = items(render_feed(CHANNEL, [episode(sidecars={})]))[0]
    assert bare.find("link") is None


HOSTILE = [
    "<script>alert(1)</script> & </title>",
    "]]> <![CDATA[ x",
    "Ünïcödé “quotes” 😀",
    "Quote \" and apostrophe '",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_text_reads_back_as_itself(title: str) -> None:
    channel = Channel(title, title, "https://example.org/", author=title)
    xml = render_feed(channel, [episode(manifest=manifest(title=title, opening=title))])
    (item,) = items(xml)
    assert ET.fromstring(xml).findtext("channel/title") == title
    assert (item.findtext("title"), item.findtext("description")) == (title, title)


@pytest.mark.parametrize(
    ("given", "kept"),
    [("Tab\there", "Tab\there"), ("Bell\x07 NUL\x00 esc\x1b", "Bell NUL esc"),
     ("\ufffe\uffff end", " end"), ("lone \ud800 surrogate", "lone  surrogate")],
)  # fmt: skip
def test_characters_xml_cannot_hold_are_dropped(given: str, kept: str) -> None:
    (item,) = items(render_feed(CHANNEL, [episode(manifest=manifest(title=given))]))
    assert item.findtext("title") == kept


def test_feedparser_reads_the_feed_as_a_podcast_app_would() -> None:
    channel = Channel("Night & Day", "d", "https://example.org/pod/", image="cover.png")
    parsed = feedparser.parse(render_feed(channel, [episode(manifest=manifest(title="A < B"))]))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Night & Day"
    assert parsed.feed.image.href == "https://example.org/pod/cover.png"
    (entry,) = parsed.entries
    assert entry.title == "A < B"
    assert entry.id == guid("first.mp3")
    assert entry.itunes_duration == "61"
    (enclosure,) = entry.enclosures
    assert (enclosure.href, enclosure.length, enclosure.type) == (
        "https://example.org/pod/first.mp3",
        "123456",
        "audio/mpeg",
    )


@pytest.mark.parametrize(
    ("data", "ours"),
    [
        (None, True),
        (b"<rss><channel><generator>someone else</generator></channel></rss>", False),
        (b"<feed><channel><generator>article2podcast</generator></channel></feed>", False),
        (b"<rss><channel></channel></rss>", False),
        (b"not xml at all", False),
        (b"", False),
    ],
)
def test_only_a_feed_we_wrote_is_ours(data: bytes | None, ours: bool) -> None:
    content = render_feed(CHANNEL, [episode()]).encode() if data is None else data
    assert is_our_feed(content) is ours


@pytest.mark.parametrize(
    ("given", "checked"),
    [
        ("https://example.org", "https://example.org/"),
        ("  HTTP://example.org/pod  ", "http://example.org/pod/"),
        ("https://example.org:8080/a b/", "https://example.org:8080/a%20b/"),
        ("https://example.org/a%20b/", "https://example.org/a%20b/"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("http://[::1]:8000/x", "http://[::1]:8000/x/"),
    ],
)
def test_a_base_url_is_normalised_to_end_in_a_slash(given: str, checked: str) -> None:
    assert checked_base_url(given) == checked


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("example.org/pod", "not a web address"),
        ("ftp://example.org/", "not a web address"),
        ("https://example.org/?a=1", "a query"),
        ("https://example.org/#top", "a fragment"),
        ("https://me:secret@example.org/", "user name or password"),
        ("https://exa mple.org/", "no valid host"),
        ("https://example.org:99999999/", "no valid host"),
    ],
)
def test_a_base_url_the_feed_cannot_use_is_our_input_error(given: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        checked_base_url(given)
