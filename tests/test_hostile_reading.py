"""Hostile reading: every input is bounded before it is read whole, every wait has an end,
hostile addresses get one line, and what a page or a Markdown file does not show is not read
aloud (while what it does show is, however deeply nested or however mislabelled its encoding).
"""

from __future__ import annotations

import json
import os
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from article2podcast.errors import Article2PodcastError
from article2podcast.reading.fetching import fetch
from article2podcast.reading.html import MAX_PAGE_ELEMENTS, parse_html
from article2podcast.reading.markdown import parse_markdown
from article2podcast.reading.plaintext import parse_plaintext

WORDS = (
    "The library on Main Street stayed open until midnight on Friday, and the head librarian "
    "said that thirty seven readers came to find out what reading at night was like."
)


def page(body: str, title: str = "Midnight at the library", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head>{head}<title>{title}</title></head><body>"
        f"<article><h1>{title}</h1><p>{WORDS}</p>{body}</article></body></html>"
    )


def text_of(article: object) -> str:
    blocks = getattr(article, "blocks", ())
    return " ".join(block.text for block in blocks)


def start_cli(*args: str | Path, stdin: int | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "article2podcast", *map(str, args), "--plan", "--engine", "fake"],
        stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def stop_and_wait(process: subprocess.Popen[bytes], within: float) -> tuple[int, str, float]:
    """SIGTERM `process`; its exit code, its stderr and how long it took to answer."""
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    took = time.monotonic() - sent
    assert took < within, f"SIGTERM took {took:.1f} s to answer"
    return process.returncode, err.decode(), took


# --- A server that sends a byte now and then -------------------------------------------------


class _Dripping(socketserver.BaseRequestHandler):
    """Reads the request, then answers one byte a second for ever: in the headers or in the
    body, as the server's `drip` says."""

    server: _DrippingServer

    def handle(self) -> None:
        self.request.recv(65536)
        if self.server.drip == "body":
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>")
            endless = b"<p>slow</p>"
        else:
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
            endless = b"a"
        while not self.server.stopping.wait(1.0):
            try:
                self.request.sendall(endless[:1])
            except OSError:
                return  # the client gave up
            endless = endless[1:] + endless[:1]


class _DrippingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, drip: str) -> None:
        super().__init__(("127.0.0.1", 0), _Dripping)
        self.drip = drip
        self.stopping = threading.Event()


@pytest.fixture(params=["headers", "body"])
def dripping(request: pytest.FixtureRequest) -> Iterator[str]:
    server = _DrippingServer(request.param)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    server.stopping.set()
    server.shutdown()
    server.server_close()


def test_a_server_that_sends_a_byte_a_second_is_given_up_on_at_the_deadline(dripping) -> None:
    started = time.monotonic()
    with pytest.raises(Article2PodcastError, match=r"the page did not arrive within 2 s; "):
        fetch(dripping, deadline=2)
    assert time.monotonic() - started < 10  # a generous bound: the deadline is 2 s


def test_sigterm_while_a_page_drips_in_is_answered_at_once(dripping) -> None:
    process = start_cli(dripping)
    time.sleep(3)  # started, and waiting for the page
    code, err, _ = stop_and_wait(process, within=5)
    assert code == 130
    assert err == "article2podcast: interrupted; no episode was written\n"


# --- Addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["http://", "http://[", "https://:99999/", "http://host:port/", "http://a..b/",
     "http://exa mple.com/", "http://:80/a.html", f"http://{'x' * 70}.com/"],
)  # fmt: skip
def test_an_address_that_names_no_server_gets_one_line(run_cli, address: str) -> None:
    done = run_cli(address, "--plan", "--engine", "fake")
    assert done.returncode == 2
    assert done.stderr.startswith(f"article2podcast: {address} is not a valid address (")
    assert done.stderr.endswith(
        "; give the page's full address, such as https://example.com/article\n"
    )
    assert done.stderr.count("\n") == 1 and done.stdout == ""


# --- Inputs are bounded -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "says"),
    [("huge.html", "reads web pages of up to 10 MB; save a smaller page"),
     ("huge.txt", "reads up to 5 MB of text (about 800,000 words, 90 hours of audio); split it")],
)  # fmt: skip
def test_a_file_over_the_limit_is_refused_without_being_read(
    run_cli, tmp_path: Path, name: str, says: str
) -> None:
    """64 GB (sparse): reading it whole would take minutes and all the memory there is."""
    huge = tmp_path / name
    huge.touch()
    os.truncate(huge, 64 * 1024**3)
    done = run_cli(huge, "--plan", "--engine", "fake")
    assert done.returncode == 2
    assert done.stderr == f"article2podcast: {huge} is 65536.0 MB; article2podcast {says}" + (
        " (the article alone), or copy its text into a .txt file\n"
        if name.endswith(".html")
        else " into parts\n"
    )


@pytest.mark.parametrize(("name", "limit"), [("zero.txt", 5), ("zero.html", 10)])
def test_an_endless_device_as_the_article_is_refused_at_the_limit(
    run_cli, tmp_path: Path, name: str, limit: int
) -> None:
    (tmp_path / name).symlink_to("/dev/zero")
    done = run_cli(tmp_path / name, "--plan", "--engine", "fake")
    assert done.returncode == 2
    assert done.stderr.startswith(f"article2podcast: {tmp_path / name} is more than {limit} MB; ")
    assert done.stderr.count("\n") == 1


def test_an_endless_stream_on_standard_input_is_refused_at_the_limit(tmp_path: Path) -> None:
    with open("/dev/zero", "rb") as zero:
        process = start_cli("-", stdin=zero.fileno())
        _, err = process.communicate(timeout=120)
    assert process.returncode == 2
    assert err.decode() == (
        "article2podcast: standard input is more than 5 MB; article2podcast reads up to 5 MB of "
        "text (about 800,000 words, 90 hours of audio); split it into parts\n"
    )


def test_an_endless_web_page_on_standard_input_is_refused_at_the_page_limit() -> None:
    read_end, write_end = os.pipe()
    process = start_cli("-", stdin=read_end)
    os.close(read_end)

    def pour() -> None:
        with open(write_end, "wb", buffering=0) as pipe:
            try:
                pipe.write(b"<!DOCTYPE html><html><body><article>")
                while True:
                    pipe.write(f"<p>{WORDS}</p>\n".encode() * 100)
            except BrokenPipeError:
                pass  # refused, as it should be

    pourer = threading.Thread(target=pour, daemon=True)
    pourer.start()
    _, err = process.communicate(timeout=120)
    pourer.join(timeout=10)
    assert process.returncode == 2
    assert err.decode().startswith(
        "article2podcast: standard input is more than 10 MB; article2podcast reads web pages of "
        "up to 10 MB; "
    )


def test_a_closed_standard_input_gets_one_line() -> None:
    command = 'exec "$0" -m article2podcast - --plan --engine fake <&-'
    done = subprocess.run(
        ["sh", "-c", command, sys.executable], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert done.stderr == (
        "article2podcast: standard input is closed; pipe an article into it, or name a file\n"
    )


def test_a_named_pipe_is_read_as_a_stream(run_cli, tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:
            pipe.write(f"Midnight at the library\n\n{WORDS}\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    done = run_cli(fifo, "--plan", "--engine", "fake")
    writer.join(timeout=10)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "Midnight at the library"


def test_sigterm_while_waiting_for_a_named_pipe_is_answered_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    process = start_cli(fifo)
    time.sleep(3)  # started, and waiting for a writer
    code, err, _ = stop_and_wait(process, within=5)
    assert code == 130
    assert err == "article2podcast: interrupted; no episode was written\n"


def test_sigterm_while_the_largest_page_is_read_is_answered_within_seconds(
    tmp_path: Path,
) -> None:
    """The page has as many elements as a page may have: extracting its article takes many
    seconds, and no single step of it may hold off the signal."""
    big = page("".join(f"<p>Paragraph {i} of the page.</p>" for i in range(MAX_PAGE_ELEMENTS - 20)))
    fifo = tmp_path / "big.html"
    os.mkfifo(fifo)
    process = start_cli(fifo)
    with open(fifo, "wb") as pipe:  # opens once the command has started reading the article
        pipe.write(big.encode())
    time.sleep(1)
    assert process.poll() is None, "the page was read too fast to interrupt"
    code, err, _ = stop_and_wait(process, within=5)
    assert code == 130
    assert err == "article2podcast: interrupted; no episode was written\n"


def test_a_page_with_too_many_elements_is_refused(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.html"
    crowded.write_text(page("<i>x</i>" * MAX_PAGE_ELEMENTS), encoding="utf-8")
    with pytest.raises(Article2PodcastError) as refused:
        parse_html(crowded.read_bytes(), "Crowded", str(crowded))
    assert str(refused.value) == (
        f"{crowded} has more than {MAX_PAGE_ELEMENTS:,} HTML elements; article2podcast reads "
        "pages of up to that many; save a smaller page (the article alone), or copy its text "
        "into a .txt file"
    )


# --- What is not shown is not read, what is shown is ------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<b>hi</b>",
     "vbscript:msgbox", "https://example.com/a?b=(c)", "/relative/path", "mailto:a@b.c"],
)  # fmt: skip
def test_a_link_is_read_as_its_text_and_an_image_not_at_all(target: str) -> None:
    article = parse_markdown(
        f"# Links\n\nRead [the text]({target}) here ![the alt words]({target}) now.\n", "Links"
    )
    assert text_of(article) == "Read the text here now."


def test_what_a_page_does_not_show_is_not_read(tmp_path: Path) -> None:
    hidden = (
        "<template><p>Template words.</p></template>"
        "<p hidden>Hidden words.</p>"
        "<div aria-hidden='true'><p>Aria words for no one.</p></div>"
        "<p style='color: red; DISPLAY : none !important'>Styled words.</p>"
        "<p style='visibility:hidden'>Invisible words.</p>"
        "<dialog><p>Dialog words.</p></dialog>"
        "<p>Words that are shown.</p>"
    )
    article = parse_html(page(hidden).encode(), "Page", "page.html")
    said = text_of(article)
    assert WORDS in said and "Words that are shown." in said
    for word in ("Template", "Hidden", "Aria", "Styled", "Invisible", "Dialog"):
        assert word not in said


def test_a_page_saved_while_a_dialog_hid_the_article_is_still_read() -> None:
    """A cookie dialog marks the rest of the page aria-hidden while it is open."""
    html = page("").replace("<article>", "<div id='app' aria-hidden='true'><article>")
    html = html.replace("</article>", "</article></div><div role='dialog'>Cookies?</div>")
    assert WORDS in text_of(parse_html(html.encode(), "Page", "page.html"))


def test_deep_quotes_and_lists_are_read_at_the_deepest_level() -> None:
    quotes = "".join(
        f"{'> ' * depth}Quote at depth {depth}.\n{'> ' * depth}\n" for depth in (1, 5, 19, 30, 200)
    )
    items = "".join(f"{'   ' * depth}- Item at depth {depth}.\n" for depth in range(16))
    article = parse_markdown(f"# Deep\n\n{quotes}\nBetween.\n\n{items}\nAfter.\n", "Deep")
    said = [(block.kind, block.text) for block in article.blocks]
    assert said == [
        *(("quote", f"Quote at depth {depth}.") for depth in (1, 5, 19, 30, 200)),
        ("paragraph", "Between."),
        *(("list_item", f"Item at depth {depth}.") for depth in range(16)),
        ("paragraph", "After."),
    ]


def test_nested_quote_marks_in_plain_text_are_not_read() -> None:
    article = parse_plaintext("Title\n\n> > > Deeply quoted words.\n> > More of them.\n", "T")
    assert [(b.kind, b.text) for b in article.blocks] == [
        ("quote", "Deeply quoted words. More of them.")
    ]


def test_text_on_standard_input_that_mentions_html_is_read_as_text(run_cli) -> None:
    text = f"Notes on markup\n\nThe <html> element wraps a page. {WORDS}\n"
    done = run_cli("-", "--plan", "--engine", "fake", stdin=text)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["title"] == "Notes on markup"
    assert "The <html> element wraps a page." in json.dumps(plan)


def test_a_page_on_standard_input_is_recognised_after_a_mark_and_comments(run_cli) -> None:
    html = "\ufeff\n<!-- saved from a browser -->\n<!-- <p>not yet</p> -->\n" + page("")
    done = run_cli("-", "--plan", "--engine", "fake", stdin=html)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "Midnight at the library"


# --- Encodings --------------------------------------------------------------------------------

TITLE = "Naïve café résumé at Müller's"


@pytest.mark.parametrize(
    ("declared", "encoding"),
    [("utf-8", "cp1252"), ("utf-8", "latin-1"), ("iso-8859-1", "utf-8"), ("us-ascii", "utf-8"),
     ("base64", "utf-8"), ("undefined", "cp1252"), ("punycode", "utf-8"), ("utf-16", "utf-8"),
     ("x-no-such-thing", "cp1252")],
)  # fmt: skip
def test_a_mislabelled_page_is_read_in_its_real_encoding(declared: str, encoding: str) -> None:
    html = page(f"<p>{TITLE}, {WORDS}</p>", TITLE, f"<meta charset='{declared}'>")
    article = parse_html(html.encode(encoding), "Page", "page.html")
    assert article.title == TITLE
    assert f"{TITLE}, {WORDS}" in text_of(article)


def test_the_servers_charset_is_honoured() -> None:
    """ISO-8859-15 has the euro sign where Windows-1252 has a currency sign (¤)."""
    html = page(f"<p>It costs 5 € now. {WORDS}</p>")
    article = parse_html(html.encode("iso-8859-15"), "Page", "page.html", charset="ISO-8859-15")
    assert "It costs 5 € now." in text_of(article)


class _Latin9(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.recv(65536)
        body = page(f"<p>It costs 5 € now. {WORDS}</p>").encode("iso-8859-15")
        head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-15\r\n"
        self.request.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)


def test_a_fetched_page_keeps_the_charset_its_server_declared() -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), _Latin9) as server:
        threading.Thread(target=server.handle_request, daemon=True).start()
        fetched = fetch(f"http://127.0.0.1:{server.server_address[1]}/a.html")
    assert fetched.charset is not None and fetched.charset.lower() == "iso-8859-15"
    assert "5 € now" in fetched.data.decode("iso-8859-15")


def test_a_page_read_again_in_the_same_process_is_read_every_time() -> None:
    """trafilatura's duplicate filter is process-wide (it drops text seen more than twice)
    unless it is given one for the page."""
    html = page(f"<p>Read again: {WORDS}</p>").encode()
    first = text_of(parse_html(html, "Page", "page.html"))
    for _ in range(3):
        assert text_of(parse_html(html, "Page", "page.html")) == first
