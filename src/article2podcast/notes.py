"""Show notes: `<stem>.md` with the headline, the chapters with their times, and the links.

Pure. The audio does not read URLs aloud; the notes keep them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .chapters import Chapter
from .model import Article

_URL = re.compile(r"\bhttps?://[^\s<>\"“”')\]]+[^\s<>\"“”')\].,;:!?]")


def clock(ms: int) -> str:
    """A chapter time as podcast apps show it: M:SS, or H:MM:SS from an hour."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def links_in(article: Article) -> list[str]:
    """The URLs the article contains, in order, each once."""
    found: dict[str, None] = {}
    for link in article.links:
        found.setdefault(link, None)
    for text in (article.title, *(block.text for block in article.blocks)):
        for match in _URL.finditer(text):
            found.setdefault(match.group(), None)
    return list(found)


def render_notes(
    article: Article, chapters: Sequence[Chapter], *, show: str, duration_ms: int
) -> str:
    """The show notes in Markdown."""
    lines = [f"# {article.title}", "", f"*{show}* · {clock(duration_ms)}", ""]
    page = article.page
    if page and (page.author or page.site or page.date):
        byline = ", ".join(part for part in (page.author, page.site, page.date) if part)
        lines += [f"By {byline}." if page.author else f"{byline}.", ""]
    if page and page.url:
        lines += [f"Source: <{page.url}>", ""]
    elif article.source and article.source != "-":
        lines += [f"Read from `{article.source.rsplit('/', 1)[-1]}`.", ""]
    lines += ["## Chapters", ""]
    lines += [f"- {clock(chapter.start_ms)} {chapter.title}" for chapter in chapters]
    links = links_in(article)
    if links:
        lines += ["", "## Links", ""]
        lines += [f"- <{link}>" for link in links]
    return "\n".join(lines) + "\n"
