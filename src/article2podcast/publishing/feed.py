"""The podcast feed: RSS 2.0 with the tags Apple Podcasts requires and Podcasting 2.0's.

Pure: from the episodes of a folder (their manifests and file facts) to the feed's XML. Every
episode's guid is derived from its audio file's name, so producing another episode and
writing the feed again adds one item and changes no existing guid.
"""

from __future__ import annotations

import email.utils
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, quote, unquote, urlsplit

from ..errors import InputError
from .shownotes import description, show_notes

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("itunes", ITUNES)
ET.register_namespace("podcast", PODCAST)
ET.register_namespace("content", CONTENT)
ET.register_namespace("atom", ATOM)
_GUID_NAMESPACE = uuid.UUID("8d3c7a9e-2f4b-4c1e-9a0d-5b6f7e8c9d10")
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0's namespace for a show's podcast:guid (docs/tags/guid.md of the spec)."""
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
GENERATOR = "article2podcast"
"""The feed's `<generator>`: how we know a feed.xml is ours."""
# What XML 1.0 cannot hold at all, not even escaped: C0 controls but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. ElementTree writes them as they are, making the feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Characters a URL's host and port never have; a path's are percent-encoded instead.
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?")


@dataclass(frozen=True)
class FeedEpisode:
    """One episode of a folder, as the feed needs it."""

    manifest: Mapping[str, Any]
    """Its manifest."""
    audio: str
    """Its audio file's name."""
    audio_bytes: int
    """The audio file's size."""
    mime: str
    """The audio's MIME type."""
    published: datetime
    """When it was made (aware)."""
    sidecars: Mapping[str, str]
    """Its other files by suffix (".vtt", ".srt", ".chapters.json", ".html", ".png")."""


@dataclass(frozen=True)
class Channel:
    """The show."""

    title: str
    description: str
    base_url: str
    """Where the folder is served, ending in '/'."""
    language: str = "en"
    category: str = "News"
    author: str = ""
    image: str | None = None
    """The show's cover file name (1400-3000 px), in the folder."""
    feed: str = "feed.xml"
    """The feed's own file name, in the folder (its atom:link rel="self")."""
    guid: str | None = None
    """The show's podcast:guid, kept for life; None: derived from the feed's address."""
    key: str | None = None
    """The key the server asks for: added as `?key=` to every link (podcast apps cannot log
    in); None: none."""

    @property
    def feed_url(self) -> str:
        """Where the feed itself is served (without the key)."""
        return self.base_url + quote(self.feed, safe="")

    @property
    def query(self) -> str:
        """What every link ends with: the key, or nothing."""
        return f"?key={quote(self.key, safe='')}" if self.key else ""


def shared_language(manifests: Sequence[Mapping[str, Any]]) -> str:
    """The channel's language from its episodes' manifests: the one they share, else the most
    common (the earliest listed of those tied); English for episodes that name none (made
    before the manifest had a language)."""
    counts = Counter(str(m.get("language") or "en") for m in manifests)
    return counts.most_common(1)[0][0] if counts else "en"


def guid(audio_name: str) -> str:
    """The episode's permanent id: the same file name gives the same guid, always."""
    return str(uuid.uuid5(_GUID_NAMESPACE, audio_name))


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid Podcasting 2.0 derives from a feed's address: a UUIDv5 in its podcast
    namespace of the address without its scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url.strip()).rstrip("/")))


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry (the rest is escaped when written)."""
    return _NOT_XML.sub("", text)


def checked_base_url(given: str) -> str:
    """The address a folder is served at, as the feed's links start: http(s), no user name or
    password, no query or fragment, its path percent-encoded, ending in '/'."""
    url = given.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"--base-url {given!r} is not a web address; give where the folder is served, "
            "such as https://example.org/podcast/"
        )
    if "?" in url or "#" in url:
        raise InputError(
            f"--base-url {given!r} has a query ('?') or a fragment ('#'); give the folder's "
            "address without them (a folder name with '?' or '#' is written %3F or %23)"
        )
    if parts.username is not None or parts.password is not None:
        raise InputError(
            f"--base-url {given!r} holds a user name or password, which the feed would "
            "publish; give the address without them"
        )
    if not _HOST.fullmatch(host := _ascii_host(parts.netloc)) or _port(parts) is None:
        raise InputError(
            f"--base-url {given!r} has no valid host (and port); give where the folder is "
            "served, such as https://example.org/podcast/"
        )
    # Decoded first so that what is already percent-encoded is not encoded twice; split first
    # so that an encoded '/' (%2F) stays inside its segment.
    path = "/".join(
        quote(unquote(segment), safe="!$&'()*+,;=:@~") for segment in parts.path.split("/")
    )
    path = path if path.startswith("/") else "/" + path
    return f"{parts.scheme.lower()}://{host}{path if path.endswith('/') else path + '/'}"


def _ascii_host(netloc: str) -> str:
    """`netloc` with an internationalised name in its ASCII form ('' if it has none)."""
    try:
        return netloc if netloc.isascii() else netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return ""


def _port(parts: SplitResult) -> int | None:
    """The URL's port (0 when it names none), or None when it is not a port."""
    try:
        return parts.port or 0
    except ValueError:
        return None


def is_our_feed(data: bytes) -> bool:
    """Whether `data` is a feed we wrote (its channel's generator is ours)."""
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        return False
    generator = root.find("channel/generator")
    return root.tag == "rss" and generator is not None and generator.text == GENERATOR


def feed_guid(data: bytes) -> str | None:
    """The podcast:guid a feed gives its show, if it gives one that is a UUID."""
    try:
        found = ET.fromstring(data).findtext(f"channel/{{{PODCAST}}}guid")
    except (ET.ParseError, ValueError):
        return None
    return found.strip().lower() if found and _UUID.fullmatch(found.strip()) else None


def render_feed(channel: Channel, episodes: Sequence[FeedEpisode]) -> str:
    """The feed's XML text, newest episode first."""
    rss = ET.Element("rss", {"version": "2.0"})
    show = ET.SubElement(rss, "channel")
    _text(show, "title", channel.title)
    _text(show, "link", channel.base_url + channel.query)
    _element(
        show,
        f"{{{ATOM}}}link",
        {"href": channel.feed_url + channel.query, "rel": "self", "type": "application/rss+xml"},
    )
    _text(show, "description", channel.description)
    _text(show, "language", channel.language)
    _text(show, "generator", GENERATOR)
    _text(show, f"{{{PODCAST}}}guid", channel.guid or podcast_guid(channel.feed_url))
    _text(show, f"{{{ITUNES}}}author", channel.author or channel.title)
    _text(show, f"{{{ITUNES}}}explicit", "false")
    _text(show, f"{{{ITUNES}}}type", "episodic")
    _element(show, f"{{{ITUNES}}}category", {"text": channel.category})
    if channel.image:
        url = _url(channel, channel.image)
        _element(show, f"{{{ITUNES}}}image", {"href": url})
        image = ET.SubElement(show, "image")
        _text(image, "url", url)
        _text(image, "title", channel.title)
        _text(image, "link", channel.base_url + channel.query)
    ordered = sorted(episodes, key=lambda e: e.published, reverse=True)
    for episode in ordered:
        _item(show, channel, episode)
    ET.indent(rss)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(rss, encoding="unicode") + "\n"


def _item(show: ET.Element, channel: Channel, episode: FeedEpisode) -> None:
    manifest = episode.manifest
    item = ET.SubElement(show, "item")
    _text(item, "title", str(manifest["title"]))
    summary = description(manifest)
    _text(item, "description", summary)
    _text(item, f"{{{ITUNES}}}summary", summary)
    _text(item, f"{{{CONTENT}}}encoded", show_notes(manifest))  # HTML, escaped as text
    _element(
        item,
        "enclosure",
        {
            "url": _url(channel, episode.audio),
            "length": str(episode.audio_bytes),
            "type": episode.mime,
        },
    )
    _text(item, "guid", guid(episode.audio)).set("isPermaLink", "false")
    _text(item, "pubDate", email.utils.format_datetime(episode.published))
    _text(item, f"{{{ITUNES}}}duration", str(round(int(manifest["duration_ms"]) / 1000)))
    _text(item, f"{{{ITUNES}}}explicit", "false")
    _text(item, f"{{{ITUNES}}}episodeType", "full")
    if ".html" in episode.sidecars:
        _text(item, "link", _url(channel, episode.sidecars[".html"]))
    if ".png" in episode.sidecars:
        _element(item, f"{{{ITUNES}}}image", {"href": _url(channel, episode.sidecars[".png"])})
    for suffix, kind in ((".vtt", "text/vtt"), (".srt", "application/srt")):
        if suffix in episode.sidecars:
            _element(
                item,
                f"{{{PODCAST}}}transcript",
                {"url": _url(channel, episode.sidecars[suffix]), "type": kind, "rel": "captions"},
            )
    if ".chapters.json" in episode.sidecars:
        _element(
            item,
            f"{{{PODCAST}}}chapters",
            {"url": _url(channel, episode.sidecars[".chapters.json"]),
             "type": "application/json+chapters"},
        )  # fmt: skip


def _url(channel: Channel, name: str) -> str:
    return channel.base_url + quote(name, safe="") + channel.query


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = xml_text(text)
    return element


def _element(parent: ET.Element, tag: str, attributes: Mapping[str, str]) -> ET.Element:
    return ET.SubElement(parent, tag, {name: xml_text(v) for name, v in attributes.items()})
