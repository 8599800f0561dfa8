"""Publishing a folder: the feed (read back by feedparser), the pages, serving with byte ranges,
and the read-along page in a real headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import pytest
from PIL import Image

from conftest import SHORT_ARTICLE
from webserving import serving

FAKE = ("--engine", "fake")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture
def folder(run_cli, tmp_path: Path) -> Path:
    """A folder with two episodes, made with the fake engine."""
    episodes = tmp_path / "podcast"
    for number, title in enumerate(["Library at Midnight", "Second Article"]):
        article = tmp_path / f"a{number}.txt"
        article.write_text(SHORT_ARTICLE.replace("Small Town Library", title, 1))
        done = run_cli(article, "--output-dir", episodes, *FAKE)
        assert done.returncode == 0, done.stderr
    return episodes


def manifests(folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text())
        for p in sorted(folder.glob("*.json"))
        if not p.name.endswith(".chapters.json")
    ]


def test_the_feed_has_what_apple_and_podcasting_2_ask_for(run_cli, folder: Path) -> None:
    done = run_cli("feed", folder, "--base-url", "https://example.org/pod", "--title", "Reads")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{folder}/feed.xml  2 episodes\n"
    feed = feedparser.parse(str(folder / "feed.xml"))
    assert not feed.bozo, feed.bozo_exception
    channel = feed.feed
    assert channel.title == "Reads" and channel.language == "en" and channel.subtitle
    assert channel.image.href == "https://example.org/pod/cover.png"
    with Image.open(folder / "cover.png") as cover:
        assert 1400 <= cover.width == cover.height <= 3000
    assert channel.tags[0].term == "News"
    assert "<itunes:explicit>false</itunes:explicit>" in (folder / "feed.xml").read_text()
    for entry in feed.entries:
        audio = folder / Path(entry.enclosures[0].href).name
        assert int(entry.enclosures[0].length) == audio.stat().st_size
        assert entry.enclosures[0].type == "audio/mpeg"
        assert entry.id and entry.published_parsed
        assert int(entry.itunes_duration) > 0
    xml = (folder / "feed.xml").read_text()
    assert xml.count('rel="captions"') == 4  # a VTT and an SRT per episode
    assert xml.count('type="text/vtt"') == 2
    assert xml.count("<podcast:chapters") == 2


def test_adding_an_episode_adds_one_item_and_keeps_every_guid(
    run_cli, folder: Path, tmp_path: Path
) -> None:
    run_cli("feed", folder, "--base-url", "https://example.org/pod/")
    before = {e.id: e.title for e in feedparser.parse(str(folder / "feed.xml")).entries}
    article = tmp_path / "third.txt"
    article.write_text(SHORT_ARTICLE.replace("Small Town Library", "Third Article", 1))
    assert run_cli(article, "--output-dir", folder, *FAKE).returncode == 0
    run_cli("feed", folder, "--base-url", "https://example.org/pod/")
    after = {e.id: e.title for e in feedparser.parse(str(folder / "feed.xml")).entries}
    assert len(after) == len(before) + 1
    assert {guid: after[guid] for guid in before} == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--base-url", "example.org"], "--base-url 'example.org' is not a web address"),
        (["--base-url", "https://x.org/"], "has no episodes; produce one into it first"),
    ],
)
def test_a_bad_feed_request_is_one_line(run_cli, tmp_path: Path, args, message) -> None:
    done = run_cli("feed", tmp_path, *args)
    assert done.returncode == 2 and message in done.stderr and done.stderr.count("\n") == 1


def test_every_episode_has_a_self_contained_page_and_the_folder_an_index(folder: Path) -> None:
    for manifest in manifests(folder):
        page = (folder / manifest["audio"]).with_suffix(".html").read_text()
        spans = re.findall(r'class="s"[^>]*? data-start="([\d.]+)" data-end="([\d.]+)"', page)
        sentences = [s for seg in manifest["segments"] for s in seg["sentences"]]
        assert [(float(a), float(b)) for a, b in spans] == [
            (s["start_ms"] / 1000, s["end_ms"] / 1000) for s in sentences
        ]
        assert f'src="{manifest["audio"]}"' in page
        assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from outside
        words = page.count('class="w"')  # the words in them, each its own place to seek
        assert words > len(sentences)
        assert page.count('data-seek="') == len(sentences) + len(manifest["chapters"]) + words
        assert '<html lang="en">' in page and 'name="viewport"' in page
    index = (folder / "index.html").read_text()
    assert index.count("<li>") == 2 and "Second Article" in index


@pytest.fixture
def served(folder: Path) -> Iterator[str]:
    with serving(folder) as (host, port):
        yield f"http://{host}:{port}/"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_audio_is_served_in_byte_ranges_so_players_can_seek(folder: Path, served: str) -> None:
    audio = next(folder.glob("*.mp3"))
    data = audio.read_bytes()
    status, headers, body = fetch(served + audio.name, {"Range": "bytes=100-1099"})
    assert status == 206 and body == data[100:1100]
    assert headers["Content-Range"] == f"bytes 100-1099/{len(data)}"
    status, _, body = fetch(served + audio.name, {"Range": "bytes=-500"})
    assert status == 206 and body == data[-500:]
    status, _, body = fetch(served + audio.name, {"Range": "bytes=5000-"})
    assert status == 206 and body == data[5000:]
    status, headers, _ = fetch(served + audio.name, {"Range": f"bytes={len(data)}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, headers, body = fetch(served + audio.name)
    assert status == 200 and body == data and headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Type"] == "audio/mpeg"


def test_serve_tells_the_feed_address_to_paste(folder: Path) -> None:
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "article2podcast", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first, second = process.stdout.readline(), process.stdout.readline()
        address = re.fullmatch(r"serving .* at (http://127\.0\.0\.1:\d+/)\n", first)
        assert address, first
        assert second == (f"paste this feed address into your podcast app: {address[1]}feed.xml\n")
        status, _, body = fetch(address[1] + "feed.xml")
        assert status == 200 and address[1].encode() in body
    finally:
        process.terminate()
        process.communicate(timeout=10)  # and close its pipes


def chromium() -> Any:
    """Debian's Chromium, headless, driven by its chromedriver (nothing downloaded)."""
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
        "--window-size=900,1100",
    ):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


def wait_for(condition: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_the_page_follows_the_audio_in_a_real_browser(folder: Path, served: str) -> None:
    manifest = next(m for m in manifests(folder) if "Library" in m["title"])
    page = Path(manifest["audio"]).with_suffix(".html").name
    starts = {
        round(s["start_ms"] / 1000, 3): s["text"]
        for seg in manifest["segments"]
        for s in seg["sentences"]
    }
    browser = chromium()
    try:
        browser.get(served + page)
        now = "return document.getElementById('audio').currentTime"
        lit = (
            "const s = document.querySelector('.s.now');"
            "return s ? [parseFloat(s.dataset.start), parseFloat(s.dataset.end), s.textContent,"
            " s.getAttribute('aria-current')] : null"
        )
        browser.execute_script("document.getElementById('audio').play()")
        wait_for(lambda: browser.execute_script(now) > 1.0)
        first = wait_for(lambda: browser.execute_script(lit))
        t = browser.execute_script(now)
        assert first[0] - 0.3 <= t <= first[1] + 0.9, (first, t)
        assert starts[round(first[0], 3)] == first[2] and first[3] == "true"
        later = wait_for(lambda: (x := browser.execute_script(lit)) and x[0] > first[0] and x)
        assert starts[round(later[0], 3)] == later[2]  # it advanced, with the manifest
        chapter = manifest["chapters"][1]
        browser.find_elements("css selector", ".chapters button")[1].click()
        wait_for(lambda: abs(browser.execute_script(now) - chapter["start_ms"] / 1000) < 1.0)
        sentence = browser.find_elements("css selector", ".s")[6]
        # On the sentence itself: a click at its middle would land on one of its words, which
        # seeks to that word (tests/test_word_page.py).
        browser.execute_script("arguments[0].click()", sentence)
        start = float(sentence.get_attribute("data-start"))
        wait_for(lambda: 0 <= browser.execute_script(now) - start < 1.5)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "episode-page.png"))
    finally:
        browser.quit()
