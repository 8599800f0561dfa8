"""The read-along page follows the voice word by word: the word being read is highlighted, a word
plays from where it is said, and the words are the written text's own."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from article2podcast.episode.pages import episode_page

NOW = "return Array.from(document.querySelectorAll('.w.wnow')).map(w => w.textContent)"


def sentence(text: str, words: list[tuple[str, int, int, tuple[int, int]]]) -> dict[str, Any]:
    return {
        "text": text,
        "start_ms": words[0][1],
        "end_ms": words[-1][2],
        "words": [
            {"text": t, "start_ms": s, "end_ms": e, "at": list(at)} for t, s, e, at in words
        ],
    }


def manifest(*sentences: dict[str, Any]) -> dict[str, Any]:
    segment = {"kind": "paragraph", "text": "", "sentences": list(sentences)}
    return {"title": "T", "audio": "x.mp3", "duration_ms": 9000, "segments": [segment]}


def test_each_placed_word_is_a_span_of_the_written_text_with_its_time() -> None:
    page = episode_page(
        manifest(sentence("It cost 26.", [("It", 0, 200, (0, 2)), ("cost", 200, 500, (3, 7)),
                                          ("twenty", 500, 800, (8, 10)),
                                          ("six", 800, 1100, (8, 10))])),
        cover=None,
    )  # fmt: skip
    assert (
        '<span class="w" data-start="0.500" data-end="1.100" data-seek="0.500">26</span>.'
        in page
    ), "the two spoken words of '26' share its span, from the first's start to the last's end"
    assert '">It</span> <span class="w"' in page


def test_a_sentence_without_words_is_its_text() -> None:
    page = episode_page(
        manifest({"text": "Plain & simple.", "start_ms": 0, "end_ms": 900}), cover=None
    )
    assert ">Plain &amp; simple.</span>" in page
    assert 'class="w"' not in page


def chromium() -> Any:
    if os.environ.get("A2P_BROWSER") != "1":
        pytest.skip("the browser tests run with A2P_BROWSER=1 (scripts/test sets it)")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian's chromium and chromium-driver are not installed (scripts/test does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or ""
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio",
                 "--autoplay-policy=no-user-gesture-required", "--allow-file-access-from-files",
                 "--disable-background-networking", "--no-first-run"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


def wait_for(condition: Callable[[], Any], seconds: float = 20.0) -> Any:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.slow
def test_the_page_highlights_the_word_being_read_and_a_word_plays_from_there(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """On a real episode (the fake engine's tones) in headless Chromium."""
    article = tmp_path / "a.txt"
    article.write_text("Words Timed\n\nThe first sentence has six words. Then a second one.\n")
    done = run_cli(article, "-o", tmp_path / "ep.mp3", "--engine", "fake")
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "ep.json").read_text())
    words = [w for g in data["segments"] for s in g["sentences"] for w in s["words"]]
    browser = chromium()
    try:
        browser.get((tmp_path / "ep.html").as_uri())
        wait_for(lambda: browser.execute_script("return document.getElementById('audio').duration"))
        for word in (words[len(words) // 2], words[-3]):
            middle = (word["start_ms"] + word["end_ms"]) / 2000
            browser.execute_script(f"document.getElementById('audio').currentTime = {middle}")
            assert wait_for(lambda: browser.execute_script(NOW)) == [word["text"]], word
        spans = browser.find_elements("css selector", ".w")
        target = next(s for s in spans if s.text == "second")
        target.click()
        at = browser.execute_script("return document.getElementById('audio').currentTime")
        second = next(w for w in words if w["text"] == "second")
        assert abs(at - second["start_ms"] / 1000) < 0.3
    finally:
        browser.quit()


def test_reduced_motion_turns_the_word_transition_off() -> None:
    page = episode_page(manifest({"text": "A.", "start_ms": 0, "end_ms": 9}), cover=None)
    assert (
        "@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; }\n"
        "  .w { transition: none !important; } }"
    ) in page
