"""Scripting: the article becomes intro, headline, body segments and outro."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from article2podcast.model import Article, Block
from article2podcast.reading import parse
from article2podcast.scripting.segments import script_article
from conftest import BUNDLED_SAMPLE


def words(text: str) -> list[str]:
    """The words of `text` that have something to say (a letter or a digit)."""
    return [w for w in text.split() if any(c.isalnum() for c in w)]


def body_words(script):  # type: ignore[no-untyped-def]
    """The article's words the episode reads between the intro and the outro (headline
    included), as written."""
    return [
        word
        for segment in script.segments[1:-1]
        for sentence in segment.sentences
        for word in words(sentence.text)
    ]


def test_segments_run_intro_title_body_outro() -> None:
    article = Article("Head", (Block("paragraph", "One. Two."), Block("heading", "Sub")))
    kinds = [s.kind for s in script_article(article).segments]
    assert kinds == ["intro", "title", "paragraph", "heading", "outro"]


def test_the_show_name_is_spoken_in_intro_and_outro() -> None:
    script = script_article(Article("Head", (Block("paragraph", "x."),)), show="Night Reads")
    assert "Night Reads" in script.segments[0].text
    assert "Night Reads" in script.segments[-1].text


def test_a_made_up_title_is_not_read_aloud() -> None:
    article = Article("from-file-name", (Block("paragraph", "Text."),), title_in_text=False)
    assert [s.kind for s in script_article(article).segments] == ["intro", "paragraph", "outro"]


def test_block_quotes_and_quoted_paragraphs_are_quotes() -> None:
    article = Article(
        "Head",
        (
            Block("quote", "Set apart."),
            Block("paragraph", "“All of this is a quotation.”"),
            Block("paragraph", '"Part quote," she said. "Part not."'),
        ),
    )
    kinds = [s.kind for s in script_article(article).segments[2:-1]]
    assert kinds == ["quote", "quote", "paragraph"]


def test_every_word_of_the_sample_is_spoken_once_in_order() -> None:
    text = BUNDLED_SAMPLE.read_text(encoding="utf-8")
    script = script_article(parse(text, ".txt", "F", "sample.txt"))
    assert body_words(script) == words(text)


def test_sentences_without_words_are_not_narrated() -> None:
    article = Article(
        "Head", (Block("paragraph", "* * *"), Block("paragraph", "Real."), Block("quote", "😀"))
    )
    segments = script_article(article).segments
    assert [s.kind for s in segments] == ["intro", "title", "paragraph", "outro"]
    assert [t.text for t in segments[2].sentences] == ["Real."]


def test_the_pieces_are_the_spoken_form_of_the_sentence() -> None:
    article = Article("Head", (Block("paragraph", "Mr. Lee paid $10 in 2020."),))
    sentence = script_article(article).segments[2].sentences[0]
    assert sentence.text == "Mr. Lee paid $10 in 2020."
    assert sentence.spoken == "Mister Lee paid ten dollars in twenty twenty."
    assert " ".join(sentence.pieces) == sentence.spoken


def test_no_utterance_exceeds_the_bound() -> None:
    article = Article("Head", (Block("paragraph", "word, " * 500),))
    script = script_article(article, max_chars=120)
    assert all(len(p) <= 120 for s in script.segments for t in s.sentences for p in t.pieces)


# Words, spaces, punctuation and line breaks; no list or quote markers, which are not words.
article_text = st.lists(
    st.sampled_from(
        [
            "ab",
            "Cd",
            "Mr.",
            "U.S.",
            "e.g.",
            "3.5",
            "x",
            " ",
            " ",
            "\n",
            "\n\n",
            ".",
            ",",
            "!",
            "?",
            '"',
            "'",
            "“",
            "”",
            "—",
            "…",
            "\t",
            ";",
        ]
    ),
    max_size=80,
).map("".join)


@given(article_text)
def test_every_word_of_any_text_article_is_spoken_once_in_order(body: str) -> None:
    text = "Headline\n\n" + body
    article = parse(text, ".txt", "F", "a.txt")
    script = script_article(article, max_chars=40)
    assert body_words(script) == words(text)


MARKER = re.compile(r"^(?:[-*•>]|\d{1,3}[.)])$")
marked_text = st.lists(
    st.sampled_from(["ab", "Cd", "5.", "12)", "- ", "* ", "> ", ">", " ", "\n", "\n\n", ".", ","]),
    max_size=60,
).map("".join)


@given(marked_text)
def test_only_list_and_quote_markers_are_ever_left_out(body: str) -> None:
    """Every word is said in order; what is not said is a list bullet or a quote marker."""
    text = "Headline\n\n" + body
    said = [
        w.lstrip(">") or ">" for w in body_words(script_article(parse(text, ".txt", "F", "a.txt")))
    ]
    written = [w.lstrip(">") or ">" for w in text.split() if w.lstrip(">") == "" or words(w)]
    position = 0
    for word in said:
        skipped = []
        while written[position] != word:
            skipped.append(written[position])
            position += 1
        assert all(MARKER.match(w) for w in skipped), (skipped, word)
        position += 1
    assert all(MARKER.match(w) for w in written[position:])
