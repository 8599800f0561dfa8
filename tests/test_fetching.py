"""Web pages by URL, served from 127.0.0.1: tests never touch the network."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from article2podcast.errors import InputError
from article2podcast.reading.fetching import fetch
from conftest import SAMPLES


class _Handler(SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, directory=str(SAMPLES), **kwargs)

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/bbc-1.html")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_is_fetched_and_read_like_a_saved_one(run_cli, server) -> None:
    done = run_cli(f"{server}/nytimes-1.html", "--plan", "--engine", "fake")
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["title"] == "United States to Lift Sudan Sanctions"
    assert plan["source"] == f"{server}/nytimes-1.html"


def test_redirects_are_followed_and_the_episode_records_the_address(
    run_cli, server, tmp_path
) -> None:
    done = run_cli(f"{server}/moved", "-o", tmp_path / "ep.mp3", "--engine", "fake", "--no-music")
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "ep.json").read_text())
    assert manifest["title"].startswith("Obama admits US gun laws")
    assert f"{server}/bbc-1.html" in (tmp_path / "ep.md").read_text()


@pytest.mark.parametrize(
    ("path", "message"),
    [("/nope.html", "the server answered 404"), ("/bbc-1.txt", "is not a web page (text/plain)")],
)
def test_an_unusable_address_is_refused_in_one_line(run_cli, server, path, message) -> None:
    done = run_cli(f"{server}{path}", "--plan", "--engine", "fake")
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unreachable_server_is_a_clear_error(run_cli) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    done = run_cli(f"http://127.0.0.1:{port}/a.html", "--plan", "--engine", "fake")
    assert done.returncode == 1
    assert "could not fetch it" in done.stderr and "check your connection" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_page_over_the_size_limit_is_refused(server) -> None:
    with pytest.raises(InputError, match="larger than"):
        fetch(f"{server}/guardian-1.html", max_bytes=10_000)
