"""Web pages: the article, and only the article, extracted by trafilatura.

trafilatura was chosen by measurement on the saved sample pages (words spoken against the
article as a listener should hear it; README "Web pages"): it keeps the article's structure
(headings, paragraphs, block quotes, lists) as Markdown, which the Markdown reader then reads
like any other article, and it leaves out navigation, share prompts, comments, captions and
tables. Links are read as their text and kept for the show notes.

What a browser does not show (a `<template>`, a closed `<dialog>`, `hidden` or `display: none`
content) is left out before the extraction, as is what a screen reader skips (`aria-hidden`),
and, unless --keep-references, the reference apparatus by its markup: Wikipedia's citation
marks, edit links, reference lists and navigation boxes, and any page's footnote links and
footnote lists (`drop_page_apparatus`; the rest is `apparatus`'s, on the extracted text).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from ..errors import InputError
from ..model import Article, Page
from .apparatus import NOTHING, Skipped, counted
from .decoding import decode
from .markdown import parse_markdown

# Less than this is a menu, a cookie wall or an error page, not an article.
MIN_ARTICLE_WORDS = 25
MAX_PAGE_ELEMENTS = 30_000
"""The most elements a page may have. Article pages have a few thousand (the samples 450 to
2,100). trafilatura's time and memory grow faster than their number (100,000 took 15 s and
800 MB), and so does the time of some of its single calls into lxml, during which Ctrl-C
waits (libxml2 merges node sets in quadratic time: 40,000 paragraphs took 1 to 2 s a call)."""
# Bounded, as is every pattern run over a page's text: an unbounded one scans to the end from
# each of 40,000 "[" in 16 s, in one call that holds off Ctrl-C.
_LINK = re.compile(r"\[([^\[\]]{0,2000})\]\((https?://[^)\s]{1,4000})[^)]{0,1000}\)")
# Where a page declares its encoding: <meta charset=...>, <meta http-equiv=Content-Type
# content="text/html; charset=...">, or an XHTML page's XML declaration.
_META_CHARSET = re.compile(
    rb"<meta\b[^>]{0,1000}?charset\s*=\s*[\"']?\s*([\w.:-]{1,100})", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([\w.:-]+)")
_DECLARATION_BYTES = 65536
# The encodings of web pages, as Python names them; a page that names another codec ("base64",
# "punycode", "undefined", EBCDIC...) means nothing by it that a browser would follow.
_WEB_ENCODINGS = re.compile(
    r"utf-(?:8|16|32)(?:-[lb]e)?|ascii|latin-1|iso8859-\d+|cp(?:125\d|8\d\d|9[345]\d)"
    r"|koi8-[a-z]+|mac-[a-z]+|gb(?:k|2312|18030)|big5(?:hkscs)?|euc_[a-z]+|iso2022_[a-z0-9_]+"
    r"|shift_jis(?:_2004|x0213)?|tis-620"
)
# As browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean Windows-1252, and a page
# whose declaration is readable as ASCII is not in UTF-16 or UTF-32.
_WEB_ALIASES = {"ascii": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252"}
_WIDE_ENCODINGS = ("utf-16", "utf-32")
_HIDING_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)",
    re.IGNORECASE,
)
_HTML_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*")


def parse_html(
    data: bytes,
    fallback_title: str,
    source: str,
    charset: str | None = None,
    *,
    keep_references: bool = False,
) -> Article:
    """The article in a web page's HTML, with what the page says about it; `charset` is the
    encoding the server declared for it, if any. Without its reference apparatus (citation
    marks, edit links, reference lists, navigation boxes) unless `keep_references`."""
    name = "standard input" if source == "-" else source
    # Refuses empty and binary files with the usual messages.
    text = decode(data, name, _declared_encoding(data, charset))
    import trafilatura

    tree = trafilatura.load_html(text)
    skipped = NOTHING
    if tree is not None:
        _check_size(tree, name)
        if not keep_references:
            skipped = drop_page_apparatus(tree)
    markdown = _article_markdown(tree) if tree is not None else None
    if tree is None or not markdown or len(markdown.split()) < MIN_ARTICLE_WORDS:
        raise InputError(
            f"{name}: no article found in this page; save the article's own page, or copy "
            "its text into a .txt file"
        )
    metadata = trafilatura.extract_metadata(tree)
    title = (metadata.title if metadata and metadata.title else "").strip()
    links = tuple(dict.fromkeys(match.group(2) for match in _LINK.finditer(markdown)))
    markdown = _LINK.sub(r"\1", markdown)
    if title and not markdown.lstrip().startswith("# "):
        markdown = f"# {title}\n\n{markdown}"
    article = parse_markdown(
        markdown, title or fallback_title, source, keep_references=keep_references, skipped=skipped
    )
    page = Page(
        author=_text(metadata, "author"),
        date=_text(metadata, "date"),
        site=_text(metadata, "sitename"),
        url=_text(metadata, "url"),
        language=_text(metadata, "language") or _declared_language(tree),
        image=_text(metadata, "image"),
    )
    return Article(
        title=article.title,
        blocks=article.blocks,
        title_in_text=article.title_in_text,
        source=source,
        links=article.links + links,
        page=page,
        skipped=article.skipped,
    )


def _article_markdown(tree: Any) -> str | None:
    import trafilatura
    from trafilatura.deduplication import LRUCache
    from trafilatura.settings import LRU_SIZE

    _drop_hidden(tree)
    return trafilatura.extract(
        tree,
        output_format="markdown",
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=True,
        # Repeats within the page, not across pages: the process-wide default would drop
        # the text of a page read a second time in the same process.
        deduplicate=LRUCache(maxsize=LRU_SIZE),
    )


def _declared_encoding(data: bytes, charset: str | None) -> str | None:
    """The encoding the server (`charset`), or else the page itself, declares, as Python
    names it; None when neither declares one we can use."""
    head = data[:_DECLARATION_BYTES]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    for label in (charset, found.group(1).decode("ascii") if found else None):
        encoding = _codec(label)
        if encoding is None:
            continue
        if encoding == "cp1252" and not data.isascii() and _is_utf8(data):
            # Valid UTF-8 that is not ASCII is UTF-8: a template's stale "iso-8859-1".
            return "utf-8"
        return encoding
    return None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        return None
    if not _WEB_ENCODINGS.fullmatch(name):
        return None
    if name.startswith(_WIDE_ENCODINGS):
        return "utf-8"
    return _WEB_ALIASES.get(name, name)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_size(tree: Any, name: str) -> None:
    for count, _ in enumerate(tree.iter(), 1):
        if count > MAX_PAGE_ELEMENTS:
            raise InputError(
                f"{name} has more than {MAX_PAGE_ELEMENTS:,} HTML elements; article2podcast "
                "reads pages of up to that many; save a smaller page (the article alone), or "
                "copy its text into a .txt file"
            )


def _drop_hidden(tree: Any) -> None:
    """Remove what the reader of the page never sees or hears, keeping the text after it."""
    hidden = [element for element in tree.iter() if _is_hidden(element)]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()


def _is_hidden(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.lower() in ("html", "body"):
        return False  # the page itself; hiding it until scripts have run is common
    if tag.lower() == "template" or (tag.lower() == "dialog" and element.get("open") is None):
        return True
    hidden = element.get("hidden")
    if hidden is not None and hidden.strip().lower() != "until-found":  # found by search
        return True
    if _HIDING_STYLE.search(element.get("style") or ""):
        return True
    # A wrapper of the whole article is aria-hidden only while a dialog (a cookie banner) was
    # open as the page was saved: it is read.
    return (element.get("aria-hidden") or "").strip().lower() == "true" and not any(
        True for _ in element.iter("main", "article", "h1")
    )


def _declared_language(tree: Any) -> str | None:
    """The language the page declares on its <html> element (`lang`), if any."""
    lang = (tree.getroottree().getroot().get("lang") or "").strip()
    return lang if _HTML_LANG.fullmatch(lang) else None


def _text(metadata: object, field: str) -> str | None:
    value = getattr(metadata, field, None) if metadata is not None else None
    return str(value).strip() or None if value else None


# The apparatus of a page is marked up, so it goes before the extraction, by its markup.

_MARK_CLASSES = frozenset({"reference", "Inline-Template", "noprint"})  # on a <sup>
_REFERENCE_LISTS = frozenset(
    {"reflist", "references", "mw-references-wrap", "refbegin", "footnotes"}
)
_NAVBOXES = frozenset({"navbox", "vertical-navbox"})


def drop_page_apparatus(tree: Any) -> Skipped:
    """Remove a page's apparatus from its lxml `tree` (Wikipedia's `sup.reference`, edit
    links, reference lists and navigation boxes; any page's in-page footnote links and
    footnote lists), keeping the text after each; what was removed."""
    marks: list[str] = []
    lists: list[int] = []
    boxes: list[str] = []
    found = [(element, kind) for element in tree.iter() if (kind := _page_kind(element))]
    marked = {element for element, _ in found}
    # Within a removed element is removed with it: counted once (an ol.references in its
    # div.reflist).
    doomed = [
        (element, kind)
        for element, kind in found
        if not any(ancestor in marked for ancestor in element.iterancestors())
    ]
    for element, kind in doomed:
        text = " ".join(element.text_content().split())
        if kind == "mark":
            marks.append(text if text.startswith("[") else f"[{text}]")
        elif kind == "list":
            lists.append(sum(1 for _ in element.iter("li")))
        elif kind == "box":
            titles = element.find_class("navbox-title")
            boxes.append(" ".join((titles[0] if titles else element).text_content().split()))
    for element, _ in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    parts = []
    if lists:
        entries = sum(lists)
        noun = "the reference list" if len(lists) == 1 else f"{len(lists)} reference lists"
        parts.append(f"{noun} ({entries} entr{'y' if entries == 1 else 'ies'})")
    if boxes:
        parts.append(counted(len(boxes), "navigation box", "navigation boxes", boxes))
    return Skipped(tuple(marks), tuple(parts))


def _page_kind(element: Any) -> str | None:
    if not isinstance(element.tag, str):
        return None  # a comment or a processing instruction
    tag = element.tag.lower()
    classes = set((element.get("class") or "").split())
    role = (element.get("role") or "").strip().lower()
    if tag == "sup" and (classes & _MARK_CLASSES or _notelink(element)):
        return "mark"
    if tag == "a" and (role == "doc-noteref" or "footnote-ref" in classes):
        return "mark"
    if tag == "span" and "mw-editsection" in classes:
        return "mark"
    if role == "doc-endnotes" or (tag in ("ol", "div", "section") and classes & _REFERENCE_LISTS):
        return "list"
    if classes & _NAVBOXES:
        return "box"
    return None


def _notelink(sup: Any) -> bool:
    """A superscript that is only a link within the page: a footnote mark (`<sup><a
    href="#fn1">1</a></sup>`)."""
    links = list(sup.iter("a"))
    text = " ".join(sup.text_content().split())
    return (
        len(links) == 1
        and (links[0].get("href") or "").startswith("#")
        and 0 < len(text) <= 8
        and text == " ".join(links[0].text_content().split())
    )
