"""The web app's JSON API and its producer, as a script or the page uses them: articles added by
address (from a local web server) and by upload are produced in the background; a dead link
fails alone and is retried; removal takes the episode's files; bad input is refused; the event
stream tells the progress; what was queued before a restart is produced after it."""

from __future__ import annotations

import json
import threading
import time
import warnings
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning

from article2podcast.batch.store import Library
from article2podcast.reading.limits import TEXT
from article2podcast.settings import Settings
from article2podcast.webapp.api import MAX_BODY
from article2podcast.webapp.app import Config, make_app
from conftest import BUNDLED_SAMPLE, SHORT_ARTICLE

with warnings.catch_warnings():  # Starlette 1.x would rather have `httpx2`, which is not needed
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

PATIENCE_S = 300.0
"""How long an item may take on a loaded two-core machine (it takes seconds)."""
PARAGRAPHS = [
    "The river rose by two metres overnight, and the town woke to water in its streets.",
    "Volunteers filled sandbags from dawn; the school opened its hall to families.",
    "By the afternoon the water had begun to fall, and the clearing up could start.",
]


def _page(title: str) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in PARAGRAPHS)
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head><body>"
        f"<article><h1>{escape(title)}</h1>{body}</article></body></html>"
    ).encode()


class Site:
    """A local web server: /article (a page), /gone (404), /later (404 until `fixed`),
    /slow (a page that is sent only once `released` is set)."""

    def __init__(self) -> None:
        self.fixed = False
        self.released = threading.Event()
        self.asked_slow = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/article" or (self.path == "/later" and site.fixed):
                    self._send(_page("A linked page"))
                elif self.path == "/slow":
                    site.asked_slow.set()
                    site.released.wait(PATIENCE_S)
                    self._send(_page("A slow page"))
                else:
                    self.send_error(404)

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    threading.Thread(target=served.httpd.serve_forever, daemon=True).start()
    try:
        yield served
    finally:
        served.released.set()
        served.httpd.shutdown()
        served.httpd.server_close()


def _app(folder: Path, cache: Path) -> Starlette:
    settings = Settings(engine="fake", music=False, jobs=1, cache_dir=cache)
    config = Config(folder=folder, base_url="http://127.0.0.1:8000/", key=None, settings=settings)
    return make_app(config)


@pytest.fixture
def client(tmp_path: Path, own_cache: Path) -> Iterator[TestClient]:
    with TestClient(_app(tmp_path / "pod", own_cache), base_url="http://127.0.0.1") as running:
        yield running


def _until(client: TestClient, item_id: int, *statuses: str) -> dict[str, Any]:
    """The item once its status is one of `statuses` (polled, as a script would)."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        answer = client.get(f"/api/items/{item_id}")
        assert answer.status_code == 200, answer.text
        item: dict[str, Any] = answer.json()
        if item["status"] in statuses:
            return item
        assert time.monotonic() < deadline, f"item {item_id} stayed {item['status']}"
        time.sleep(0.2)


def _add_url(client: TestClient, url: str) -> int:
    answer = client.post("/api/items", json={"url": url})
    assert answer.status_code == 202, answer.text
    assert answer.json()["status"] in ("queued", "producing")
    return int(answer.json()["id"])


def _published(folder: Path, url: str) -> Path:
    assert url.startswith("/")
    return folder / url[1:]


def test_an_address_and_an_upload_become_episodes(client: TestClient, site: Site, tmp_path):
    folder = tmp_path / "pod"
    by_url = _add_url(client, f"{site.base}article")
    upload = client.post("/api/items", files={"file": ("notes.txt", SHORT_ARTICLE.encode())})
    assert upload.status_code == 202, upload.text
    by_file = upload.json()["id"]

    for item_id, title in ((by_url, "A linked page"), (by_file, "Small Town Library")):
        item = _until(client, item_id, "done", "failed")
        assert item["status"] == "done", item["error"]
        assert item["title"].startswith(title)
        assert item["progress"] == 1.0 and item["error"] is None
        assert item["audio_url"].endswith(".mp3") and item["page_url"].endswith(".html")
        assert _published(folder, item["audio_url"]).stat().st_size > 1000
        assert "<audio" in _published(folder, item["page_url"]).read_text(encoding="utf-8")

    listed = client.get("/api/items").json()
    assert [item["id"] for item in listed] == [by_file, by_url]  # newest first
    assert listed[1]["source"] == f"{site.base}article"
    assert listed[0]["source"] == "notes.txt"
    same_page = "HTTP://" + site.base[len("http://") :] + "article#top"
    again = client.post("/api/items", json={"url": same_page})
    assert again.status_code == 202 and again.json()["id"] == by_url  # the same page: no twin
    assert again.json()["status"] == "done"
    assert len(client.get("/api/items").json()) == 2


def test_a_dead_link_fails_alone_and_is_retried(client: TestClient, site: Site):
    dead = _add_url(client, f"{site.base}later")
    alive = _add_url(client, f"{site.base}article")
    failed = _until(client, dead, "done", "failed")
    assert failed["status"] == "failed"
    assert "404" in failed["error"] and "\n" not in failed["error"]
    assert failed["audio_url"] is None
    assert _until(client, alive, "done", "failed")["status"] == "done"  # the queue went on

    assert client.post(f"/api/items/{alive}/retry").status_code == 409  # it has not failed
    assert client.post("/api/items/999/retry").status_code == 404
    site.fixed = True
    retried = client.post(f"/api/items/{dead}/retry")
    assert retried.status_code == 202, retried.text
    assert _until(client, dead, "done", "failed")["status"] == "done"


def test_removing_an_item_removes_its_episode_files(client: TestClient, site: Site, tmp_path):
    folder = tmp_path / "pod"
    item_id = _add_url(client, f"{site.base}article")
    item = _until(client, item_id, "done", "failed")
    stem = Path(item["audio_url"]).stem
    assert sorted(folder.glob(f"{stem}.*"))
    assert client.delete(f"/api/items/{item_id}").status_code == 204
    assert sorted(folder.glob(f"{stem}.*")) == []
    assert client.get(f"/api/items/{item_id}").status_code == 404
    assert client.delete(f"/api/items/{item_id}").status_code == 404
    assert client.get("/api/items").json() == []
    again = _add_url(client, f"{site.base}article")  # added again after removal: made again
    assert again == item_id
    assert _until(client, again, "done", "failed")["status"] == "done"


@pytest.mark.parametrize(
    "url", ["ftp://example.org/a", "javascript:alert(1)", "file:///etc/passwd", "example.org", ""]
)
def test_only_web_addresses_are_taken(client: TestClient, url: str):
    answer = client.post("/api/items", json={"url": url})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "http" in error and "\n" not in error
    assert client.get("/api/items").json() == []


@pytest.mark.parametrize(
    ("request_args", "says"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, "JSON"),
        ({"json": {"address": "https://example.org/"}}, "url"),
        ({"content": b"hello", "headers": {"Content-Type": "text/plain"}}, "JSON"),
        ({"files": {"file": ("run.exe", b"MZ")}}, ".txt"),
        ({"files": {"file": ("empty.txt", b"  \n")}}, "empty"),
        ({"data": {"other": "x"}}, "url"),
    ],
)
def test_bad_input_is_refused_in_one_line(client: TestClient, request_args, says):
    answer = client.post("/api/items", **request_args)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert says in error and "\n" not in error


def test_uploads_are_capped(client: TestClient):
    over_the_text_limit = b"word " * (TEXT.most // 5) + b"x"
    answer = client.post("/api/items", files={"file": ("big.txt", over_the_text_limit)})
    assert answer.status_code == 400
    assert "5 MB" in answer.json()["error"]
    too_large = client.post("/api/items", files={"file": ("huge.txt", b"a" * (MAX_BODY + 1))})
    assert too_large.status_code == 413
    assert "5 MB" in too_large.json()["error"]
    assert client.get("/api/items").json() == []


def test_unknown_items_are_404(client: TestClient):
    assert client.get("/api/items/7").status_code == 404
    assert "error" in client.get("/api/items/7").json()
    assert client.delete("/api/items/7").status_code == 404


@pytest.fixture
def served(tmp_path: Path, own_cache: Path) -> Iterator[str]:
    """The app on a real server (the event stream needs one), on 127.0.0.1."""
    server = uvicorn.Server(
        uvicorn.Config(
            _app(tmp_path / "pod", own_cache), host="127.0.0.1", port=0, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


def test_the_event_stream_tells_an_items_progress(served: str):
    article = BUNDLED_SAMPLE.read_bytes()
    states: list[dict[str, Any]] = []
    with (
        httpx.Client(base_url=served, timeout=PATIENCE_S) as http,
        http.stream("GET", "/api/events") as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines).startswith(":")  # the stream is on before anything happens
        added = http.post("/api/items", files={"file": ("legend.txt", article)})
        assert added.status_code == 202, added.text
        for line in lines:
            if line.startswith("data: "):
                state = json.loads(line[len("data: ") :])
                if state["id"] == added.json()["id"]:
                    states.append(state)
                    if state["status"] in ("done", "failed"):
                        break
    assert states[-1]["status"] == "done", states[-1]
    assert states[-1]["progress"] == 1.0 and states[-1]["audio_url"]
    producing = [s["progress"] for s in states if s["status"] == "producing"]
    assert producing == sorted(producing)
    assert len(set(producing)) >= 3, producing
    narrating = [s for s in states if s["stage"] == "narrating"]
    assert narrating and narrating[-1]["steps"] > 1
    assert 0.05 <= narrating[0]["progress"] < narrating[-1]["progress"] <= 0.85


def test_what_was_queued_before_a_restart_is_produced_after_it(site: Site, tmp_path, own_cache):
    folder = tmp_path / "pod"
    with TestClient(_app(folder, own_cache), base_url="http://127.0.0.1") as client:
        item_id = _add_url(client, f"{site.base}slow")
        assert site.asked_slow.wait(PATIENCE_S)  # being produced: its page is being fetched
        assert client.get(f"/api/items/{item_id}").json()["status"] == "producing"
    # The app has stopped, its worker too: the item is queued again, not failed.
    with Library.open(folder) as library:
        row = library.row(str(item_id))
        assert row is not None and row.status == "queued" and row.attempts == 0

    site.released.set()
    with TestClient(_app(folder, own_cache), base_url="http://127.0.0.1") as client:
        item = _until(client, item_id, "done", "failed")
        assert item["status"] == "done", item["error"]
        assert item["title"] == "A slow page"
