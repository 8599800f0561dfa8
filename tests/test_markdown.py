"""Markdown articles, read through a CommonMark parser."""

from __future__ import annotations

from article2podcast.model import Block
from article2podcast.reading.markdown import parse_markdown

DOC = """# The *Big* Story

Intro paragraph with a [link](https://example.com) and `code`.

## A Section

> A block quote
> over two lines.

- item one
- item **two**

| a | b |
|---|---|
| 1 | 2 |

```
code block not read
```

![an image](pic.png)
"""


def test_structure_and_inline_text_are_kept_and_markup_dropped() -> None:
    article = parse_markdown(DOC, "Fallback", "a.md")
    assert article.title == "The Big Story"
    assert article.blocks == (
        Block("paragraph", "Intro paragraph with a link and code."),
        Block("heading", "A Section"),
        Block("quote", "A block quote over two lines."),
        Block("list_item", "item one"),
        Block("list_item", "item two"),
    )


def test_without_a_level_one_heading_the_fallback_title_is_used() -> None:
    article = parse_markdown("Just text.\n\n## Part\n\nMore.", "My File", "a.md")
    assert article.title == "My File"
    assert not article.title_in_text
    assert [b.kind for b in article.blocks] == ["paragraph", "heading", "paragraph"]


def test_a_second_level_one_heading_is_a_subheading() -> None:
    article = parse_markdown("# One\n\n# Two\n\nText.", "F", "a.md")
    assert article.title == "One"
    assert article.blocks[0] == Block("heading", "Two")


def test_inline_html_and_images_separate_words() -> None:
    article = parse_markdown(
        "# T\n\nFirst line<br>second line. Look![logo](l.png)here.", "F", "a.md"
    )
    assert article.blocks == (Block("paragraph", "First line second line. Look here."),)


def test_front_matter_is_not_read() -> None:
    article = parse_markdown(
        "---\ntitle: Hello\ndate: 2024-01-01\n---\n# Real\n\nBody.", "F", "a.md"
    )
    assert article.title == "Real"
    assert article.blocks == (Block("paragraph", "Body."),)
