"""`add`, `status`, `retry`, `remove` as a user runs them: a local web server with a feed (one
entry carrying its article, one linking to a page, one dead link), a reading list, an OPML, a
folder; the library's memory across runs; the feed kept current."""

from __future__ import annotations

import email.utils
import json
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import feedparser
import pytest

from conftest import SAMPLES, SHORT_ARTICLE

FAKE = ("--engine", "fake", "--no-music", "--workers", "2")


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head><body>"
        f"<article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


PARAGRAPHS = [
    "The river rose by two metres overnight, and the town woke to water in its streets.",
    "Volunteers filled sandbags from dawn; the school opened its hall to families.",
    "By the afternoon the water had begun to fall, and the clearing up could start.",
] * 3


def _feed(base: str) -> bytes:
    date = email.utils.format_datetime(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    full = escape(str(_page("The whole story", PARAGRAPHS), "utf-8"))
    items = [
        (
            "entry-full",
            "The whole story",
            f"{base}full",
            f"<content:encoded>{full}</content:encoded>",
        ),
        ("entry-linked", "A linked page", f"{base}article", ""),
        ("entry-dead", "A page that is gone", f"{base}gone", ""),
    ]
    entries = "".join(
        f"<item><guid isPermaLink='false'>{guid}</guid><title>{title}</title><link>{link}</link>"
        f"<pubDate>{date}</pubDate><description>Short.</description>{extra}</item>"
        for guid, title, link, extra in items
    )
    return (
        "<?xml version='1.0'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel><title>Test news"
        f"</title><link>{base}</link><description>t</description>{entries}</channel></rss>"
    ).encode()


@pytest.fixture
def site() -> Iterator[tuple[str, dict[str, int]]]:
    """A local web server: /feed.xml, /article (a page), /gone (404); counts the requests."""
    hits: dict[str, int] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits[self.path] = hits.get(self.path, 0) + 1
            base = f"http://127.0.0.1:{self.server.server_address[1]}/"
            if self.path == "/feed.xml":
                self._send(_feed(base), "application/rss+xml")
            elif self.path == "/article":
                self._send(_page("A linked page", PARAGRAPHS[:3]), "text/html; charset=utf-8")
            else:
                self.send_error(404)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", hits
    finally:
        httpd.shutdown()
        httpd.server_close()


def _episodes(folder: Path) -> dict[str, dict[str, object]]:
    found = {}
    for path in folder.glob("*.json"):
        if not path.name.endswith(".chapters.json"):
            found[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return found


def test_a_feed_becomes_episodes_a_dead_link_fails_alone_and_is_retried(run_cli, site, tmp_path):
    base, hits = site
    library = tmp_path / "pod"
    done = run_cli(
        "add", f"{base}feed.xml", "--to", library, "--base-url", "http://pod.test/", *FAKE
    )
    assert done.returncode == 1, done.stderr
    failed = [line for line in done.stderr.splitlines() if "failed:" in line and "gone" not in line]
    assert any("A page that is gone" in line and "404" in line for line in done.stderr.splitlines())
    assert "Traceback" not in done.stderr
    episodes = _episodes(library)
    assert sorted(m["title"] for m in episodes.values()) == ["A linked page", "The whole story"]
    assert hits.get("/full", 0) == 0  # the entry carried its article: nothing fetched
    assert hits["/article"] == 1
    full = next(m for m in episodes.values() if m["title"] == "The whole story")
    assert full["source"] == f"{base}full"
    feed = feedparser.parse((library / "feed.xml").read_bytes())
    assert not feed.bozo
    assert sorted(e.title for e in feed.entries) == ["A linked page", "The whole story"]
    guids = sorted(e.id for e in feed.entries)

    status = run_cli("status", library)
    assert status.returncode == 1
    assert "done: 2" in status.stdout and "failed: 1" in status.stdout
    assert "attempt 1 of 3" in status.stdout

    again = run_cli("add", f"{base}feed.xml", "--to", library, *FAKE)  # retried, still dead
    assert again.returncode == 1
    assert "0 new, 0 changed, 0 produced, 1 failed" in again.stdout
    assert hits["/article"] == 1  # what is done is not fetched again
    assert hits["/gone"] == 2
    third = run_cli("add", f"{base}feed.xml", "--to", library, *FAKE)
    assert "gave up on A page that is gone after 3 attempts" in third.stderr
    fourth = run_cli("add", f"{base}feed.xml", "--to", library, *FAKE)
    assert hits["/gone"] == 3  # given up: not tried again
    assert fourth.returncode == 1 and "retry" in fourth.stderr
    assert (
        sorted(e.id for e in feedparser.parse((library / "feed.xml").read_bytes()).entries) == guids
    )
    assert not failed or all("gone" in line for line in failed)


def test_reading_list_opml_and_folder_sources_and_nothing_new_writes_nothing(
    run_cli, site, tmp_path
):
    base, _ = site
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "library.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (articles / "notes.md").write_text("# A note\n\nSome words to read aloud here.\n", "utf-8")
    reading = tmp_path / "reading.txt"
    reading.write_text(f"# saved for later\n\n{base}article\n", encoding="utf-8")
    library = tmp_path / "pod"
    done = run_cli("add", articles, reading, "--to", library, *FAKE)
    assert done.returncode == 0, done.stderr
    assert "3 new, 0 changed, 3 produced, 0 failed" in done.stdout
    assert (library / "index.html").is_file()
    names = {p.name: p.stat().st_mtime_ns for p in library.iterdir() if p.is_file()}
    again = run_cli("add", articles, reading, "--to", library, *FAKE)
    assert again.returncode == 0 and "0 new, 0 changed, 0 produced" in again.stdout
    assert {p.name: p.stat().st_mtime_ns for p in library.iterdir() if p.is_file()} == names

    opml = tmp_path / "subs.opml"
    opml.write_text(
        "<?xml version='1.0'?><opml version='2.0'><head><title>s</title></head><body>"
        f"<outline text='Test news' type='rss' xmlUrl='{base}feed.xml'/></body></opml>",
        encoding="utf-8",
    )
    limited = run_cli("add", opml, "--limit", "1", "--to", library, *FAKE)
    assert "1 new" in limited.stdout, limited.stdout + limited.stderr


def test_status_retry_and_remove(run_cli, site, tmp_path):
    base, _ = site
    library = tmp_path / "pod"
    reading = tmp_path / "list.txt"
    reading.write_text(f"{base}article\n{base}gone\n", encoding="utf-8")
    run_cli("add", reading, "--to", library, "--base-url", "http://pod.test/", *FAKE)
    retried = run_cli("retry", library, *FAKE)
    assert retried.returncode == 1 and "404" in retried.stderr
    status = run_cli("status", library).stdout
    number = next(line.split()[0] for line in status.splitlines() if "A linked page" in line)
    episode = next(iter(_episodes(library).values()))["audio"]
    assert (library / str(episode)).is_file()
    (library / "mine.txt").write_text("the user's own file", encoding="utf-8")
    removed = run_cli("remove", library, number)
    assert removed.returncode == 0, removed.stderr
    assert not (library / str(episode)).exists()
    assert not _episodes(library)
    assert (library / "mine.txt").is_file()
    assert "A linked page" not in run_cli("status", library).stdout
    assert not [e for e in ET.parse(library / "feed.xml").iter("item")]
    back = run_cli("add", reading, "--to", library, *FAKE)
    assert "0 new" in back.stdout  # a removed item does not come back
    missing = run_cli("remove", library, "999")
    assert missing.returncode == 2 and "status" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "no-such-file.txt"), "no-such-file.txt"),
        (("add",), "SOURCE"),
        (("add", "x.txt", "--workers", "0"), "--workers"),
        (("add", "x.txt", "--since", "yesterday-ish"), "--since"),
        (("status", "not-a-library"), "not a library"),
        (("retry", "not-a-library"), "not a library"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(run_cli, tmp_path, args, message):
    (tmp_path / "not-a-library").mkdir()
    (tmp_path / "x.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    done = run_cli(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "not-a-library" / ".article2podcast").exists()


@pytest.mark.slow
def test_the_real_engine_produces_a_batch_at_podcast_loudness(run_cli, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "library.txt").write_text(SHORT_ARTICLE, encoding="utf-8")
    (articles / "ars.txt").write_text(
        (SAMPLES / "ars-1.txt").read_text(encoding="utf-8")[:1500], encoding="utf-8"
    )
    library = tmp_path / "pod"
    done = run_cli(
        "add", articles, "--to", library, "--workers", "2", "--base-url", "http://p.test/"
    )
    assert done.returncode == 0, done.stderr
    episodes = _episodes(library)
    assert len(episodes) == 2
    for manifest in episodes.values():
        assert abs(manifest["loudness"]["integrated_lufs"] + 16) <= 1
        assert (library / str(manifest["audio"])).stat().st_size > 10_000
