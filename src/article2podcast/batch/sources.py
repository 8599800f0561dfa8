"""What `add SOURCE...` is given, as items: article files, folders of them, reading lists,
RSS and Atom feeds (by address or file) and OPML files of feeds.

How a SOURCE is told apart:
- an http(s) address is fetched: a feed or an OPML file (by its first bytes) is expanded,
  anything else is one web page;
- a folder: its articles (not its subfolders), by name; hidden files and our own outputs
  (an episode's page and show notes beside its manifest, our index.html) are left out;
- a .md, .markdown, .html, .htm or .xhtml file is an article;
- any other file is a feed or OPML file when its first bytes say so; a .txt or .text file
  whose lines (blank ones and `#` comments aside) are all http(s) addresses is a reading list,
  and else an article; a file of another type (.list, none...) whose first line is an address
  is a reading list (its other lines that are not addresses are reported).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..episode.manifest import read_manifest
from ..episode.pages import is_our_index
from ..errors import Article2PodcastError, InputError
from ..files import read_regular
from ..reading import HTML_SUFFIXES, PARSERS
from ..reading.fetching import FEED_TYPES, HTML_TYPES, MAX_PAGE_BYTES, Fetched, fetch, is_url
from ..reading.limits import PAGE, TEXT, read_file
from .feeds import MAX_ENTRIES, Bound, Found, canonical_url, feed_items, http_url, opml_feeds, sniff
from .items import Item

Fetcher = Callable[..., Fetched]

ARTICLE_SUFFIXES = (*PARSERS, *HTML_SUFFIXES)
"""The files a folder's articles are taken from."""
LIST_SUFFIXES = (".txt", ".text")
"""Articles that may instead be reading lists."""
MAX_FEED_BYTES = MAX_PAGE_BYTES
"""The largest feed, OPML file or reading list read."""
FEED_WORKERS = 4
"""Feeds of one OPML file fetched at once."""
_HEAD_BYTES = 65536
_OUR_INDEX = "index.html"
_OUR_SIDECARS = (".html", ".md")  # an episode's page and show notes, beside its manifest


@dataclass(frozen=True)
class Expansion:
    """What the SOURCE arguments hold."""

    items: list[Item] = field(default_factory=list)
    """Every item, once (the first of a key wins), in the order found."""
    problems: list[str] = field(default_factory=list)
    """What could not be read, one line each (a feed that could not be fetched or parsed,
    an entry with no link, a line of a reading list that is not an address...)."""


def parse_since(text: str) -> datetime:
    """`--since`: a date (midnight UTC) or a date and time (UTC unless it says otherwise)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text.strip()), datetime.min.time())
        except ValueError:
            raise InputError(f"--since must be a date such as 2026-11-01 (not {text!r})") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def expand(
    sources: Sequence[str],
    *,
    limit: int | None = None,
    since: datetime | None = None,
    fetch: Fetcher = fetch,
) -> Expansion:
    """The items `sources` hold; `limit` and `since` bound what each feed gives (its newest).

    Every local SOURCE is checked before anything is fetched: one that does not exist, or a
    file of a type we do not read, is an `InputError`. A problem with one source after that
    is a line of `problems`, and the others are read on.
    """
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be 1 or more (not {limit})")
    for source in sources:
        _check(source)
    found = _Found(Bound(limit, since.astimezone(UTC) if since else None), fetch)
    for source in sources:
        try:
            if is_url(source):
                found.address(source)
            elif Path(source).is_dir():
                found.folder(source)
            else:
                found.file(source, source)
        except Article2PodcastError as exc:
            found.problems.append(str(exc))
    return Expansion(list(found.items.values()), found.problems)


def _check(source: str) -> None:
    """Refuse a SOURCE that is nothing we can read, with the fix."""
    if is_url(source):
        return
    path = Path(source)
    try:
        facts = path.stat()
    except (OSError, ValueError):
        raise InputError(
            f"{source}: no such file or folder, and not an http(s) address; check the path"
        ) from None
    if stat.S_ISDIR(facts.st_mode):
        return
    if not stat.S_ISREG(facts.st_mode):
        raise InputError(f"{source} is not a regular file; give an article, a list or a feed")
    suffix = path.suffix.lower()
    if suffix in ARTICLE_SUFFIXES:
        return
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except OSError as exc:
        raise InputError(f"{source}: cannot read it ({exc.strerror})") from exc
    if sniff(head) is None and _first_line_is_address(head) is None:
        raise InputError(
            f"{source}: not an article ({', '.join(ARTICLE_SUFFIXES)}), a reading list of "
            "http(s) addresses, an RSS or Atom feed or an OPML file; give one of those"
        )


def _first_line_is_address(data: bytes) -> str | None:
    lines = _meaningful(data.decode("utf-8", errors="replace"))
    return http_url(lines[0]) if lines else None


def _meaningful(text: str) -> list[str]:
    """A list's lines that say something: neither blank nor `#` comments."""
    return [s for line in text.splitlines() if (s := line.strip()) and not s.startswith("#")]


class _Found:
    """The items found so far (by key) and the problems met."""

    def __init__(self, bound: Bound, fetch: Fetcher) -> None:
        self.bound = bound
        self.fetch = fetch
        self.items: dict[str, Item] = {}
        self.problems: list[str] = []

    def add(self, items: Sequence[Item], problems: Sequence[str] = ()) -> None:
        for item in items:
            self.items.setdefault(item.key, item)
        self.problems.extend(problems)

    def address(self, url: str) -> None:
        """A feed or OPML file at `url` is expanded; anything else there is a web page."""
        page = self._fetch(url)
        kind = sniff(page.data)
        if kind == "feed":
            self._feed(url, page)
        elif kind == "opml":
            self._opml(opml_feeds(page.data, opml=url), url)
        else:  # fetched again, and read, when it is produced
            self.add([Item(key=f"url:{canonical_url(url)}", source=url, origin=url)])

    def folder(self, source: str) -> None:
        """The articles of a folder, by name; not its subfolders, hidden files or our outputs."""
        try:
            names = sorted(entry.name for entry in os.scandir(source) if entry.is_file())
        except OSError as exc:
            raise InputError(f"{source}: cannot list it ({exc.strerror})") from exc
        folder = Path(source)
        articles = [
            folder / name
            for name in names
            if not name.startswith(".")
            and Path(name).suffix.lower() in ARTICLE_SUFFIXES
            and not _ours(folder, name)
        ]
        if not articles:
            self.problems.append(f"{source}: no articles in it ({', '.join(ARTICLE_SUFFIXES)})")
        for path in articles:
            try:
                self.file(str(path), source)
            except Article2PodcastError as exc:
                self.problems.append(str(exc))

    def file(self, source: str, origin: str) -> None:
        path = Path(source)
        suffix = path.suffix.lower()
        if suffix in ARTICLE_SUFFIXES and suffix not in LIST_SUFFIXES:
            self.add([_article(path, source, origin)])
            return
        data, size = read_file(path, MAX_FEED_BYTES, "a file")
        kind = sniff(data)
        if kind is None and suffix in LIST_SUFFIXES and not _is_list(data):
            self.add([_article(path, source, origin, data, size)])
            return
        if max(size or 0, len(data)) > MAX_FEED_BYTES:
            raise InputError(
                f"{source} is larger than {MAX_FEED_BYTES / 1024**2:.3g} MB; article2podcast reads "
                "feeds, OPML files and reading lists up to that size"
            )
        if kind == "feed":
            found = feed_items(data, feed=source, origin=origin, bound=self.bound)
            self.add(found.items, found.problems)
        elif kind == "opml":
            self._opml(opml_feeds(data, opml=source), origin)
        else:
            self.add(*_reading_list(data, source, origin))

    def _fetch(self, url: str) -> Fetched:
        return self.fetch(url, max_bytes=MAX_FEED_BYTES, accept=(*HTML_TYPES, *FEED_TYPES))

    def _feed(self, url: str, page: Fetched, origin: str | None = None) -> None:
        found = feed_items(
            page.data, feed=url, origin=origin or url, bound=self.bound, location=page.url
        )
        self.add(found.items, found.problems)

    def _opml(self, listed: Found, origin: str) -> None:
        """Each feed an OPML file lists, fetched (a few at once) and expanded."""
        self.problems.extend(listed.problems)
        addresses = [feed.source for feed in listed.items]

        def fetched(url: str) -> Fetched | str:
            try:
                return self._fetch(url)
            except Article2PodcastError as exc:
                return str(exc)

        pool = ThreadPoolExecutor(FEED_WORKERS, thread_name_prefix="article2podcast-feeds")
        try:
            for url, page in zip(addresses, pool.map(fetched, addresses), strict=True):
                if isinstance(page, str):
                    self.problems.append(page)
                elif sniff(page.data) == "feed":
                    self._feed(url, page, origin)
                else:
                    self.problems.append(f"{url}: listed as a feed in {origin}, but not one")
        finally:  # on Ctrl-C, the feeds not yet asked for are not asked for
            pool.shutdown(wait=False, cancel_futures=True)


def _ours(folder: Path, name: str) -> bool:
    """Whether `name` in a library folder is one of our outputs, not an article."""
    path = folder / name
    if name.lower() == _OUR_INDEX:
        data = read_regular(path, PAGE.most)
        return data is not None and is_our_index(data.decode("utf-8", errors="replace"))
    if path.suffix.lower() in _OUR_SIDECARS:
        return read_manifest(path.with_suffix(".json")) is not None
    return False


def _is_list(data: bytes) -> bool:
    """Whether a .txt file is a reading list: every line (blank ones and comments aside) is an
    http(s) address, and there is one."""
    lines = _meaningful(data.decode("utf-8", errors="replace"))
    return bool(lines) and all(http_url(line) for line in lines)


def _reading_list(data: bytes, source: str, origin: str) -> tuple[list[Item], list[str]]:
    items: list[Item] = []
    problems: list[str] = []
    text = data.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        url = http_url(line)
        if url is None:
            problems.append(f"{source}, line {number}: not an http(s) address; skipped")
        elif len(items) >= MAX_ENTRIES:
            problems.append(
                f"{source}: more than {MAX_ENTRIES:,} addresses; the rest were left out"
            )
            break
        else:
            items.append(Item(key=f"url:{canonical_url(url)}", source=url, origin=origin))
    return items, problems


def _article(
    path: Path, source: str, origin: str, data: bytes | None = None, size: int | None = None
) -> Item:
    """An article file: its identity is where it is; its version, what it holds."""
    limit = PAGE if path.suffix.lower() in HTML_SUFFIXES else TEXT
    if data is None:
        data, size = read_file(path, limit.most, "an article file")
    limit.check(source, data, size)
    return Item(
        key=f"file:{os.path.realpath(path)}",
        source=source,
        version=hashlib.sha256(data).hexdigest(),
        origin=origin,
    )
