"""What `add SOURCE...` is given, as items: files, folders, reading lists, feeds and OPML,
with the feeds served from 127.0.0.1 (tests never touch the network)."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from article2podcast.batch import feeds
from article2podcast.batch.feeds import Bound, canonical_url, clean_title, feed_items, sniff
from article2podcast.batch.sources import expand, parse_since
from article2podcast.episode.pages import episode_page, index_page
from article2podcast.errors import InputError
from article2podcast.reading.fetching import FEED_TYPES, fetch
from article2podcast.reading.html import parse_html
from conftest import SAMPLES, SHORT_ARTICLE

ROUTES: dict[str, tuple[str, bytes]] = {}
"""What the server serves: path -> (content type, body)."""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        kind, body = ROUTES.get(self.path, ("text/plain", b""))
        self.send_response(200 if self.path in ROUTES else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def rss(base: str) -> bytes:
    full = escape((SAMPLES / "bbc-1.html").read_text(encoding="utf-8"))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<!-- a comment before the root -->
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Saved</title><link>{base}/</link><language>en-GB</language>
<item><title>Obama admits US gun laws are his biggest frustration</title>
  <link>{base}/bbc-1.html</link><guid isPermaLink="false">tag:saved,2026:1</guid>
  <pubDate>Tue, 03 Nov 2026 10:00:00 +0100</pubDate>
  <description>A short summary.</description>
  <content:encoded>{full}</content:encoded></item>
<item><title>United States to Lift Sudan Sanctions</title>
  <link>{base}/nytimes-1.html</link><guid>{base}/nytimes-1.html</guid>
  <pubDate>Tue, 20 Oct 2026 08:00:00 GMT</pubDate>
  <description>Only a summary: the article is at the link.</description></item>
<item><title>Gone</title><link>{base}/gone.html</link>
  <pubDate>Tue, 01 Sep 2026 08:00:00 GMT</pubDate></item>
</channel></rss>
""".encode()


def atom(base: str) -> bytes:
    full = escape((SAMPLES / "guardian-1.html").read_text(encoding="utf-8"))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-GB">
<title>Atom</title><id>urn:uuid:atom-feed</id><updated>2026-11-02T00:00:00Z</updated>
<entry><id>urn:uuid:guardian</id><title>A Guardian article</title>
  <link rel="alternate" href="/guardian-1.html"/><updated>2026-11-02T09:00:00Z</updated>
  <content type="html">{full}</content></entry>
<entry><id>urn:uuid:ars</id><title>An Ars article</title>
  <link rel="alternate" href="{base}/ars-1.html"/><updated>2026-10-01T09:00:00Z</updated>
  <summary>Just a teaser.</summary></entry>
</feed>
""".encode()


def opml(base: str, *feeds_: str) -> bytes:
    outlines = "".join(f'<outline type="rss" text="f" xmlUrl="{base}{f}"/>' for f in feeds_)
    return f"""<?xml version="1.0"?>
<opml version="2.0"><head><title>Subscriptions</title></head>
<body><outline text="Folder">{outlines}</outline></body></opml>""".encode()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    ROUTES.update(
        {
            "/rss.xml": ("application/rss+xml; charset=utf-8", rss(base)),
            "/atom.xml": ("application/atom+xml", atom(base)),
            "/feeds.opml": ("text/x-opml", opml(base, "/rss.xml", "/atom.xml")),
            "/broken.xml": ("application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><ch'),
            "/page.html": ("text/html", (SAMPLES / "tmz-1.html").read_bytes()),
        }
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    httpd.server_close()
    ROUTES.clear()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again on return: nothing listens there


def tags(page: str) -> set[str]:
    """The elements of `page` (not what its comments hold)."""
    found: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            found.add(tag)

    Tags().feed(page)
    return found


def by_title(items: list) -> dict:  # type: ignore[type-arg]
    return {item.title: item for item in items}


class TestFeeds:
    def test_each_rss_entry_is_an_item_named_by_its_guid_newest_first(self, server) -> None:
        found = expand([f"{server}/rss.xml"])
        assert found.problems == []
        assert [item.key for item in found.items] == [
            "guid:tag:saved,2026:1",
            f"guid:{server}/nytimes-1.html",
            f"url:{server}/gone.html",  # no guid: its address is its identity
        ]
        first = found.items[0]
        assert first.published == datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
        assert first.link == f"{server}/bbc-1.html" and first.origin == f"{server}/rss.xml"

    def test_an_entry_with_the_whole_article_carries_it_as_a_page(self, server) -> None:
        item = expand([f"{server}/rss.xml"]).items[0]
        assert item.content is not None and item.source == f"{server}/bbc-1.html"
        assert item.name == "obama-admits-us-gun-laws-are-his-biggest-frustration.html"
        assert item.version == hashlib.sha256(item.content).hexdigest()
        page = item.content.decode()
        assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
        assert f'<link rel="canonical" href="{server}/bbc-1.html">' in page
        assert {"script", "iframe", "style"}.isdisjoint(tags(page))  # feedparser sanitises

    def test_the_carried_article_reads_like_the_saved_page(self, server) -> None:
        """The page made of the entry is read by the real reader into the same article."""
        item = expand([f"{server}/rss.xml"]).items[0]
        assert item.content is not None
        article = parse_html(item.content, "fallback", item.source)
        assert article.title.startswith("Obama admits US gun laws")
        assert article.page is not None and article.page.url == f"{server}/bbc-1.html"
        sentence = "not to have made progress on the issue"
        assert sentence in (SAMPLES / "bbc-1.txt").read_text(encoding="utf-8")
        assert any(sentence in block.text for block in article.blocks)

    def test_an_entry_with_a_summary_only_is_fetched_later_from_its_link(self, server) -> None:
        items = by_title(expand([f"{server}/rss.xml"]).items)
        linked = items["United States to Lift Sudan Sanctions"]
        assert (linked.source, linked.content, linked.version) == (
            f"{server}/nytimes-1.html",
            None,
            None,
        )
        assert items["Gone"].source == f"{server}/gone.html"  # dead, but not found out yet

    def test_atom_entries_resolve_relative_links_and_carry_html_content(self, server) -> None:
        found = expand([f"{server}/atom.xml"])
        assert found.problems == []
        guardian, ars = found.items
        assert guardian.key == "guid:urn:uuid:guardian"
        assert guardian.link == f"{server}/guardian-1.html" and guardian.content is not None
        assert b'<html lang="en-GB">' in guardian.content
        assert (ars.source, ars.content) == (f"{server}/ars-1.html", None)  # a teaser

    def test_a_feed_file_is_read_like_a_served_one(self, server, tmp_path) -> None:
        path = tmp_path / "saved.rss"
        path.write_bytes(rss(server))
        served, saved = expand([f"{server}/rss.xml"]), expand([str(path)])
        assert [i.key for i in saved.items] == [i.key for i in served.items]
        assert saved.items[0].content is not None  # its relative links stay as they are


class TestOpml:
    def test_an_opml_by_address_expands_each_feed_it_lists(self, server) -> None:
        found = expand([f"{server}/feeds.opml"])
        assert found.problems == []
        assert len(found.items) == 5
        assert {i.origin for i in found.items} == {f"{server}/feeds.opml"}

    def test_an_opml_file_with_nested_outlines(self, server, tmp_path) -> None:
        path = tmp_path / "subs.opml"
        path.write_bytes(opml(server, "/atom.xml"))
        assert [i.title for i in expand([str(path)]).items] == [
            "A Guardian article", "An Ars article"
        ]  # fmt: skip

    def test_an_opml_with_entities_is_refused_before_it_is_parsed(self, tmp_path) -> None:
        path = tmp_path / "laughs.opml"
        path.write_text(
            '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><opml><body>'
            '<outline xmlUrl="http://x.example/&b;"/></body></opml>'
        )
        found = expand([str(path)])
        assert found.items == [] and len(found.problems) == 1
        assert "DOCTYPE or entities is refused" in found.problems[0]

    def test_a_listed_feed_that_cannot_be_had_is_a_problem_and_the_others_are_read(
        self, server, closed_port, tmp_path
    ) -> None:
        path = tmp_path / "subs.opml"
        path.write_bytes(
            opml(server, "/rss.xml", "/page.html")
            .replace(
                b"</body>", f'<outline xmlUrl="http://127.0.0.1:{closed_port}/f"/></body>'.encode()
            )
            .replace(b"</body>", b'<outline xmlUrl="file:///etc/passwd"/></body>')
        )
        found = expand([str(path)])
        assert len(found.items) == 3
        assert len(found.problems) == 3
        assert any(
            "file:///etc/passwd" in p and "not an http(s) address" in p for p in found.problems
        )
        assert any("could not fetch it" in p for p in found.problems)
        assert any("page.html: listed as a feed" in p for p in found.problems)


class TestBounds:
    def test_limit_takes_the_newest_entries_of_each_feed(self, server) -> None:
        found = expand([f"{server}/rss.xml", f"{server}/atom.xml"], limit=1)
        assert [i.title for i in found.items] == [
            "Obama admits US gun laws are his biggest frustration", "A Guardian article"
        ]  # fmt: skip

    def test_since_leaves_out_older_entries(self, server) -> None:
        found = expand([f"{server}/rss.xml"], since=parse_since("2026-10-20"))
        assert [i.title for i in found.items] == [
            "Obama admits US gun laws are his biggest frustration",
            "United States to Lift Sudan Sanctions",
        ]

    def test_undated_entries_keep_the_feed_order_after_dated_ones(self) -> None:
        data = b"""<rss version="2.0"><channel><title>t</title>
        <item><title>b</title><link>http://h.example/b</link></item>
        <item><title>old</title><link>http://h.example/o</link>
          <pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>
        <item><title>a</title><link>http://h.example/a</link></item>
        </channel></rss>"""
        everything = feed_items(data, feed="f", origin="f", bound=Bound())
        assert [i.title for i in everything.items] == ["old", "b", "a"]
        since = feed_items(data, feed="f", origin="f", bound=Bound(since=parse_since("2000-01-01")))
        assert [i.title for i in since.items] == ["old"]

    def test_a_limit_below_one_is_a_usage_error(self) -> None:
        with pytest.raises(InputError, match="--limit must be 1 or more"):
            expand([], limit=0)

    @pytest.mark.parametrize(
        ("text", "moment"),
        [
            ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
            ("2026-11-01T08:30", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
            ("2026-11-01T08:30:00+02:00", datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
            ("2026-11-01T08:30Z", datetime(2026, 11, 1, 8, 30, tzinfo=UTC)),
        ],
    )
    def test_since_is_a_date_or_a_time_in_utc(self, text, moment) -> None:
        assert parse_since(text) == moment and parse_since(text).tzinfo is not None

    @pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "", "01/11/2026"])
    def test_a_bad_since_says_what_to_give(self, text) -> None:
        with pytest.raises(InputError, match="--since must be a date such as 2026-11-01"):
            parse_since(text)


READING_LIST = """# Read later
https://Example.COM/one?utm=1&token=s3cret#top

  https://example.com/two
# a comment between
http://example.com:80/three
"""


class TestReadingLists:
    def test_each_address_is_an_item_and_comments_and_blank_lines_are_skipped(
        self, tmp_path
    ) -> None:
        path = tmp_path / "later.txt"
        path.write_text(READING_LIST)
        found = expand([str(path)])
        assert found.problems == []
        assert [(i.key, i.source, i.version) for i in found.items] == [
            (
                "url:https://example.com/one?utm=1",
                "https://Example.COM/one?utm=1&token=s3cret#top",
                None,
            ),
            ("url:https://example.com/two", "https://example.com/two", None),
            ("url:http://example.com/three", "http://example.com:80/three", None),
        ]

    def test_a_text_file_with_a_line_that_is_no_address_is_an_article(self, tmp_path) -> None:
        path = tmp_path / "note.txt"
        path.write_text("https://example.com/one\nand what I thought of it\n")
        (item,) = expand([str(path)]).items
        assert item.key == f"file:{path.resolve()}" and item.version is not None

    def test_a_list_file_reports_the_lines_that_are_not_addresses(self, tmp_path) -> None:
        path = tmp_path / "later.list"
        path.write_text(
            "https://example.com/one\nexample.com/two\njavascript:alert(1)\n"
            "file:///etc/passwd\nhttps://example.com/one#again\n"
        )
        found = expand([str(path)])
        assert [i.key for i in found.items] == ["url:https://example.com/one"]
        assert [p.split(": ", 1)[0] for p in found.problems] == [
            f"{path}, line {n}" for n in (2, 3, 4)
        ]


def library_folder(folder: Path) -> None:
    """A folder as a library leaves it: articles, and an episode's files beside them."""
    folder.mkdir()
    (folder / "b-notes.txt").write_text(SHORT_ARTICLE)
    (folder / "a-essay.md").write_text("# An essay\n\n" + SHORT_ARTICLE)
    (folder / "c-saved.html").write_bytes((SAMPLES / "tmz-1.html").read_bytes())
    (folder / ".hidden.txt").write_text(SHORT_ARTICLE)
    (folder / "sub").mkdir()
    (folder / "sub" / "deeper.txt").write_text(SHORT_ARTICLE)
    manifest = {
        "manifest_version": 1,
        "generator": "article2podcast 1.0",
        "audio": "the-headline.mp3",
        "title": "The Headline",
        "duration_ms": 1000,
        "segments": [],
    }
    (folder / "the-headline.json").write_text(json.dumps(manifest))
    (folder / "the-headline.mp3").write_bytes(b"ID3")
    (folder / "the-headline.html").write_text(episode_page(manifest, cover=None))
    (folder / "the-headline.md").write_text("# The Headline\n\nShow notes.\n")
    (folder / "index.html").write_text(index_page("Show", [("the-headline.html", manifest)]))
    (folder / "feed.xml").write_bytes(b"<rss version='2.0'><channel></channel></rss>")


class TestFolders:
    def test_a_folder_gives_its_articles_by_name_and_not_our_outputs(self, tmp_path) -> None:
        folder = tmp_path / "library"
        library_folder(folder)
        found = expand([str(folder)])
        assert found.problems == []
        assert [Path(i.source).name for i in found.items] == [
            "a-essay.md", "b-notes.txt", "c-saved.html"
        ]  # fmt: skip
        assert all(i.origin == str(folder) for i in found.items)

    def test_a_page_of_the_users_beside_a_json_of_theirs_is_an_article(self, tmp_path) -> None:
        folder = tmp_path / "mine"
        folder.mkdir()
        (folder / "index.html").write_bytes((SAMPLES / "tmz-1.html").read_bytes())
        (folder / "data.html").write_bytes((SAMPLES / "ars-1.html").read_bytes())
        (folder / "data.json").write_text('{"manifest_version": "no", "rows": []}')
        assert len(expand([str(folder)]).items) == 2

    def test_a_folder_without_articles_is_a_problem(self, tmp_path) -> None:
        found = expand([str(tmp_path)])
        assert found.items == [] and "no articles in it" in found.problems[0]


class TestIdentity:
    def test_keys_and_versions_are_the_same_when_nothing_changed(self, server, tmp_path) -> None:
        """The library produces only what is new by comparing keys and versions."""
        folder = tmp_path / "library"
        library_folder(folder)
        sources = [str(folder), f"{server}/feeds.opml", f"{server}/rss.xml"]
        first, again = expand(sources), expand(sources)
        assert first == again
        assert all(item.key for item in first.items)

    def test_a_changed_file_keeps_its_key_and_changes_its_version(self, short_article) -> None:
        (before,) = expand([str(short_article)]).items
        short_article.write_text(SHORT_ARTICLE + "\nOne more line.\n")
        (after,) = expand([str(short_article)]).items
        assert before.key == after.key and before.version != after.version
        assert before.version == hashlib.sha256(SHORT_ARTICLE.encode()).hexdigest()

    def test_the_same_article_from_several_sources_is_one_item(self, server, tmp_path) -> None:
        folder = tmp_path / "library"
        library_folder(folder)
        link = tmp_path / "link.md"
        link.symlink_to(folder / "a-essay.md")
        found = expand([f"{server}/rss.xml", f"{server}/feeds.opml", str(folder), str(link)])
        keys = [i.key for i in found.items]
        assert len(keys) == len(set(keys)) == 5 + 3
        assert found.items[0].origin == f"{server}/rss.xml"  # the first wins


class TestProblems:
    def test_a_feed_that_cannot_be_had_is_one_line_and_the_others_are_read(
        self, server, closed_port
    ) -> None:
        found = expand(
            [
                f"http://127.0.0.1:{closed_port}/feed.xml",
                f"{server}/broken.xml",
                f"{server}/atom.xml",
            ]
        )
        assert len(found.items) == 2
        unreachable, broken = found.problems
        assert "could not fetch it" in unreachable
        assert broken.startswith(f"{server}/broken.xml: not an RSS or Atom feed")
        assert all("\n" not in p for p in found.problems)

    def test_a_page_address_is_one_item_to_fetch_later(self, server) -> None:
        (item,) = expand([f"{server}/page.html#comments"]).items
        assert item.key == f"url:{server}/page.html" and item.content is None

    def test_a_missing_path_is_a_usage_error_before_anything_is_fetched(self, tmp_path) -> None:
        def never(*args: object, **kwargs: object) -> object:
            raise AssertionError("fetched")

        with pytest.raises(InputError, match=r"no such file or folder.*check the path"):
            expand(["https://example.com/feed", str(tmp_path / "nope.txt")], fetch=never)

    def test_a_file_of_another_kind_is_a_usage_error(self, tmp_path) -> None:
        path = tmp_path / "data.csv"
        path.write_text("a,b\n1,2\n")
        with pytest.raises(InputError, match=r"not an article .* give one of those"):
            expand([str(path)])


def entry(title: str = "t", link: str = "http://h.example/a", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


def channel(*entries: str) -> bytes:
    return (
        f'<rss version="2.0"><channel><title>t</title>{"".join(entries)}</channel></rss>'.encode()
    )


class TestHostileFeeds:
    def test_entries_past_the_cap_are_not_considered(self, monkeypatch) -> None:
        monkeypatch.setattr(feeds, "MAX_ENTRIES", 3)
        found = feed_items(
            channel(*(entry(f"n{i}", f"http://h.example/{i}") for i in range(5))),
            feed="f", origin="f", bound=Bound(),
        )  # fmt: skip
        assert [i.title for i in found.items] == ["n0", "n1", "n2"]
        assert found.problems == ["f: 5 entries; only the first 3 were considered"]

    @pytest.mark.parametrize(
        "link", ["javascript:alert(1)", "file:///etc/passwd", "ftp://h.example/a", "//h.example/a"]
    )
    def test_a_link_that_is_not_http_is_refused(self, link) -> None:
        found = feed_items(channel(entry(link=link)), feed="f", origin="f", bound=Bound())
        assert found.items == [] and "not an http(s) address; skipped" in found.problems[0]

    def test_an_entry_with_neither_link_nor_article_is_a_problem(self) -> None:
        found = feed_items(
            channel("<item><title>empty</title><description>hi</description></item>", entry()),
            feed="f", origin="f", bound=Bound(),
        )  # fmt: skip
        assert len(found.items) == 1
        assert found.problems == [
            "f: the entry 'empty' has neither a link nor the article itself; skipped"
        ]

    def test_titles_lose_control_characters_and_their_length(self) -> None:
        title = "A\x07 title &#x202E;reversed\u2028" + "long " * 10_000
        (item,) = feed_items(channel(entry(title)), feed="f", origin="f", bound=Bound()).items
        assert item.title is not None and len(item.title) == feeds.MAX_TITLE_CHARS
        assert item.title.startswith("A title reversed long")

    @pytest.mark.parametrize(
        ("raw", "shown"),
        [(None, None), ("", None), ("  \t", None), ("a\x00b\r\nc", "a b c"), (3, None)],
    )
    def test_clean_title(self, raw, shown) -> None:
        assert clean_title(raw) == shown


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"<rss version='2.0'>", "feed"),
        (b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- hi -->\n<feed xmlns='x'>", "feed"),
        (b"<?xml version='1.0'?><?xml-stylesheet href='s.xsl'?><rdf:RDF xmlns:rdf='r'>", "feed"),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd">\n<rss>', "feed"),
        (b"<?xml version='1.0'?>\n<opml version='2.0'>", "opml"),
        (b"<!doctype html><html><body>rss</body></html>", None),
        (b"We read <rss> feeds.", None),
        (b"", None),
    ],
)
def test_a_feed_is_told_by_its_first_bytes(data, kind) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.com", "https://example.com/"),
        ("https://example.com:443/a?b=1&session=x#frag", "https://example.com/a?b=1"),
        ("http://user:pw@example.com:8080/A", "http://example.com:8080/A"),
    ],
)
def test_canonical_urls(url, canonical) -> None:
    assert canonical_url(url) == canonical


def test_fetch_takes_a_feed_only_when_told_to(server) -> None:
    with pytest.raises(InputError, match="is not a web page"):
        fetch(f"{server}/rss.xml")
    assert fetch(f"{server}/rss.xml", accept=FEED_TYPES).data.startswith(b"<?xml")


def test_a_feed_file_over_the_size_limit_is_a_problem(tmp_path, monkeypatch) -> None:
    from article2podcast.batch import sources

    monkeypatch.setattr(sources, "MAX_FEED_BYTES", 1024**2 // 100)
    big, small = tmp_path / "big.xml", tmp_path / "small.xml"
    big.write_bytes(channel(*(entry(f"n{i}", f"http://h.example/{i}") for i in range(200))))
    small.write_bytes(channel(entry()))
    found = expand([str(big), str(small)])
    assert [i.source for i in found.items] == ["http://h.example/a"]
    assert found.problems == [
        f"{big} is larger than 0.01 MB; article2podcast reads feeds, OPML files and reading "
        "lists up to that size"
    ]
