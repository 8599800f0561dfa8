"""Private by default (issue 16 item 5): the key, its cookie, cross-site and rebinding refusals,
the rate limit on adds, the body cap; and `serve` as users run it, with a key in the feed."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import feedparser
import pytest
from starlette.applications import Starlette
from starlette.exceptions import StarletteDeprecationWarning
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

with warnings.catch_warnings():  # Starlette would rather have httpx2, which we do not install
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient
from article2podcast.batch.store import Library
from article2podcast.webapp.security import COOKIE, Guard, RateLimit
from conftest import SHORT_ARTICLE

KEY = "k3y-for-tests-0123456789"


async def _ok(request: Request) -> PlainTextResponse:
    await request.body()
    return PlainTextResponse("ok")


def client(key: str | None = KEY, **guard: object) -> TestClient:
    """The guard before a tiny app that answers every route with 200."""
    routes = [
        Route(p, _ok, methods=["GET", "POST", "DELETE"]) for p in ("/", "/api/items", "/share")
    ]
    app = Starlette(routes=routes, middleware=[Middleware(Guard, key=key, **guard)])
    return TestClient(app, base_url="http://127.0.0.1:8000")


class TestTheKey:
    def test_without_the_key_every_request_is_refused_in_one_line(self) -> None:
        with client() as c:
            for method, path in (("GET", "/"), ("GET", "/api/items"), ("POST", "/api/items")):
                answer = c.request(method, path)
                assert answer.status_code == 401, path
                assert answer.text.count("\n") <= 1 and KEY not in answer.text

    def test_a_wrong_key_is_refused(self) -> None:
        with client() as c:
            assert c.get("/", params={"key": KEY + "x"}).status_code == 401
            assert c.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401
            assert c.get("/", headers={"Cookie": f"{COOKIE}=nope"}).status_code == 401

    def test_the_key_in_the_query_opens_and_sets_a_strict_cookie(self) -> None:
        with client() as c:
            answer = c.get("/", params={"key": KEY})
            assert answer.status_code == 200
            cookie = answer.headers["set-cookie"]
            assert cookie.startswith(f"{COOKIE}={KEY};")
            assert all(p in cookie for p in ("HttpOnly", "SameSite=Strict", "Path=/"))
            assert c.get("/api/items").status_code == 200  # the cookie, kept by the client

    def test_a_bearer_key_opens(self) -> None:
        with client() as c:
            answer = c.get("/api/items", headers={"Authorization": f"Bearer {KEY}"})
            assert answer.status_code == 200 and "set-cookie" not in answer.headers

    def test_the_api_is_refused_in_json(self) -> None:
        with client() as c:
            answer = c.get("/api/items")
            assert answer.status_code == 401 and list(answer.json()) == ["error"]


class TestCrossSite:
    HEADERS: ClassVar[dict[str, str]] = {"Authorization": f"Bearer {KEY}"}

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "http://evil.example"},
            {"Origin": "http://127.0.0.1:9999"},
            {"Referer": "http://evil.example/page"},
            {"Sec-Fetch-Site": "cross-site"},
        ],
    )
    def test_an_unsafe_request_from_another_site_is_refused(self, headers) -> None:
        with client() as c:
            for method, path in (
                ("POST", "/api/items"),
                ("DELETE", "/api/items"),
                ("POST", "/share"),
            ):
                answer = c.request(method, path, headers={**self.HEADERS, **headers})
                assert answer.status_code == 403, (method, path)

    @pytest.mark.parametrize(
        "headers",
        [{"Origin": "http://127.0.0.1:8000"}, {"Referer": "http://127.0.0.1:8000/"}, {}],
    )
    def test_the_same_site_and_scripts_are_accepted(self, headers) -> None:
        with client() as c:
            assert c.post("/api/items", headers={**self.HEADERS, **headers}).status_code == 200

    def test_a_cross_site_read_is_not_an_unsafe_request(self) -> None:
        with client() as c:
            headers = {**self.HEADERS, "Origin": "http://evil.example"}
            assert c.get("/api/items", headers=headers).status_code == 200


class TestRebinding:
    @pytest.mark.parametrize(
        "host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost"]
    )
    def test_without_a_key_this_machine_is_answered(self, host: str) -> None:
        with client(key=None) as c:
            assert c.get("/", headers={"Host": host}).status_code == 200

    @pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.0.2.1:8000", ""])
    def test_without_a_key_another_name_is_refused(self, host: str) -> None:
        with client(key=None) as c:
            assert c.get("/", headers={"Host": host}).status_code == 421


class TestLimits:
    def test_adds_beyond_the_rate_are_answered_429_with_retry_after(self) -> None:
        with client(adds=RateLimit(per_minute=5)) as c:
            headers = {"Authorization": f"Bearer {KEY}"}
            assert [c.post("/api/items", headers=headers).status_code for _ in range(5)] == [
                200
            ] * 5
            refused = c.post("/share", headers=headers)
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
            assert c.get("/api/items", headers=headers).status_code == 200  # reads are not adds

    def test_the_bucket_refills_with_time(self) -> None:
        bucket = RateLimit(per_minute=2)
        assert bucket.wait("a", now=0) == 0 and bucket.wait("a", now=0) == 0
        assert bucket.wait("a", now=0) == pytest.approx(30)
        assert bucket.wait("b", now=0) == 0  # per client
        assert bucket.wait("a", now=31) == 0

    def test_a_body_over_the_cap_is_answered_413(self) -> None:
        with client(max_body=1000) as c:
            headers = {"Authorization": f"Bearer {KEY}"}
            assert c.post("/api/items", headers=headers, content=b"x" * 1000).status_code == 200
            assert c.post("/api/items", headers=headers, content=b"x" * 1001).status_code == 413
            chunked = c.post("/api/items", headers=headers, content=iter([b"x" * 600] * 2))
            assert chunked.status_code == 413


# `serve` as users run it.


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library folder with one episode (fake engine)."""
    scratch = tmp_path_factory.mktemp("served")
    article = scratch / "article.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "article2podcast", str(article), "--engine", "fake",
         "--output-dir", str(scratch / "library")],
        capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "ARTICLE2PODCAST_CACHE_DIR": str(scratch / "cache")},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return scratch / "library"


class Served:
    def __init__(self, folder: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "article2podcast", "serve", str(folder), "--port", "0",
             "--engine", "fake", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.first, self.second = self.process.stdout.readline(), self.process.stdout.readline()
        found = re.fullmatch(r"serving .* at http://[^/]+:(\d+)/(\?key=(\S+))?\n", self.first)
        assert found, self.first + self.process.stderr.read()  # type: ignore[union-attr]
        self.port, self.key = int(found[1]), found[3]

    def get(self, path: str, headers: dict[str, str] | None = None, method: str = "GET"):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            connection.close()

    def stop(self, signal_number: int = signal.SIGTERM) -> str:
        self.process.send_signal(signal_number)
        try:
            _, stderr = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:  # a server that does not stop fails the test...
            self.process.kill()  # ...and is not left running
            self.process.communicate()
            raise
        return stderr


@pytest.fixture
def keyed(library: Path) -> Iterator[Served]:
    served = Served(library, "--key", KEY)
    yield served
    assert served.stop() == f"article2podcast: stopped serving {library}\n"  # one line
    assert served.process.returncode == 0


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_serving_in_one_line(library: Path, number: int) -> None:
    served = Served(library)
    assert served.get("/api/items")[0] == 200  # the producer is running
    assert served.stop(number) == f"article2podcast: stopped serving {library}\n"
    assert served.process.returncode == 0


def test_serve_without_a_key_answers_this_machine(library: Path) -> None:
    served = Served(library)
    try:
        assert served.key is None
        assert served.second.endswith(f":{served.port}/feed.xml\n")
        assert served.get("/feed.xml")[0] == 200
        assert served.get("/feed.xml", {"Host": "evil.example"})[0] == 421  # DNS rebinding
    finally:
        served.stop()


def test_with_a_key_nothing_is_served_without_it(keyed: Served, library: Path) -> None:
    audio = next(library.glob("*.mp3")).name
    for path in ("/", "/feed.xml", f"/{audio}", "/index.html", "/api/items"):
        status, _, body = keyed.get(path)
        assert status == 401 and KEY.encode() not in body, path
    assert keyed.get(f"/{audio}", {"Authorization": "Bearer wrong-key-0123456789"})[0] == 401


def test_with_a_key_the_query_bearer_and_cookie_open(keyed: Served, library: Path) -> None:
    audio = next(library.glob("*.mp3")).name
    assert keyed.key == KEY and keyed.second.endswith(f"/feed.xml?key={KEY}\n")
    status, headers, _ = keyed.get(f"/feed.xml?key={KEY}")
    assert status == 200 and headers["Content-Type"] == "application/rss+xml"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert keyed.get(f"/{audio}", {"Cookie": cookie})[0] == 200
    assert keyed.get(f"/{audio}", {"Authorization": f"Bearer {KEY}"})[0] == 200
    # The page and the API are the other modules': they are let through, whatever they say.
    assert keyed.get("/", {"Cookie": cookie})[0] != 401
    assert keyed.get("/api/items", {"Authorization": f"Bearer {KEY}"})[0] != 401


def test_the_feeds_links_carry_the_key(keyed: Served) -> None:
    _, _, body = keyed.get(f"/feed.xml?key={KEY}")
    feed = feedparser.parse(body)
    [entry] = feed.entries
    links = [entry.enclosures[0].href, entry.link, feed.feed.image.href, entry.image.href]
    assert all(link.endswith(f"?key={KEY}") for link in links), links
    for link in links:  # and a podcast app, which cannot log in, fetches them
        assert keyed.get(link.split(f":{keyed.port}", 1)[1])[0] == 200, link


def test_ranges_and_head_with_a_key(keyed: Served, library: Path) -> None:
    audio = next(library.glob("*.mp3"))
    data, bearer = audio.read_bytes(), {"Authorization": f"Bearer {KEY}"}
    status, headers, body = keyed.get(f"/{audio.name}", {**bearer, "Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    status, headers, _ = keyed.get(f"/{audio.name}", {**bearer, "Range": f"bytes={len(data)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, headers, body = keyed.get(f"/{audio.name}", bearer, method="HEAD")
    assert status == 200 and body == b"" and headers["Content-Length"] == str(len(data))
    assert headers["Accept-Ranges"] == "bytes" and headers["Content-Type"] == "audio/mpeg"


def test_the_library_database_and_hidden_files_are_never_served(keyed: Served) -> None:
    bearer = {"Authorization": f"Bearer {KEY}"}
    for path in ("/.article2podcast/library.sqlite", "/.article2podcast/", "/.article2podcast",
                 "/%2earticle2podcast%2flibrary.sqlite"):  # fmt: skip
        assert keyed.get(path, bearer)[0] in (400, 404), path


def test_a_key_is_made_kept_and_reused_when_shared_beyond_this_machine(tmp_path: Path) -> None:
    folder = tmp_path / "new-library"
    first = Served(folder, "--host", "0.0.0.0")
    try:
        assert first.key and len(first.key) >= 32
        assert first.second.endswith(f"/feed.xml?key={first.key}\n")
        assert first.get("/feed.xml")[0] == 401
        assert first.get(f"/feed.xml?key={first.key}")[0] == 200
        rest = first.stop()
    finally:
        first.process.kill()
    assert first.key not in rest  # printed once, on the first lines only
    with Library.open(folder, create=False) as library:
        assert library.fact("key") == first.key
    again = Served(folder, "--host", "0.0.0.0")
    try:
        assert again.key == first.key
    finally:
        again.stop()


def test_a_bad_key_is_one_line(run_cli, tmp_path: Path) -> None:
    done = run_cli("serve", tmp_path, "--port", "0", "--key", "short")
    assert done.returncode == 2 and "--key must be 16 to 200" in done.stderr
    assert done.stderr.count("\n") <= 2  # argparse's usage line and ours
