"""The web app's home page in a real browser (Debian's headless Chromium) at a phone's size:
an article added by its address (a page on a local web server) and one uploaded as a file
become episodes the page shows and plays, whose read-along pages play, and which the feed
lists; nothing is wider than the phone."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import feedparser
import httpx
import pytest
import uvicorn

from article2podcast.batch.runner import BASE_URL
from article2podcast.batch.runner import KEY as KEY_FACT
from article2podcast.batch.store import Library
from article2podcast.settings import Settings
from article2podcast.webapp.app import Config, make_app
from conftest import SHORT_ARTICLE

ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = (390, 844)
KEY = "phone-test-key-0123456789"
PATIENCE_S = 300.0
"""How long an episode may take on a loaded two-core machine (seconds with the fake engine)."""
TITLE = SHORT_ARTICLE.splitlines()[0]
UPLOADED = "Rain Gauges Go Digital"


def _article_html() -> bytes:
    _, *paragraphs = [p.strip() for p in SHORT_ARTICLE.split("\n\n")]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(TITLE)}</title></head>"
        f"<body><article><h1>{escape(TITLE)}</h1>{body}</article></body></html>"
    ).encode()


@pytest.fixture
def site() -> Iterator[str]:
    """A local web server with the article at /story."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/story":
                self.send_error(404)
                return
            body = _article_html()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/story"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def app_url(tmp_path: Path, own_cache: Path) -> Iterator[str]:
    """The real app (its producer, API, files and guard) on uvicorn, on 127.0.0.1, with a key."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    listening.listen(64)
    base = f"http://127.0.0.1:{listening.getsockname()[1]}/"
    folder = tmp_path / "pod"
    folder.mkdir()
    with Library.open(folder) as library:  # what `serve` tells the library before it starts
        library.set_fact(BASE_URL, base)
        library.set_fact(KEY_FACT, KEY)
    settings = Settings(engine="fake", music=False, jobs=1, cache_dir=own_cache)
    app = make_app(Config(folder=folder, base_url=base, key=KEY, settings=settings))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        listening.close()


def phone() -> Any:
    """Debian's Chromium, headless, the size of a phone (390 x 844 CSS pixels, touch)."""
    if os.environ.get("A2P_BROWSER") != "1":
        pytest.skip("the browser tests run with A2P_BROWSER=1 (scripts/test sets it)")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio",
        "--autoplay-policy=no-user-gesture-required", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        f"--window-size={PHONE[0]},{PHONE[1]}",
    ):  # fmt: skip
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))
    metrics = {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    return browser


@pytest.fixture
def browser() -> Any:
    """The phone's browser (first: the test is skipped before the app starts)."""
    return phone()


def wait_for(condition: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


NO_SIDEWAYS = "return document.documentElement.scrollWidth <= window.innerWidth"
EPISODES = (
    "return Array.from(document.querySelectorAll('#episodes li')).map(li => ["
    "li.querySelector('h3').textContent, li.querySelector('audio').getAttribute('src'),"
    "li.querySelector('a').getAttribute('href')])"
)
STATES = "return Array.from(document.querySelectorAll('#queue .state')).map(s => s.textContent)"


def add_and_wait(browser: Any, field: str, value: str, count: int) -> list[list[str]]:
    """Add through a field of the page; the episodes once there are `count`."""
    browser.find_element("id", field).send_keys(value)
    browser.find_element("css selector", f"#add-{field} button").click()
    wait_for(lambda: "Added" in browser.find_element("id", "add-status").text)
    return wait_for(
        lambda: len(x := browser.execute_script(EPISODES)) == count and x, seconds=PATIENCE_S
    )


@pytest.mark.slow
def test_a_phone_adds_an_address_and_a_file_and_gets_episodes(
    browser: Any, app_url: str, site: str, tmp_path: Path
) -> None:
    try:
        browser.get(app_url + "?key=" + KEY)
        assert browser.execute_script("return window.innerWidth") == PHONE[0]
        assert browser.execute_script(NO_SIDEWAYS)
        assert browser.find_element("id", "feed").get_attribute("value") == (
            f"{app_url}feed.xml?key={KEY}"
        )
        ((title, audio, _page),) = add_and_wait(browser, "url", site, 1)
        assert title == TITLE
        assert "Done: listen below" in browser.execute_script(STATES)
        article = tmp_path / "rain.md"
        article.write_text(f"# {UPLOADED}\n\nThe town's rain gauges now report every minute.\n")
        episodes = add_and_wait(browser, "file", str(article), 2)
        assert [e[0] for e in episodes] == [UPLOADED, TITLE]  # newest first
        assert all(f"key={KEY}" in e[1] and f"key={KEY}" in e[2] for e in episodes)
        player = "return document.querySelector('#episodes audio')"
        browser.execute_script("arguments[0].play()", browser.execute_script(player))
        playing = "return document.querySelector('#episodes audio').currentTime"
        wait_for(lambda: browser.execute_script(playing) > 0.3)
        browser.execute_script("document.activeElement.blur()")
        browser.execute_script("document.getElementById('queue-heading').scrollIntoView()")
        assert browser.execute_script(NO_SIDEWAYS)
        ARTIFACTS.mkdir(exist_ok=True)
        # Kept with the test's artifacts; the README's copy (audio/webapp-phone.png) is
        # refreshed by hand from it, so that a test run changes no tracked file.
        browser.save_screenshot(str(ARTIFACTS / "webapp-phone.png"))

        browser.find_element("css selector", "#episodes li:last-child a").click()
        wait_for(lambda: browser.find_elements("id", "transcript"))
        assert browser.find_element("tag name", "h1").text == TITLE
        assert browser.execute_script(NO_SIDEWAYS)
        browser.execute_script("document.getElementById('audio').play()")
        now = "return document.getElementById('audio').currentTime"
        wait_for(lambda: browser.execute_script(now) > 0.5)
        browser.save_screenshot(str(ARTIFACTS / "webapp-episode-phone.png"))
        browser.get(app_url + "index.html")  # the cookie the key set carries it now
        assert len(browser.find_elements("css selector", ".episodes audio")) == 2
        assert browser.execute_script(NO_SIDEWAYS)
    finally:
        browser.quit()
    answer = httpx.get(f"{app_url}feed.xml?key={KEY}", timeout=30)
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.bozo_exception
    listed = {entry.title: entry.enclosures[0].href for entry in feed.entries}
    assert set(listed) == {TITLE, UPLOADED}
    assert listed[TITLE].startswith(app_url) and f"key={KEY}" in listed[TITLE]
    assert unquote(urlsplit(listed[TITLE]).path) == unquote(urlsplit(audio).path)
