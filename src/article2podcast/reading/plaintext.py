"""Plain-text articles: headline on the first line, paragraphs separated by blank lines."""

from __future__ import annotations

import re

from ..model import Article, Block
from .apparatus import NOTHING, prepare_plaintext, skip_apparatus

# A subheading is a short line standing alone that does not end like a sentence.
_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 14
_SENTENCE_END = re.compile(r"[.!?…:;,]['\"”’)\]]*$")
_LIST_MARKER = re.compile(r"^(?:[-*•]|\d{1,3}[.)])\s+")
_QUOTE_MARKER = re.compile(r"^(?:>\s?)+")  # "> > nested" is quoted text too
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*\w.*?)\s*#*$")
# A block of several lines, none longer than this, is a hard-wrapped paragraph: its line
# breaks are not paragraph breaks.
_WRAPPED_LINE_MAX = 100
_TITLE_MAX_CHARS = 200
# Short heading-like lines in a row are a list, not subheadings, from this many on (or after
# a line ending with a colon).
_LIST_RUN = 3


def parse_plaintext(
    text: str, fallback_title: str, source: str = "", *, keep_references: bool = False
) -> Article:
    """Read an article from plain text in the shape of the bundled sample; without its
    reference apparatus unless `keep_references`."""
    skipped = NOTHING
    if not keep_references:
        # Before the layout is read: "He left.[3]" ends like a sentence only without its mark.
        text, skipped = prepare_plaintext(text)
    blocks = _split_blocks([line.strip() for line in text.split("\n")])
    title, body = _take_title(blocks)
    parsed = [block for lines in body for block in _parse_block(lines)]
    article = Article(
        title=title or fallback_title,
        blocks=tuple(_lists_from_heading_runs(parsed)),
        title_in_text=title is not None,
        source=source,
    )
    return article if keep_references else skip_apparatus(article, skipped, strip=False)


def _split_blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _take_title(blocks: list[list[str]]) -> tuple[str | None, list[list[str]]]:
    """The headline (the first line, when it looks like one) and the blocks after it."""
    if not blocks or len(blocks[0][0]) > _TITLE_MAX_CHARS:
        return None, blocks
    first = blocks[0]
    if len(first) == 1:
        marked = _MARKDOWN_HEADING.match(first[0])
        return (marked.group(1) if marked else first[0]), blocks[1:]
    if not _is_wrapped(first) and not _SENTENCE_END.search(first[0]):
        return first[0], [first[1:], *blocks[1:]]
    return None, blocks  # the file opens with a paragraph


def _parse_block(lines: list[str]) -> list[Block]:
    if len(lines) == 1 and (marked := _MARKDOWN_HEADING.match(lines[0])):
        return [Block("heading", marked.group(1))]  # "## Heading" in a .txt
    if all(_QUOTE_MARKER.match(line) for line in lines):
        inner = [_QUOTE_MARKER.sub("", line) for line in lines]
        return [Block("quote", _join(inner))] if any(inner) else []
    if _LIST_MARKER.match(lines[0]):
        return _parse_list(lines)
    if len(lines) == 1 and _is_heading(lines[0]):
        return [Block("heading", lines[0])]
    if _is_wrapped(lines):
        return [Block("paragraph", _join(lines))]
    # Long lines with single line breaks: one paragraph (or subheading) per line.
    return [Block("heading" if _is_heading(line) else "paragraph", line) for line in lines]


def _parse_list(lines: list[str]) -> list[Block]:
    items: list[list[str]] = []
    for line in lines:
        marker = _LIST_MARKER.match(line)
        if marker:
            items.append([line[marker.end() :]])
        else:
            items[-1].append(line)  # a wrapped continuation of the item
    return [Block("list_item", _join(item)) for item in items if _join(item)]


def _lists_from_heading_runs(blocks: list[Block]) -> list[Block]:
    """Turn runs of subheadings that are really a list (one item per line) into list items."""
    result = list(blocks)
    start = 0
    while start < len(result):
        end = start
        while end < len(result) and result[end].kind == "heading":
            end += 1
        introduced = start > 0 and result[start - 1].text.endswith(":")
        if end - start >= _LIST_RUN or (end > start and introduced):
            for i in range(start, end):
                result[i] = Block("list_item", result[i].text)
        start = max(end, start + 1)
    return result


def _is_wrapped(lines: list[str]) -> bool:
    return len(lines) > 1 and all(len(line) <= _WRAPPED_LINE_MAX for line in lines)


def _is_heading(line: str) -> bool:
    return (
        len(line) <= _HEADING_MAX_CHARS
        and len(line.split()) <= _HEADING_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and any(c.isalpha() for c in line)
    )


def _join(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())
