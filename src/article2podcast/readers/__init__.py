"""Reading an article: from a file or standard input to an `Article`, by format."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from ..files import read_user_file
from ..model import Article
from .decoding import decode
from .markdown import parse_markdown
from .plaintext import parse_plaintext

Parser = Callable[[str, str, str], Article]
PARSERS: dict[str, Parser] = {
    ".txt": parse_plaintext,
    ".text": parse_plaintext,
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}
STDIN = "-"


def read_article(source: str) -> Article:
    """Read and parse the article at `source` (a path, or '-' for standard input).

    Standard input is read as Markdown when its first line is a `# ` headline, else as text.
    """
    if source == STDIN:
        text = decode(sys.stdin.buffer.read(), "standard input")
        parser_key = ".md" if text.lstrip().startswith("# ") else ".txt"
        return parse(text, parser_key, "Untitled article", STDIN)
    path = Path(source)
    parser_key = path.suffix.lower()
    if parser_key not in PARSERS:
        raise InputError(
            f"{source}: unsupported file type {path.suffix or '(none)'!r}; "
            f"give one of {', '.join(sorted(PARSERS))} or '-' for standard input"
        )
    data = read_user_file(path, "an article file")
    return parse(decode(data, source), parser_key, _title_from_name(path), source)


def parse(text: str, parser_key: str, fallback_title: str, source: str) -> Article:
    """Parse decoded text with the parser for `parser_key`; reject articles with nothing to say."""
    article = PARSERS[parser_key](text, fallback_title, source)
    if not any(any(c.isalnum() for c in block.text) for block in article.blocks) and not (
        article.title_in_text and any(c.isalnum() for c in article.title)
    ):
        name = "standard input" if source == STDIN else source
        raise InputError(f"{name} has no words to read; give an article with some text in it")
    return article


def _title_from_name(path: Path) -> str:
    words = path.stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else "Untitled article"
