"""Feeds and OPML files as items: RSS 2.0, RSS 1.0 and Atom read by feedparser, OPML by
ElementTree, and what either may hold bounded (entries, feeds, titles).

Pure functions of the bytes they are given: fetching and reading files is `sources`' work.
"""

from __future__ import annotations

import calendar
import dataclasses
import hashlib
import html
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.etree import ElementTree

from ..episode.naming import public_url, slugify
from .items import Item

MAX_ENTRIES = 10_000
"""The most entries of one feed considered (the first ones, in the feed's order): busy feeds
carry tens to a few hundred; more is a back catalogue dump or an attack."""
MAX_FEEDS = 1_000
"""The most feeds one OPML file may list (a heavy reader's subscriptions are a few hundred)."""
MIN_CONTENT_CHARS = 500
"""The least text an entry's own content must have to be taken as the article: less is a
summary or a teaser, and the article is fetched from its link instead."""
MAX_TITLE_CHARS = 300
MAX_URL_CHARS = 4_000
MAX_KEY_CHARS = 1_000
"""A longer guid is kept in the key as its hash."""

# A feed or an OPML file starts, after a byte-order mark, white space, an XML declaration,
# processing instructions, comments or a DOCTYPE, with its root element.
_ROOT = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?\s*>)*+"
    rb"<(?:[\w.-]+:)?(rss|feed|RDF|opml)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_BYTES = 65536
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_TAG = re.compile(r"<[^>]{0,10000}>")
_HTML_KINDS = ("text/html", "application/xhtml+xml", "html", "xhtml")


@dataclass(frozen=True)
class Bound:
    """What one feed may contribute: `--limit` and `--since`."""

    limit: int | None = None
    """The most items (the newest); None: all."""
    since: datetime | None = None
    """Only entries published at or after this (aware); None: any date."""


@dataclass(frozen=True)
class Found:
    """What a feed gave: its items and, one line each, what was wrong with some entries."""

    items: list[Item]
    problems: list[str]


def sniff(data: bytes) -> str | None:
    """What `data` is by its first bytes: "feed" (RSS or Atom), "opml", or None."""
    match = _ROOT.match(data[:_SNIFF_BYTES])
    if match is None:
        return None
    return "opml" if match.group(1).lower() == b"opml" else "feed"


def http_url(text: str) -> str | None:
    """`text` stripped, if it is a whole http(s) address naming a server, else None."""
    text = text.strip()
    if (
        not text
        or len(text) > MAX_URL_CHARS
        or any(not c.isprintable() or c.isspace() for c in text)
    ):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def canonical_url(url: str) -> str:
    """`url` as an item's identity: no secrets, user name or fragment (`public_url`), the
    scheme and server in lower case, no default port, and `/` for an empty path."""
    parts = urlsplit(public_url(url))
    scheme = parts.scheme.lower()
    host = parts.netloc.lower()
    default = {"http": ":80", "https": ":443"}.get(scheme, "")
    if default and host.endswith(default):
        host = host[: -len(default)]
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def clean_title(title: object) -> str | None:
    """A title as shown: control characters removed, white space collapsed, at most
    `MAX_TITLE_CHARS` characters; None when nothing is left."""
    if not isinstance(title, str):
        return None
    text = "".join(" " if _is_control(c) else c for c in title[: MAX_TITLE_CHARS * 4])
    text = " ".join(text.split())
    if len(text) > MAX_TITLE_CHARS:
        text = text[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    return text or None


def _is_control(char: str) -> bool:
    """Control characters, lone surrogates, line and paragraph separators and the marks that
    reorder text (which can make a title read as something else)."""
    return (
        unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp")
        or "\u202a" <= char <= "\u202e"
        or "\u2066" <= char <= "\u2069"
    )


def feed_items(
    data: bytes, *, feed: str, origin: str, bound: Bound, location: str | None = None
) -> Found:
    """The items of the RSS or Atom feed `data` (read from `feed`, an address or a path; at
    `location` after redirects, which relative links are resolved against): the newest first,
    as `bound` allows. Entries with no date count as older than any dated one (a feed
    without dates keeps its own order) and are left out by `since`."""
    import feedparser  # type: ignore[import-untyped]

    headers = {"content-location": location} if location else {}
    # A stream, never bytes or a string: feedparser opens a string that names a file or URL.
    parsed: Any = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = list(parsed.entries)
    if not entries and (parsed.bozo or not parsed.version):
        reason = clean_title(str(parsed.get("bozo_exception", ""))) or "no entries"
        return Found([], [f"{feed}: not an RSS or Atom feed that can be read ({reason})"])
    problems = []
    if len(entries) > MAX_ENTRIES:
        problems.append(
            f"{feed}: {len(entries):,} entries; only the first {MAX_ENTRIES:,} were considered"
        )
        entries = entries[:MAX_ENTRIES]
    language = _language(parsed.feed.get("language"))
    dated = sorted(((_published(e), e) for e in entries), key=_newest_first)
    items: list[Item] = []
    for published, entry in dated:
        if bound.limit is not None and len(items) >= bound.limit:
            break
        if bound.since is not None and (published is None or published < bound.since):
            continue
        made = _item(entry, published, feed=feed, origin=origin, language=language)
        if isinstance(made, Item):
            items.append(made)
        else:
            problems.append(made)
    return Found(items, problems)


def _newest_first(pair: tuple[datetime | None, object]) -> tuple[bool, float]:
    published = pair[0]
    return (published is None, -published.timestamp() if published else 0.0)


def _item(
    entry: Any, published: datetime | None, *, feed: str, origin: str, language: str | None
) -> Item | str:
    """The item of one entry, or the line that says why it has none."""
    title = clean_title(entry.get("title"))
    named = f"{feed}: the entry {title!r}" if title else f"{feed}: an entry with no title"
    raw_link = entry.get("link")
    link = http_url(raw_link) if isinstance(raw_link, str) and raw_link.strip() else None
    if raw_link and not link:
        shown = clean_title(str(raw_link)[:80])
        return f"{named} links to {shown!r}, not an http(s) address; skipped"
    body = _article(entry)
    guid = _guid(entry.get("id"))
    if link is None and body is None:
        return f"{named} has neither a link nor the article itself; skipped"
    if guid:
        key = f"guid:{guid}"
    elif link:
        key = f"url:{canonical_url(link)}"
    else:
        return f"{named} has the article but neither a guid nor a link; skipped"
    item = Item(
        key=key, source=link or feed, title=title, link=link, published=published, origin=origin
    )
    if body is None:
        # A page given by its address: produced once (re-fetching it for a new version would
        # make one of every change to its ads and comments).
        return item
    document = _document(body[0], title, link, _language(body[1]) or language)
    fallback = slugify(urlsplit(link).path, fallback="article") if link else "article"
    return dataclasses.replace(
        item,
        version=_sha256(document),
        content=document,
        name=f"{slugify(title or '', fallback=fallback)}.html",
    )


def _guid(value: object) -> str | None:
    """feedparser's id of an entry (RSS's guid, Atom's id) as a key: whole, without control
    characters; hashed when it is too long to be kept."""
    if not isinstance(value, str):
        return None
    guid = "".join(c for c in value.strip() if not _is_control(c))
    return guid if len(guid) <= MAX_KEY_CHARS else f"sha256:{_sha256(guid)}"


def _article(entry: Any) -> tuple[str, str | None] | None:
    """The entry's own full text as HTML, and its language, when it carries the article."""
    for content in entry.get("content") or []:
        kind = str(content.get("type", "")).lower()
        value = content.get("value")
        if (
            kind in _HTML_KINDS
            and isinstance(value, str)
            and _text_length(value) >= MIN_CONTENT_CHARS
        ):
            return value, content.get("language")
    return None


def _text_length(markup: str) -> int:
    """About how many characters of text `markup` shows (a measure, not an extraction)."""
    return len(" ".join(html.unescape(_TAG.sub(" ", markup)).split()))


def _document(body: str, title: str | None, link: str | None, language: str | None) -> bytes:
    """A whole web page of the entry's article (feedparser has sanitised `body`), which
    records its title, language and address as a saved page does."""
    head = ['<meta charset="utf-8">', f"<title>{html.escape(title or '')}</title>"]
    if link:
        head.append(f'<link rel="canonical" href="{html.escape(link)}">')
    lang = f' lang="{language}"' if language else ""
    heading = f"<h1>{html.escape(title)}</h1>\n" if title else ""
    return (
        f"<!DOCTYPE html>\n<html{lang}>\n<head>\n{chr(10).join(head)}\n</head>\n"
        f"<body>\n<article>\n{heading}{body}\n</article>\n</body>\n</html>\n"
    ).encode("utf-8", errors="replace")


def _published(entry: Any) -> datetime | None:
    for field in ("published_parsed", "updated_parsed"):
        moment = entry.get(field)
        if moment is not None:
            try:
                return datetime.fromtimestamp(calendar.timegm(moment), UTC)
            except (ValueError, OverflowError, OSError, TypeError):
                continue
    return None


def _language(value: object) -> str | None:
    if isinstance(value, str) and _LANGUAGE.fullmatch(value.strip()):
        return value.strip()
    return None


def _sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def opml_feeds(data: bytes, *, opml: str) -> Found:
    """The feeds an OPML file lists (`xmlUrl` of its outlines, nested ones too), as items
    whose source is the feed's address; or why it cannot be read.

    A DOCTYPE is refused before parsing: OPML has no use for one, and entities declared in
    one are how XML files blow up (expat bounds that too, from 2.4.0).
    """
    head = data[:_SNIFF_BYTES]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        return Found([], [f"{opml}: an OPML file with a DOCTYPE or entities is refused"])
    try:
        root = ElementTree.fromstring(data, parser=ElementTree.XMLParser())
    except ElementTree.ParseError as exc:
        return Found([], [f"{opml}: not an OPML file that can be read ({exc})"])
    feeds: list[Item] = []
    problems: list[str] = []
    for outline in _outlines(root):
        address = outline.get("xmlUrl")
        if address is None:
            continue
        url = http_url(address)
        if url is None:
            problems.append(
                f"{opml}: the feed {clean_title(address[:80])!r} is not an http(s) address"
            )
        elif len(feeds) >= MAX_FEEDS:
            problems.append(f"{opml}: more than {MAX_FEEDS:,} feeds; the rest were left out")
            break
        else:
            title = clean_title(outline.get("title") or outline.get("text"))
            feeds.append(
                Item(key=f"url:{canonical_url(url)}", source=url, title=title, origin=opml)
            )
    if not feeds and not problems:
        problems.append(f"{opml}: no feeds in it (no outline with an xmlUrl)")
    return Found(feeds, problems)


def _outlines(root: ElementTree.Element) -> Iterator[ElementTree.Element]:
    return (element for element in root.iter() if _local(element.tag) == "outline")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
