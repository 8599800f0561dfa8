"""Markdown articles, parsed by markdown-it-py (CommonMark): `#` headline, `##` subheadings."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from ..model import Article, Block, BlockKind
from .apparatus import NOTHING, Skipped, drop_footnote_definitions, skip_apparatus, strip_marks

# Inline tokens whose content is read aloud; images, HTML and code fences are not.
_READ_INLINE = {"text", "code_inline"}
_BREAKS = {"softbreak", "hardbreak"}
# YAML (---) or TOML (+++) front matter at the top of a static-site page: metadata, not prose.
_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n.*?\n\1[ \t]*(\n|\Z)", re.DOTALL)
# markdown-it drops everything nested deeper than its `maxNesting` (20 levels: 20 quotes, 10
# lists); from this level on, the text is read as paragraphs at that depth instead. A list
# opens two levels at once, so this leaves room for one more.
_DEEPEST = 18
# The quote, list and heading markers left at the start of a line read at the deepest level;
# a list item or a heading starts a paragraph of its own.
_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[-+*]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$))*[ \t]*")
_NEW_BLOCK = re.compile(r"^(?:[ \t]*>)*[ \t]*(?:[-+*]|\d{1,9}[.)]|#{1,6})(?=[ \t]|$)")


class _Reader(MarkdownIt):
    """CommonMark with tables, for reading aloud."""

    def __init__(self) -> None:
        super().__init__("commonmark")
        self.enable("table")
        self.block.ruler.before("table", "too_deep", _too_deep)

    def validateLink(self, url: str) -> bool:
        # Whatever the target (javascript:, file:, data:), a link is read as its text and an
        # image not at all: targets are never opened, and unvalidated ones would be read
        # aloud as raw Markdown.
        return True


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Read what is nested beyond `_DEEPEST` as paragraphs at that level."""
    if state.level < _DEEPEST:
        return False
    line = start
    lines: list[str] = []
    while line < end and not state.isEmpty(line) and state.sCount[line] >= state.blkIndent:
        raw = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        text = _MARKERS.sub("", raw)
        if lines and (not text or _NEW_BLOCK.match(raw)):
            break  # a blank quote line ends the paragraph; an item starts the next one
        if text:
            lines.append(text)
        line += 1
    if silent:
        return True
    state.line = line
    token = state.push("paragraph_open", "p", 1)
    token.map = [start, line]
    token = state.push("inline", "", 0)
    token.content = "\n".join(lines)
    token.map = [start, line]
    token.children = []
    state.push("paragraph_close", "p", -1)
    return True


def parse_markdown(
    text: str,
    fallback_title: str,
    source: str = "",
    *,
    keep_references: bool = False,
    skipped: Skipped = NOTHING,
) -> Article:
    """Read an article from Markdown: the first level-1 heading is the headline. Without its
    reference apparatus unless `keep_references`; `skipped`: what was left out before (from
    the web page this Markdown was extracted from)."""
    text = _FRONT_MATTER.sub("", text, count=1)
    marks: list[str] | None = None
    if not keep_references:
        text, notes = drop_footnote_definitions(text)
        skipped += notes
        marks = []
    article = _parse(text, fallback_title, source, marks)
    if marks is None:
        return article
    return skip_apparatus(article, skipped + Skipped(tuple(marks)), strip=False)


def _parse(text: str, fallback_title: str, source: str, marks: list[str] | None) -> Article:
    """The article in `text`; with `marks`, its citation marks are taken out of the text
    (not out of code) and kept there."""
    tokens = _Reader().parse(text)
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
            words = _inline_text(token, marks)
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


def _inline_text(token: Token, marks: list[str] | None) -> str:
    parts: list[str] = []
    for child in token.children or ():
        if child.type == "text" and marks is not None:
            text, found = strip_marks(child.content, after="".join(parts[-3:]))
            parts.append(text)
            marks += found
        elif child.type in _READ_INLINE:
            parts.append(child.content)
        elif child.type in _BREAKS or child.type in ("image", "html_inline"):
            parts.append(" ")  # "line<br>next", "see![logo](l.png)here" are separate words
        # Images (alt text), raw HTML and link targets are not read.
    return " ".join("".join(parts).split())
