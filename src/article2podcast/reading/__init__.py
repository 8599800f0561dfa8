"""Reading an article: from a file or standard input to an `Article`, by format."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Protocol

from ..errors import InputError
from ..model import Article
from .decoding import decode
from .fetching import fetch, is_url
from .limits import PAGE, TEXT, read_file, read_standard_input
from .plaintext import parse_plaintext


class Parser(Protocol):
    """A reader of one text format (plain text, Markdown)."""

    def __call__(
        self, text: str, fallback_title: str, source: str = "", *, keep_references: bool = False
    ) -> Article: ...


def parse_markdown(
    text: str, fallback_title: str, source: str = "", *, keep_references: bool = False
) -> Article:
    """`markdown.parse_markdown`, imported when first used: markdown-it takes 40 ms to import
    (python -X importtime), which a plain-text article need not spend."""
    from .markdown import parse_markdown

    return parse_markdown(text, fallback_title, source, keep_references=keep_references)


HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PARSERS: dict[str, Parser] = {
    ".txt": parse_plaintext,
    ".text": parse_plaintext,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}
STDIN = "-"
# A page starts (after a byte-order mark, white space, comments or an XML declaration) with
# one of the elements only a whole HTML document starts with; text that merely mentions
# "<html" further on is text.
_HTML_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s|<!--.*?-->|<\?xml[^>]*>)*+"  # possessive: no backtracking
    rb"<(?:!doctype\s+html|html|head|body|meta|title)[\s/>]",
    re.IGNORECASE | re.DOTALL,
)
_SNIFF_BYTES = 65536


def read_article(source: str, *, keep_references: bool = False) -> Article:
    """Read and parse the article at `source` (a path, a URL, or '-' for standard input),
    leaving out its reference apparatus (`reading.apparatus`) unless `keep_references`.

    Standard input is read as a web page when it starts like one, as Markdown when its first
    line is a `# ` headline, else as text.
    """
    keep = keep_references
    if source == STDIN:
        name = "standard input"
        data, size = read_standard_input(max(PAGE.most, TEXT.most))
        if _looks_like_html(data):
            from .html import parse_html

            PAGE.check(name, data, size)
            return _worth_reading(parse_html(data, "Untitled article", STDIN, keep_references=keep))
        TEXT.check(name, data, size)
        text = decode(data, name)
        parser_key = ".md" if text.lstrip().startswith("# ") else ".txt"
        return parse(text, parser_key, "Untitled article", STDIN, keep_references=keep)
    if is_url(source):
        from .html import parse_html

        page = fetch(source, max_bytes=PAGE.most)
        title = _title_from_name(Path(page.url.split("?")[0]))
        article = parse_html(page.data, title, source, charset=page.charset, keep_references=keep)
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
    limit = PAGE if parser_key in HTML_SUFFIXES else TEXT
    data, size = read_file(path, limit.most, "an article file")
    limit.check(source, data, size)
    if parser_key in HTML_SUFFIXES:
        from .html import parse_html

        # Bytes, not text: the page's own charset declaration decides its encoding.
        return _worth_reading(
            parse_html(data, _title_from_name(path), source, keep_references=keep)
        )
    text = decode(data, source)
    return parse(text, parser_key, _title_from_name(path), source, keep_references=keep)


def _looks_like_html(data: bytes) -> bool:
    return _HTML_START.match(data[:_SNIFF_BYTES]) is not None


def parse(
    text: str, parser_key: str, fallback_title: str, source: str, *, keep_references: bool = False
) -> Article:
    """Parse decoded text with the parser for `parser_key`; reject articles with nothing to say."""
    parser = PARSERS[parser_key]
    return _worth_reading(parser(text, fallback_title, source, keep_references=keep_references))


def _worth_reading(article: Article) -> Article:
    """`article`, unless it has no words to read."""
    source = article.source
    if not any(any(c.isalnum() for c in block.text) for block in article.blocks) and not (
        article.title_in_text and any(c.isalnum() for c in article.title)
    ):
        name = "standard input" if source == STDIN else source
        raise InputError(f"{name} has no words to read; give an article with some text in it")
    text = "".join(block.text for block in article.blocks).encode()
    TEXT.check("standard input" if source == STDIN else source, text, len(text))
    return article


def _title_from_name(path: Path) -> str:
    words = path.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "Untitled article"
