"""What the feed says of an episode: a description of whole sentences, and HTML show notes.

Pure: from an episode's manifest. Everything here comes from the article, so it is untrusted:
the show notes are HTML built from escaped text and http(s) links only, in the few tags every
podcast app keeps (`p`, `ul`, `li`, `a`), and the caller escapes the HTML once more as the
text of `content:encoded`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from html import escape
from typing import Any

from ..episode.notes import autolink, clock
from ..episode.pages import page_language
from ..scripting.framing import framing
from ..scripting.sentences import split_sentences

DESCRIPTION_CHARS = 700
"""The longest opening a description quotes: far within the 4000 characters Apple takes for
a description or a summary, and enough for a few sentences an app shows under the title."""
ELLIPSIS = "…"
_READ = ("paragraph", "quote")
"""The kinds of segment that are the article's own text (not the intro, a title or a heading)."""
_TRAILING = " ,;:—–-"
"""What a cut-short opening drops before its ellipsis."""


def opening(manifest: Mapping[str, Any], limit: int = DESCRIPTION_CHARS) -> str:
    """How the article opens, in whole sentences: as many as fit in `limit` characters. When
    even the first does not, it is cut at a word boundary and ends with an ellipsis."""
    kept: list[str] = []
    length = 0
    for sentence in _sentences(manifest):
        grown = length + len(sentence) + (1 if kept else 0)
        if grown > limit:
            break
        kept.append(sentence)
        length = grown
    if kept:
        return " ".join(kept)
    first = next(_sentences(manifest), "")
    return _cut(first, limit) if first else ""


def description(manifest: Mapping[str, Any], limit: int = DESCRIPTION_CHARS) -> str:
    """The episode's description: how it opens and where it is from (in the episode's
    language, see `framing`)."""
    lead = opening(manifest, limit)
    source = _source(manifest)
    read_aloud_from = framing(page_language(manifest)).read_aloud_from
    return " ".join(part for part in (lead, source and f"({read_aloud_from} {source}.)") if part)


def show_notes(manifest: Mapping[str, Any], limit: int = DESCRIPTION_CHARS) -> str:
    """The episode's show notes in HTML: the opening, the source page, the chapters (labelled
    in the episode's language, see `framing`)."""
    words = framing(page_language(manifest))
    read_aloud_from = escape(words.read_aloud_from)
    parts = []
    lead = opening(manifest, limit)
    if lead:
        parts.append(f"<p>{escape(lead)}</p>")
    source = _source(manifest)
    link = autolink(source) if source else None
    if link:
        href = escape(link[1:-1])  # the address, its unsafe characters encoded, without <>
        parts.append(f'<p>{read_aloud_from} <a href="{href}">{escape(source)}</a></p>')
    elif source:
        parts.append(f"<p>{read_aloud_from} {escape(source)}</p>")
    chapters = [f"<li>{clock(start)} {escape(title)}</li>" for start, title in _chapters(manifest)]
    if chapters:
        parts.append(f"<p>{escape(words.chapters)}</p>")
        parts.append("<ul>" + "".join(chapters) + "</ul>")
    return "\n".join(parts)


def _sentences(manifest: Mapping[str, Any]) -> Iterator[str]:
    """The article's sentences in order, each on one line: as narrated (the manifest's), or
    split again from a segment that does not list them."""
    for segment in manifest.get("segments") or ():
        if segment.get("kind") not in _READ:
            continue
        listed = segment.get("sentences")
        texts = (
            [s["text"] for s in listed]
            if isinstance(listed, list)
            and listed
            and all(isinstance(s, dict) and isinstance(s.get("text"), str) for s in listed)
            else split_sentences(str(segment.get("text", "")))
        )
        for text in texts:
            if one_line := " ".join(text.split()):
                yield one_line


def _cut(sentence: str, limit: int) -> str:
    """`sentence` cut to `limit` characters with the ellipsis, at the last word that fits
    whole (inside a word only when it is the first)."""
    room = max(limit - len(ELLIPSIS), 1)
    head = sentence[:room]
    if sentence[room : room + 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(_TRAILING) + ELLIPSIS


def _source(manifest: Mapping[str, Any]) -> str:
    page = manifest.get("page")
    url = page.get("url") if isinstance(page, Mapping) else None
    return " ".join(url.split()) if isinstance(url, str) else ""


def _chapters(manifest: Mapping[str, Any]) -> Iterator[tuple[int, str]]:
    """The manifest's chapters (start, title); an entry that is not one is left out."""
    chapters = manifest.get("chapters")
    for chapter in chapters if isinstance(chapters, list) else ():
        if not isinstance(chapter, dict):
            continue
        start, title = chapter.get("start_ms"), chapter.get("title")
        if not (isinstance(start, int) and not isinstance(start, bool) and start >= 0):
            continue
        if isinstance(title, str) and title.strip():
            yield start, " ".join(title.split())
