"""Plain-text articles: headline on the first line, paragraphs separated by blank lines."""

from __future__ import annotations

import re

from ..model import Article, Block

# A subheading is a short line standing alone that does not end like a sentence.
_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 14
_SENTENCE_END = re.compile(r"[.!?…:;,]['\"”’)\]]*$")
_LIST_MARKER = re.compile(r"^(?:[-*•–]|\d{1,3}[.)])\s+")
_QUOTE_MARKER = re.compile(r"^>\s?")
# Lines at most this long in a file whose paragraphs are blank-line separated are taken as
# hard-wrapped: a single newline there continues the paragraph.
_WRAPPED_LINE_MAX = 100
_TITLE_MAX_CHARS = 200


def parse_plaintext(text: str, fallback_title: str, source: str = "") -> Article:
    """Read an article from plain text in the shape of the bundled sample."""
    lines = [line.strip() for line in text.split("\n")]
    blocks = _split_blocks(lines)
    if not blocks:
        return Article(title=fallback_title, blocks=(), title_in_text=False, source=source)
    first_line = blocks[0][0]
    stands_alone = len(blocks[0]) == 1
    if len(first_line) <= _TITLE_MAX_CHARS and (
        stands_alone or not _SENTENCE_END.search(first_line)
    ):
        title, title_in_text = first_line, True
        body = blocks[1:] if stands_alone else [blocks[0][1:], *blocks[1:]]
    else:
        title, body, title_in_text = fallback_title, blocks, False
    has_blank_lines = len(blocks) > 1
    wrapped = has_blank_lines and max(len(line) for line in lines) <= _WRAPPED_LINE_MAX
    parsed: list[Block] = []
    for block_lines in body:
        parsed.extend(_parse_block(block_lines, wrapped))
    return Article(title=title, blocks=tuple(parsed), title_in_text=title_in_text, source=source)


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


def _parse_block(lines: list[str], wrapped: bool) -> list[Block]:
    if all(_QUOTE_MARKER.match(line) for line in lines):
        inner = [_QUOTE_MARKER.sub("", line) for line in lines]
        return [Block("quote", _join(inner))] if any(inner) else []
    if any(_LIST_MARKER.match(line) for line in lines):
        return _parse_list(lines)
    if len(lines) == 1 and _is_heading(lines[0]):
        return [Block("heading", lines[0])]
    if wrapped:
        return [Block("paragraph", _join(lines))]
    return [_paragraph_or_heading(line) for line in lines]


def _parse_list(lines: list[str]) -> list[Block]:
    items: list[list[str]] = []
    for line in lines:
        marker = _LIST_MARKER.match(line)
        if marker or not items:
            items.append([line[marker.end() :] if marker else line])
        else:
            items[-1].append(line)  # a wrapped continuation of the item
    return [Block("list_item", _join(item)) for item in items if _join(item)]


def _paragraph_or_heading(line: str) -> Block:
    return Block("heading", line) if _is_heading(line) else Block("paragraph", line)


def _is_heading(line: str) -> bool:
    return (
        len(line) <= _HEADING_MAX_CHARS
        and len(line.split()) <= _HEADING_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and any(c.isalpha() for c in line)
    )


def _join(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())
