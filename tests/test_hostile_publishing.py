"""Publishing a folder against a hostile user: the folder's own files are never replaced, the
server never leaves its folder nor prints a traceback, a bad manifest is skipped, and what the
feed embeds keeps it valid XML with working links (issue 13: items 1, 4, 6, 7, 8, 9, 10, 14, 15).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import feedparser
import pytest

from article2podcast import cli, cli_commands
from article2podcast.episode.pages import episode_page, index_page, is_our_index
from conftest import SHORT_ARTICLE
from webserving import serving

FAKE = ("--engine", "fake")
BASE = "https://example.org/pod/"
USER_PAGE = "<!doctype html><title>My homepage</title><p>Welcome to my site.</p>\n"


def produce(
    folder: Path, scratch: Path, cache: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    article = scratch / "article.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "--output-dir", str(folder),
         *FAKE, *extra],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "ARTICLE2PODCAST_CACHE_DIR": str(cache)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def produced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with one episode made by the CLI (fake engine), made once for this module."""
    scratch = tmp_path_factory.mktemp("produced")
    folder = scratch / "podcast"
    done = produce(folder, scratch, scratch / "cache")
    assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture
def folder(produced: Path, tmp_path: Path) -> Path:
    """This test's own copy of the produced folder."""
    return Path(shutil.copytree(produced, tmp_path / "podcast", symlinks=True))


def the_manifest(folder: Path) -> Path:
    (manifest,) = (p for p in folder.glob("*.json") if not p.name.endswith(".chapters.json"))
    return manifest


def add_episode(folder: Path, stem: str, change: dict[str, Any] | None = None) -> Path:
    """A second episode: a copy of the first under `stem`, its manifest changed by `change`
    (a value of ... removes the key); returns its manifest's path."""
    source = the_manifest(folder)
    manifest = json.loads(source.read_text(encoding="utf-8"))
    old = Path(manifest["audio"])
    shutil.copyfile(folder / old, folder / f"{stem}{old.suffix}")
    shutil.copyfile(folder / old.with_suffix(".html"), folder / f"{stem}.html")
    manifest["audio"] = f"{stem}{old.suffix}"
    for key, value in (change or {}).items():
        if value is ...:
            manifest.pop(key, None)
        else:
            manifest[key] = value
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


def feed_entries(folder: Path) -> list[Any]:
    xml = (folder / "feed.xml").read_bytes()
    ET.fromstring(xml)  # strict XML 1.0: raises on what feedparser might forgive
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.bozo_exception
    return list(parsed.entries)


def one_line(stderr: str) -> bool:
    return stderr.count("\n") == 1 and "Traceback" not in stderr


# 1. We only ever replace files we made.


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("index.html", USER_PAGE),
        ("feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Mine</title>'
                     "<generator>WordPress</generator></channel></rss>\n"),
        ("feed.xml", "my notes about feeds\n"),
    ],
)  # fmt: skip
def test_feed_never_replaces_a_folder_file_it_did_not_make(
    run_cli, folder: Path, name: str, content: str
) -> None:
    (folder / name).write_text(content, encoding="utf-8")
    before = sorted(p.name for p in folder.iterdir())
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert f"{folder / name} is in the way" in done.stderr
    assert (folder / name).read_text(encoding="utf-8") == content
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing else written either


def test_feed_never_replaces_a_link_named_index_html(run_cli, folder: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "site.html"
    elsewhere.write_text(USER_PAGE, encoding="utf-8")
    (folder / "index.html").unlink()  # ours, from the production
    (folder / "index.html").symlink_to(elsewhere)
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 2 and "index.html is in the way" in done.stderr
    assert (folder / "index.html").is_symlink() and elsewhere.read_text() == USER_PAGE


def test_serve_never_replaces_the_users_index_page(run_cli, folder: Path) -> None:
    (folder / "index.html").write_text(USER_PAGE, encoding="utf-8")
    done = run_cli("serve", folder, "--port", "0")
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "index.html is in the way" in done.stderr
    assert (folder / "index.html").read_text(encoding="utf-8") == USER_PAGE


def test_feed_replaces_its_own_files_and_keeps_the_users_cover(run_cli, folder: Path) -> None:
    cover = b"\x89PNG\r\n\x1a\n my own show art"
    (folder / "cover.png").write_bytes(cover)
    for _ in range(2):
        done = run_cli("feed", folder, "--base-url", BASE)
        assert done.returncode == 0, done.stderr
    assert (folder / "cover.png").read_bytes() == cover
    assert len(feed_entries(folder)) == 1


def test_a_folder_named_cover_png_is_one_line(run_cli, folder: Path) -> None:
    (folder / "cover.png").mkdir()
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "cover.png is in the way" in done.stderr and not (folder / "feed.xml").exists()


# The index page versions before the generator mark wrote (this layout, up to b592815).
LEGACY_INDEX = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>article2podcast</title>
<style>
:root { color-scheme: light dark; --accent: #b3541e; }
</style>
</head>
<body>
<main>
<h1>article2podcast</h1>
<p class="meta"><a href="feed.xml">Podcast feed</a></p>
<ul>
<li><a href="old-episode.html">An &lt;old&gt; episode</a> \
<span class="meta"><time>1:02</time></span></li>
</ul>
</main>
</body>
</html>
"""


def test_an_index_page_from_an_older_version_is_replaced(run_cli, folder: Path) -> None:
    """Pages made before the generator mark are recognised by their exact layout."""
    (folder / "index.html").write_text(LEGACY_INDEX, encoding="utf-8")
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0, done.stderr
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<meta name="generator" content="article2podcast">' in index
    assert "old-episode" not in index


def test_only_the_folder_index_counts_as_our_index() -> None:
    """An episode page is ours too, but replacing it with the index would lose it."""
    manifest = {
        "title": "Index", "audio": "index.mp3", "duration_ms": 1000, "segments": [],
        "chapters": [],
    }  # fmt: skip
    assert not is_our_index(episode_page(manifest, cover=None))
    assert is_our_index(index_page("Show", [("index.html", manifest)]))
    assert not is_our_index(USER_PAGE)
    assert not is_our_index(LEGACY_INDEX.replace("<main>", "<main><script>x()</script>"))


@pytest.fixture(scope="module")
def produced_beside_user_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """A production into a folder that holds the user's index page and a broken manifest."""
    scratch = tmp_path_factory.mktemp("beside")
    folder = scratch / "podcast"
    folder.mkdir()
    (folder / "index.html").write_text(USER_PAGE, encoding="utf-8")
    (folder / "broken.mp3").write_bytes(b"ID3")
    (folder / "broken.json").write_text(
        json.dumps({"manifest_version": 1, "audio": "broken.mp3", "title": "Broken",
                    "duration_ms": 1000, "segments": [], "produced": "last Tuesday"}),
        encoding="utf-8",
    )  # fmt: skip
    return produce(folder, scratch, scratch / "cache"), folder


def test_production_leaves_the_users_index_page_with_a_warning(
    produced_beside_user_files: tuple[Any, Path],
) -> None:
    done, folder = produced_beside_user_files
    assert done.returncode == 0, done.stderr
    assert (folder / "index.html").read_text(encoding="utf-8") == USER_PAGE
    warnings = [line for line in done.stderr.splitlines() if "index.html" in line]
    assert warnings == [
        f"article2podcast: warning: left {folder / 'index.html'} as it is: "
        "it is not an index page article2podcast made (move it away to get one)"
    ]


def test_production_skips_a_broken_manifest_beside_it(
    produced_beside_user_files: tuple[Any, Path], run_cli
) -> None:
    done, folder = produced_beside_user_files
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    (folder / "index.html").unlink()
    again = run_cli("feed", folder, "--base-url", BASE)
    assert again.returncode == 0, again.stderr
    assert again.stderr == (
        f"article2podcast: warning: skipped {folder / 'broken.json'}: its produced is not a "
        "date and time; produce that episode again or move it away\n"
    )
    assert [e.title for e in feed_entries(folder)] == [
        "Small Town Library Opens Its Doors at Midnight"
    ]
    assert "Small Town Library" in (folder / "index.html").read_text(encoding="utf-8")


# 7. One malformed manifest is skipped with a warning.


@pytest.mark.parametrize(
    "change",
    [
        {"produced": "31/02/2024"},
        {"produced": 20240101},
        {"title": ...},
        {"title": ["a", "list"]},
        {"title": "\ud800 a lone surrogate"},
        {"duration_ms": "long"},
        {"duration_ms": True},
        {"duration_ms": -5},
        {"segments": "none"},
        {"segments": [{"kind": "paragraph"}]},
        {"segments": [None]},
        {"page": "a page"},
        {"page": {"url": 42}},
        {"show": {"a": 1}},
        {"manifest_version": "1"},
        {"audio": "../escape.mp3"},
        {"audio": "/etc/hostname.mp3"},
        {"audio": ".hidden.mp3"},
        {"audio": 7},
    ],
    ids=repr,
)
def test_a_malformed_manifest_is_skipped_with_a_warning(
    run_cli, folder: Path, change: dict[str, Any]
) -> None:
    bad = add_episode(folder, "second", change)
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{folder / 'feed.xml'}  1 episodes\n"
    assert re.fullmatch(
        rf"article2podcast: warning: skipped {re.escape(str(bad))}: [^\n]+; produce that "
        r"episode again or move it away\n",
        done.stderr,
    ), done.stderr


@pytest.mark.parametrize(
    "content",
    [b'{"manifest_version": 1, "audio": "x.mp3", "tit', b"[" * 100_000 + b'"manifest_version"'],
    ids=["truncated", "nested"],
)
def test_a_manifest_that_is_not_json_is_skipped_with_a_warning(
    run_cli, folder: Path, content: bytes
) -> None:
    (folder / "x.json").write_bytes(content)
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"article2podcast: warning: skipped {folder / 'x.json'}: it is not valid JSON; produce "
        "that episode again or move it away\n"
    )


def test_other_json_files_are_left_out_quietly(run_cli, folder: Path) -> None:
    (folder / "settings.json").write_text('{"theme": "dark"}', encoding="utf-8")
    (folder / "list.json").write_text("[1, 2]", encoding="utf-8")
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_fifo_among_the_manifests_does_not_block(folder: Path) -> None:
    os.mkfifo(folder / "pipe.json")
    os.mkfifo(folder / "index.html.fifo.json")
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", "feed", str(folder), "--base-url", BASE],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip  # the timeout is only a bound for "does not hang"
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("  1 episodes\n")


def test_a_folder_named_like_a_manifest_is_left_out_quietly(run_cli, folder: Path) -> None:
    """`feed` once ended in an internal error: the folder was opened, then read as a file."""
    (folder / "archive.json").mkdir()
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("  1 episodes\n") and done.stderr == ""


def test_a_produced_date_without_a_zone_is_taken_as_utc(run_cli, folder: Path) -> None:
    """A naive date among aware ones once made sorting the episodes fail."""
    add_episode(folder, "second", {"produced": "2001-02-03T04:05:06", "title": "Old one"})
    done = run_cli("feed", folder, "--base-url", BASE)
    assert done.returncode == 0, done.stderr
    entries = feed_entries(folder)
    assert entries[-1].title == "Old one"
    assert entries[-1].published == "Sat, 03 Feb 2001 04:05:06 +0000"


# 6. The feed stays XML whatever it embeds. 14. Its links work whatever the names.


def test_control_characters_never_reach_the_feed(run_cli, folder: Path) -> None:
    add_episode(
        folder,
        "second",
        {"title": "Bell\x07 and \x1b[31mred\x1b[0m", "show": "Show\x01",
         "segments": [{"kind": "paragraph", "text": "Form\x0cfeed \ufffe text."}]},
    )  # fmt: skip
    done = run_cli(
        "feed", folder, "--base-url", BASE, "--title", "My\x02 show\x1f",
        "--description", "About\x0b nothing",
        "--category", "News\x03", "--language", "en\x04",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    channel = ET.fromstring((folder / "feed.xml").read_bytes()).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "My show"
    assert channel.findtext("description") == "About nothing"
    titles = {e.title for e in feed_entries(folder)}
    assert "Bell and [31mred[0m" in titles
    assert "Form" in next(e.summary for e in feed_entries(folder) if e.title.startswith("Bell"))
    assert "\x01" not in (folder / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "url",
    ["https://example.org/pod/#top", "https://example.org/pod/?token=1", "https://example.org/?",
     "https://user:secret@example.org/pod/", "https://exa mple.org/", 'https://"x".org/',
     "https://example.org:99999/", "http://"],
)  # fmt: skip
def test_a_base_url_that_would_break_the_links_is_one_line(run_cli, folder: Path, url: str) -> None:
    done = run_cli("feed", folder, "--base-url", url)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert "--base-url" in done.stderr and not (folder / "feed.xml").exists()


def test_links_are_percent_encoded(run_cli, folder: Path) -> None:
    add_episode(folder, 'odd #1? "name" 100%')
    done = run_cli("feed", folder, "--base-url", 'https://example.org/my pod/"x"/a%20b')
    assert done.returncode == 0, done.stderr
    base = "https://example.org/my%20pod/%22x%22/a%20b/"
    entries = feed_entries(folder)
    hrefs = {e.enclosures[0].href for e in entries} | {e.link for e in entries}
    assert f"{base}odd%20%231%3F%20%22name%22%20100%25.mp3" in hrefs
    for href in hrefs:
        assert href.startswith(base) and re.fullmatch(r"[A-Za-z0-9%._~/:-]+", href), href
        assert (folder / unquote(href.removeprefix(base))).is_file()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="odd%20%231%3F%20%22name%22%20100%25.html"' in index


# 15. An interrupt says what it left.


def test_an_interrupted_feed_says_the_feed_was_not_changed(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_commands, "write_feed", interrupted)  # where `feed` runs
    assert cli.main(["feed", str(folder), "--base-url", BASE]) == 130
    assert capsys.readouterr().err == "article2podcast: interrupted; the feed was not changed\n"


# 10. serve's options.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "--port must be between 0 and 65535"),
        (["--port", "-1"], "--port must be between 0 and 65535"),
        (["--port", "http"], "--port must be a whole number"),
        # Neither asks a name server: a test-net address is no address of this machine, and a
        # name with an empty label cannot even be encoded.
        (["--port", "0", "--host", "192.0.2.1"], "cannot listen on --host '192.0.2.1'"),
        (["--port", "0", "--host", "a..b"], "cannot listen on --host 'a..b'"),
    ],
)
def test_bad_serve_options_are_one_line(
    run_cli, folder: Path, args: list[str], message: str
) -> None:
    done = run_cli("serve", folder, *args)
    assert done.returncode == 2 and one_line(done.stderr), done.stderr
    assert message in done.stderr and "choose another --port" not in done.stderr


# 4. serve never leaves its folder. 8. No traceback. 9. Idle connections end.


@pytest.fixture
def server(folder: Path) -> Iterator[tuple[str, int]]:
    with serving(folder, idle_timeout=1) as address:
        yield address


def get(address: tuple[str, int], path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(*address, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_serve_follows_no_link_out_of_its_folder(
    folder: Path, tmp_path: Path, server: tuple[str, int]
) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.json").write_text('{"password": "hunter2"}')
    (folder / "etc").symlink_to("/etc")
    (folder / "secret.json").symlink_to(outside / "secret.json")
    (folder / "passwd.html").symlink_to("/etc/passwd")
    (folder / "private").symlink_to(outside)
    for path in ("/etc/passwd", "/secret.json", "/passwd.html", "/private/secret.json",
                 "/../private/secret.json", "/%2e%2e/private/secret.json",
                 "/..%2fprivate%2fsecret.json", "//etc/passwd"):  # fmt: skip
        status, body = get(server, path)
        assert status == 404 and b"hunter2" not in body and b"root:" not in body, path


def test_serve_follows_links_that_stay_inside(folder: Path, server: tuple[str, int]) -> None:
    audio = next(folder.glob("*.mp3"))
    (folder / "latest.mp3").symlink_to(audio.name)
    assert get(server, "/latest.mp3") == (200, audio.read_bytes())


def test_serve_lists_no_folder_and_serves_the_index_page(
    folder: Path, server: tuple[str, int]
) -> None:
    """`/` is the web app's home page (not a file); the folder's index page is still served."""
    (folder / "drafts").mkdir()
    (folder / "drafts" / "draft.html").write_text("draft")
    assert get(server, "/drafts/")[0] == 404
    assert get(server, "/drafts")[0] == 404
    assert get(server, "/drafts/draft.html")[0] == 404
    assert get(server, "/")[0] == 404  # (the files alone: no listing of the folder)
    status, body = get(server, "/index.html")
    assert status == 200 and body == (folder / "index.html").read_bytes()


def test_serve_never_serves_hidden_partial_or_unpublished_files(
    folder: Path, server: tuple[str, int]
) -> None:
    audio = next(folder.glob("*.mp3"))
    shutil.copyfile(audio, folder / f".{audio.stem}.abc123.part.mp3")
    (folder / ".env.json").write_text("{}")
    (folder / "article.txt").write_text("my draft")
    (folder / "thesis.docx").write_bytes(b"PK")
    (folder / "visible.mp3").symlink_to(f".{audio.stem}.abc123.part.mp3")
    os.mkfifo(folder / "pipe.mp3")
    (folder / ".article2podcast").mkdir()
    (folder / ".article2podcast" / "library.json").write_text("{}")
    (folder / "db.json").symlink_to(".article2podcast/library.json")
    for name in (f".{audio.stem}.abc123.part.mp3", ".env.json", "article.txt", "thesis.docx",
                 "visible.mp3", "pipe.mp3", ".article2podcast/library.json", "db.json",
                 ".article2podcast/"):  # fmt: skip
        assert get(server, "/" + name)[0] == 404, name
    assert get(server, "/" + audio.name)[0] == 200


def test_serve_answers_a_nul_in_the_path_with_400(server: tuple[str, int]) -> None:
    assert get(server, "/%00")[0] == 400
    assert get(server, "/a%00.mp3")[0] == 400
    assert get(server, "/%ff%fe.mp3")[0] == 400
    assert get(server, "/index.html")[0] == 200  # and still serves


def test_serve_closes_an_idle_connection(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=30) as idle:  # the timeout: "does not hang"
        assert idle.recv(1) == b""  # closed by the server, not left waiting for us


def test_serve_closes_a_connection_silent_in_the_middle_of_its_request(
    server: tuple[str, int],
) -> None:
    with socket.create_connection(server, timeout=30) as slow:
        slow.sendall(b"GET /index.html HTTP/1.1\r\nHo")
        assert slow.recv(1) == b""


def test_serve_answers_a_bounded_number_of_connections_at_once(folder: Path) -> None:
    """Beyond the bound (the connection asking counts), a request is answered 503 at once."""
    with serving(folder, idle_timeout=60, limit_concurrency=3) as address:
        held = [socket.create_connection(address, timeout=30) for _ in range(2)]
        assert get(address, "/index.html")[0] == 503  # both places are taken
        for connection in held:
            connection.close()
        for _ in range(300):  # the server sees its clients leave (a bound, not a limit)
            if get(address, "/index.html")[0] == 200:
                break
            time.sleep(0.1)
        else:
            raise AssertionError("no place came free")


def test_serve_prints_no_traceback_when_clients_abort_or_send_bad_paths(folder: Path) -> None:
    (folder / "big.mp3").write_bytes(bytes(16 * 1024 * 1024))  # more than socket buffers hold
    process = subprocess.Popen(
        [sys.executable, "-m", "article2podcast", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"serving .* at http://127\.0\.0\.1:(\d+)/\n", first)
        assert match, first
        address = ("127.0.0.1", int(match[1]))
        for _ in range(3):  # a player seeking: it reads a little, then drops the connection
            aborted = socket.create_connection(address, timeout=30)
            aborted.sendall(b"GET /big.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert aborted.recv(1024)
            aborted.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            aborted.close()  # a reset, as a player that stops does
        assert get(address, "/%00")[0] == 400
        assert get(address, "/index.html")[0] == 200
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=60)
    assert stderr == f"article2podcast: stopped serving {folder}\n"
