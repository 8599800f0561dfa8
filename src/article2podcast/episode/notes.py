"""Show notes: `<stem>.md` with the headline, the chapters with their times, and the links
(labelled in the article's language).

Pure. The audio does not read URLs aloud; the notes keep them.

Everything the notes embed comes from the article or the command line, so it is written as
text, whatever Markdown renderer shows it: `<>&"` as HTML character references (so no tag or
attribute survives, even in a renderer that passes HTML through), Markdown's inline syntax
behind backslashes (no emphasis, link, image or code span), and no line break. Links are
http(s) only, written as autolinks with the characters an autolink cannot hold encoded.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Sequence

from ..model import Article
from ..scripting.framing import framing
from .chapters import Chapter

_URL = re.compile(r"\bhttps?://[^\s<>\"“”')\]]+[^\s<>\"“”')\].,;:!?]")
_REFERENCES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_INLINE_SYNTAX = frozenset("\\`*_[]{}#!|~$")
"""What makes emphasis, a link, an image, a code span, a heading's closing sequence, a table
cell, an attribute list or math (a backslash before any of them is shown as the character)."""
_LIST_NUMBER = re.compile(r"^(\d+)([.)])")
_NOT_IN_AUTOLINK = re.compile(
    r"[\s\x00-\x1f\x7f-\x9f<>\"\\^`{|}\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
"""What an autolink cannot hold (space, controls, `<>`), what RFC 3986 leaves out of a URL, and
the invisible characters that would make a link look like another."""


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
    article: Article,
    chapters: Sequence[Chapter],
    *,
    show: str,
    duration_ms: int,
    language: str = "en",
) -> str:
    """The show notes in Markdown, labelled in `language` (see `framing`)."""
    words = framing(language)
    show_line = f"*{text(show)}* · " if show.strip() else ""
    lines = [f"# {text(article.title)}", "", f"{show_line}{clock(duration_ms)}", ""]
    page = article.page
    if page and (page.author or page.site or page.date):
        byline = ", ".join(text(part) for part in (page.author, page.site, page.date) if part)
        lines += [words.byline.format(byline=byline) if page.author else f"{_line_start(byline)}."]
        lines += [""]
    source = autolink(page.url) if page and page.url else None
    if source:
        lines += [f"{words.source} {source}", ""]
    elif article.source and article.source != "-":
        lines += [words.read_from_file.format(name=text(article.source.rsplit("/", 1)[-1])), ""]
    lines += [f"## {words.chapters}", ""]
    lines += [f"- {clock(chapter.start_ms)} {text(chapter.title)}" for chapter in chapters]
    links = [link for link in map(autolink, links_in(article)) if link]
    if links:
        lines += ["", f"## {words.links}", ""]
        lines += [f"- {link}" for link in dict.fromkeys(links)]
    return "\n".join(lines) + "\n"


def text(value: str) -> str:
    """`value` as Markdown text on one line that renders as exactly itself."""
    return "".join(
        _REFERENCES.get(char) or ("\\" + char if char in _INLINE_SYNTAX else char)
        for char in " ".join(value.split())
    )


def _line_start(markdown: str) -> str:
    """`markdown` made safe to open a line: not a list item or a rule (`text` did the rest)."""
    if markdown[:1] in ("-", "+"):
        return "\\" + markdown
    return _LIST_NUMBER.sub(r"\1\\\2", markdown)


def autolink(url: str) -> str | None:
    """`url` as a Markdown autolink, if it is an http(s) URL with a host; else None."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:  # such as an unclosed IPv6 bracket
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    encoded = _NOT_IN_AUTOLINK.sub(lambda match: urllib.parse.quote(match.group()), parts.geturl())
    return f"<{encoded}>"
