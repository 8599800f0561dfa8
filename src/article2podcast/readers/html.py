"""Web pages: the article, and only the article, extracted by trafilatura.

trafilatura was chosen by measurement on the saved sample pages (words spoken against the
article as a listener should hear it; README "Web pages"): it keeps the article's structure
(headings, paragraphs, block quotes, lists) as Markdown, which the Markdown reader then reads
like any other article, and it leaves out navigation, share prompts, comments, captions and
tables. Links are read as their text and kept for the show notes.
"""

from __future__ import annotations

import re

from ..errors import InputError
from ..model import Article, Page
from .decoding import decode
from .markdown import parse_markdown

# Less than this is a menu, a cookie wall or an error page, not an article.
MIN_ARTICLE_WORDS = 25
_LINK = re.compile(r"\[([^\]]*)\]\((https?://[^)\s]+)[^)]*\)")


def parse_html(data: bytes, fallback_title: str, source: str) -> Article:
    """The article in a web page's HTML, with what the page says about it."""
    name = "standard input" if source == "-" else source
    decode(data, name)  # refuses empty and binary files with the usual messages
    import trafilatura

    markdown = trafilatura.extract(
        data,
        output_format="markdown",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=True,
        deduplicate=True,
    )
    if not markdown or len(markdown.split()) < MIN_ARTICLE_WORDS:
        raise InputError(
            f"{name}: no article found in this page; save the article's own page, or copy "
            "its text into a .txt file"
        )
    metadata = trafilatura.extract_metadata(data)
    title = (metadata.title if metadata and metadata.title else "").strip()
    links = tuple(dict.fromkeys(match.group(2) for match in _LINK.finditer(markdown)))
    markdown = _LINK.sub(r"\1", markdown)
    if title and not markdown.lstrip().startswith("# "):
        markdown = f"# {title}\n\n{markdown}"
    article = parse_markdown(markdown, title or fallback_title, source)
    page = Page(
        author=_text(metadata, "author"),
        date=_text(metadata, "date"),
        site=_text(metadata, "sitename"),
        url=_text(metadata, "url"),
        language=_text(metadata, "language") or _declared_language(data),
        image=_text(metadata, "image"),
    )
    return Article(
        title=article.title,
        blocks=article.blocks,
        title_in_text=article.title_in_text,
        source=source,
        links=article.links + links,
        page=page,
    )


_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.I)


def _declared_language(data: bytes) -> str | None:
    """The language the page declares on its <html> element (`lang`), if any."""
    match = _HTML_LANG.search(data[:65536])
    return match.group(1).decode() if match else None


def _text(metadata: object, field: str) -> str | None:
    value = getattr(metadata, field, None) if metadata is not None else None
    return str(value).strip() or None if value else None
