"""Plain-text articles: headline, subheadings, paragraphs, quotes and lists."""

from __future__ import annotations

from article2podcast.model import Block
from article2podcast.reading.plaintext import parse_plaintext
from conftest import BUNDLED_SAMPLE


def parse(text: str):  # type: ignore[no-untyped-def]
    return parse_plaintext(text, "Fallback", "a.txt")


def test_the_first_line_is_the_headline() -> None:
    article = parse("The Headline\n\nFirst paragraph.\n")
    assert article.title == "The Headline"
    assert article.title_in_text
    assert article.blocks == (Block("paragraph", "First paragraph."),)


def test_a_short_line_without_final_punctuation_is_a_subheading() -> None:
    article = parse("Title\n\nOne.\n\nWhat happened next\n\nTwo.\n")
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "paragraph"]


def test_the_sample_articles_subheading_is_found() -> None:
    article = parse(BUNDLED_SAMPLE.read_text(encoding="utf-8"))
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == ["John Legend says music was 'healing' for him"]
    assert article.title.startswith("John Legend Shares How")
    assert sum(b.kind == "paragraph" for b in article.blocks) == 5


def test_single_newlines_separate_long_paragraphs() -> None:
    long_a = "A " * 60 + "end."
    long_b = "B " * 60 + "end."
    article = parse(f"Title\n{long_a}\n{long_b}\n")
    assert [b.text for b in article.blocks] == [" ".join(long_a.split()), " ".join(long_b.split())]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "Title\n\nThis paragraph was wrapped\nat a narrow width by an editor.\n\n"
        "A second one\nalso wrapped.\n"
    )
    article = parse(text)
    assert [b.text for b in article.blocks] == [
        "This paragraph was wrapped at a narrow width by an editor.",
        "A second one also wrapped.",
    ]


def test_quote_and_list_markers_are_recognised() -> None:
    text = (
        "Title\n\n> To be or not to be.\n> That is the question.\n\n- first item\n- second item\n"
    )
    article = parse(text)
    assert article.blocks == (
        Block("quote", "To be or not to be. That is the question."),
        Block("list_item", "first item"),
        Block("list_item", "second item"),
    )


def test_a_long_first_paragraph_is_not_taken_for_a_headline() -> None:
    body = "This article starts right away with a long sentence. " * 6
    article = parse(body + "\n\nMore.\n")
    assert article.title == "Fallback"
    assert not article.title_in_text
    assert article.blocks[0].text == " ".join(body.split())


def test_markdown_style_headings_in_a_text_file_lose_their_hashes() -> None:
    article = parse("# The Title\n\n## A Section ##\n\nText.\n")
    assert article.title == "The Title"
    assert article.blocks[0] == Block("heading", "A Section")
