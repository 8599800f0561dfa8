"""Markdown articles, parsed by markdown-it-py (CommonMark): `#` headline, `##` subheadings."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..model import Article, Block, BlockKind

# Inline tokens whose content is read aloud; images, HTML and code fences are not.
_READ_INLINE = {"text", "code_inline"}
_BREAKS = {"softbreak", "hardbreak"}
# YAML (---) or TOML (+++) front matter at the top of a static-site page: metadata, not prose.
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n.*?\n\1[ \t]*(\n|\Z)", re.DOTALL)


def parse_markdown(text: str, fallback_title: str, source: str = "") -> Article:
    """Read an article from Markdown: the first level-1 heading is the headline."""
    tokens = MarkdownIt("commonmark").enable("table").parse(_FRONT_MATTER.sub("", text, count=1))
    title: str | None = None
    blocks: list[Block] = []
    quote_depth = 0
    list_depth = 0
    table_depth = 0
    pending: BlockKind | None = None
    for token in tokens:
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif token.type in ("table_open", "table_close"):
            table_depth += 1 if token.type == "table_open" else -1
        elif table_depth:
            continue  # tables are left out of the narration
        elif token.type == "heading_open":
            pending = "heading" if token.tag != "h1" or title is not None else None
            if pending is None:
                title = ""
        elif token.type == "paragraph_open":
            pending = "quote" if quote_depth else "list_item" if list_depth else "paragraph"
        elif token.type == "inline":
            words = _inline_text(token)
            if title == "" and pending is None:
                title = words
            elif words:
                blocks.append(Block(pending or "paragraph", words))
            pending = None
        # Code blocks, HTML blocks and rules are left out of the narration too.
    hrefs = (
        str(child.attrs.get("href", ""))
        for token in tokens
        for child in token.children or ()
        if child.type == "link_open"
    )
    links = tuple(href for href in hrefs if href.startswith(("http://", "https://")))
    if title:
        return Article(title=title, blocks=tuple(blocks), source=source, links=links)
    return Article(
        title=fallback_title, blocks=tuple(blocks), title_in_text=False, source=source, links=links
    )


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type in _READ_INLINE:
            parts.append(child.content)
        elif child.type in _BREAKS or child.type in ("image", "html_inline"):
            parts.append(" ")  # "line<br>next", "see![logo](l.png)here" are separate words
        # Images (alt text), raw HTML and link targets are not read.
    return " ".join("".join(parts).split())
