"""Properties over any input: reading, scripting and making text speakable never fail with
anything but our own input error, and every utterance fits the engine's bound."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from article2podcast.errors import InputError
from article2podcast.reading import read_article
from article2podcast.reading.decoding import decode
from article2podcast.scripting.pacing import plan_utterances
from article2podcast.scripting.segments import MAX_UTTERANCE_CHARS, script_article
from article2podcast.scripting.speakable import has_words

# Text as articles have it, and as they should not: markup, brackets, controls, RTL, emoji.
pieces = st.sampled_from(
    ["\n", "\n\n", "# ", "> ", "- ", "1. ", '"', "“", "”", "<b>", "</b>", "<speak>", "[[",
     "]]", "&amp;", "http://x.org/a?b=1", "$3.5m", "1,000", "2019", "St.", "Dr.", "U.S.",
     "\x00", "\x07", "\u202e", "😀", "مرحبا", "中文", "—", "…", "x" * 80, "*", "|", "```"]
)  # fmt: skip
article_text = st.lists(st.text(max_size=30) | pieces, max_size=40).map("".join)


def read(data: bytes, suffix: str) -> None:
    """Read and script `data` as a file with `suffix`, as the producer does."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_bytes(data)
        try:
            article = read_article(str(path))
        except InputError:
            return
    script = script_article(article)
    for utterance in plan_utterances(script):
        assert len(utterance.text) <= MAX_UTTERANCE_CHARS
        assert "\x00" not in utterance.text
        assert not has_words(utterance.text) or utterance.text.strip() == utterance.text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_text_or_our_input_error(data: bytes) -> None:
    try:
        text = decode(data, "x.txt")
    except InputError:
        return
    assert "\x00" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
@given(body=article_text)
def test_any_text_or_markdown_article_reads_and_scripts_or_is_our_input_error(
    suffix: str, body: str
) -> None:
    read(body.encode("utf-8", "surrogatepass"), suffix)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=article_text)
def test_any_web_page_reads_and_scripts_or_is_our_input_error(body: str) -> None:
    page = f"<html><body><article><h1>Title</h1><p>{body}</p><p>{body}</p></article></body></html>"
    read(page.encode("utf-8", "surrogatepass"), ".html")


# ---------------------------------------------------------------------------------------------
# Invariant: every word of the article is spoken exactly once, in order, whether the article is
# plain text or Markdown, read from a file by `read_article` as the producer reads it. (The
# same property over `parse` alone, for plain text, is in test_scripting.py.)

WORDS = ["ab", "Cd", "Mr.", "U.S.", "e.g.", "3.5", "x,", "why?", "“quoted”", "it's", "1,000"]
block_words = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12)
blocks = st.lists(
    st.tuples(st.sampled_from(["", "## ", "> ", "- ", "1. "]), block_words), min_size=1, max_size=8
)


def spoken_words(path: Path) -> list[str]:
    """The words the episode says between its intro and its outro (headline included)."""
    script = script_article(read_article(str(path)), max_chars=40)
    return [
        word
        for segment in script.segments[1:-1]
        for sentence in segment.sentences
        for word in sentence.text.split()
        if any(char.isalnum() for char in word)
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=blocks)
def test_every_word_of_a_markdown_file_is_spoken_once_in_order(
    blocks: list[tuple[str, list[str]]],
) -> None:
    text = "# Big Headline\n\n" + "\n\n".join(marker + " ".join(w) for marker, w in blocks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.md"
        path.write_text(text + "\n", encoding="utf-8")
        said = spoken_words(path)
    assert said == ["Big", "Headline", *(word for _, w in blocks for word in w)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=st.lists(block_words, min_size=1, max_size=8))
def test_every_word_of_a_text_file_is_spoken_once_in_order(blocks: list[list[str]]) -> None:
    text = "Big Headline\n\n" + "\n\n".join(" ".join(w) for w in blocks)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "article.txt"
        path.write_text(text + "\n", encoding="utf-8")
        said = spoken_words(path)
    assert said == ["Big", "Headline", *(word for w in blocks for word in w)]
