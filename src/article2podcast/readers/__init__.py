"""Reading an article: from a file or standard input to an `Article`, by format."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..fetching import fetch, is_url
from ..files import read_user_file
from ..model import Article
from .decoding import decode
from .html import parse_html
from .markdown import parse_markdown
from .plaintext import parse_plaintext

Parser = Callable[[str, str, str], Article]
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PARSERS: dict[str, Parser] = {
    ".txt": parse_plaintext,
    ".text": parse_plaintext,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}
STDIN = "-"
MAX_TEXT_BYTES = 5 * 1024 * 1024
"""The longest text read: about 800,000 words, 90 hours of audio (War and Peace is 3.2 MB)."""


def read_article(source: str) -> Article:
    """Read and parse the article at `source` (a path, or '-' for standard input).

    Standard input is read as Markdown when its first line is a `# ` headline, else as text.
    """
    if source == STDIN:
        data = sys.stdin.buffer.read()
        if _looks_like_html(data):
            return _worth_reading(parse_html(data, "Untitled article", STDIN))
        _check_size(len(data), "standard input")
        text = decode(data, "standard input")
        parser_key = ".md" if text.lstrip().startswith("# ") else ".txt"
        return parse(text, parser_key, "Untitled article", STDIN)
    if is_url(source):
        page = fetch(source)
        article = parse_html(page.data, _title_from_name(Path(page.url.split("?")[0])), source)
        if article.page is not None and article.page.url is None:
            article = dataclasses.replace(
                article, page=dataclasses.replace(article.page, url=page.url)
            )
        return _worth_reading(article)
    path = Path(source)
    parser_key = path.suffix.lower()
    if parser_key not in PARSERS and parser_key not in HTML_SUFFIXES:
        known = sorted([*PARSERS, *HTML_SUFFIXES])
        raise InputError(
            f"{source}: unsupported file type {path.suffix or '(none)'!r}; "
            f"give one of {', '.join(known)} or '-' for standard input"
        )
    data = read_user_file(path, "an article file")
    if parser_key in HTML_SUFFIXES:
        # Bytes, not text: the page's own charset declaration decides its encoding.
        return _worth_reading(parse_html(data, _title_from_name(path), source))
    _check_size(len(data), source)
    return parse(decode(data, source), parser_key, _title_from_name(path), source)


def _check_size(size: int, name: str) -> None:
    if size > MAX_TEXT_BYTES:
        raise InputError(
            f"{name} is {size / 1024**2:.1f} MB; article2podcast reads up to "
            f"{MAX_TEXT_BYTES // 1024**2} MB of text (about 800,000 words, 90 hours of audio); "
            "split it into parts"
        )


def _looks_like_html(data: bytes) -> bool:
    start = data.lstrip()[:512].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:200]


def parse(text: str, parser_key: str, fallback_title: str, source: str) -> Article:
    """Parse decoded text with the parser for `parser_key`; reject articles with nothing to say."""
    return _worth_reading(PARSERS[parser_key](text, fallback_title, source))


def _worth_reading(article: Article) -> Article:
    """`article`, unless it has no words to read."""
    source = article.source
    if not any(any(c.isalnum() for c in block.text) for block in article.blocks) and not (
        article.title_in_text and any(c.isalnum() for c in article.title)
    ):
        name = "standard input" if source == STDIN else source
        raise InputError(f"{name} has no words to read; give an article with some text in it")
    text_bytes = sum(len(block.text.encode()) for block in article.blocks)
    _check_size(text_bytes, "standard input" if source == STDIN else source)
    return article


def _title_from_name(path: Path) -> str:
    words = path.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "Untitled article"
