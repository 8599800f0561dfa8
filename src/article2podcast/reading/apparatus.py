"""The reference apparatus no one reads aloud: citation marks, edit links, footnotes and the
reference sections at the end, left out of what is narrated and shown (unless
--keep-references), and listed by `check`.

What counts as a mark (in brackets, `[...]`):
- citation numbers, 1 to 3 digits, or a list or range of them (`[12]`, `[1, 2]`, `[3–5]`,
  with a page after them, `[12]: 45`), footnote letters (`[a]`, `[bc]`, roman `[iv]`, all
  lower case) and named notes (`[note 3]`, `[nb 1]`), but only *attached* to what comes before
  (no space: `browser,[26]`): that is where a superscript mark lands in copied text, while
  `in [1999]`, `option [a]` and `the list [1, 2, 3]` are part of the sentence and stay;
  four digits (a year) always stay;
- Wikipedia's edit links (`[edit]`, `[edit source]`, and the same in German, French, Spanish,
  Portuguese and Italian) and its inline cleanup notes (`[citation needed]`,
  `[clarification needed]`, `[who?]`...; the list is `EDITORIAL`), wherever they stand;
- Markdown footnotes: references `[^1]` and definitions `[^1]: ...`.
Everything else in brackets stays: `[the company] said`, `[I]`, `[A]` (an editor's insertion
and a capital letter are the author's words), and `[sic]`, which tells the listener the slip is
in the quotation, not ours.

Superscript digits (`browser¹`, `said,²³`) are marks after a word of three letters or more or
after punctuation; after one or two letters they are powers (`m²`, `km³`, `mc²`) and stay.

A reference section is a trailing run of blocks from the first heading named in `SECTIONS`
(References, Notes, See also... in the six languages) to the end, when every later heading is
one of them too; trailing entries that start with a caret (`^ a b "Title"`) or carry a
"Retrieved 10 May 2016" with no heading go with it. Nothing is cut when it would leave no text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..model import Article, Block

SECTIONS = frozenset(
    # English Wikipedia and the web at large
    "references|notes|sources|citations|footnotes|bibliography|external links|see also"
    "|further reading|notes and references|references and notes|works cited|explanatory notes"
    "|general references|cited sources|sources and further reading"
    # German
    "|einzelnachweise|literatur|weblinks|siehe auch|anmerkungen|quellen|belege|fußnoten"
    "|weiterführende literatur"
    # French
    "|références|notes et références|liens externes|voir aussi|bibliographie|articles connexes"
    # Spanish
    "|referencias|notas|enlaces externos|véase también|bibliografía|fuentes|notas y referencias"
    # Portuguese
    "|referências|ligações externas|ver também|bibliografia|fontes|leitura adicional"
    "|notas e referências"
    # Italian
    "|note|collegamenti esterni|voci correlate|altri progetti|riferimenti".split("|")
)
"""Headings of reference sections, lower case (Wikipedia's own names in each language)."""
EDIT_LINKS = frozenset(
    "edit|edit source|edit section|edit | edit source|modifier|modifier le code"
    "|modifier | modifier le code|bearbeiten|quelltext bearbeiten|bearbeiten | quelltext bearbeiten"
    "|editar|editar código-fonte|editar | editar código-fonte|editar código"
    "|modifica|modifica wikitesto|modifica | modifica wikitesto".split("|")
)
EDITORIAL = frozenset(
    "citation needed|clarification needed|dubious|dubious – discuss|disputed – discuss"
    "|failed verification|verification needed|better source needed|unreliable source?"
    "|page needed|pages needed|full citation needed|not in citation given|original research?"
    "|improper synthesis?|self-published source?|non-primary source needed"
    "|third-party source needed|attribution needed|according to whom?|by whom?|who?|when?"
    "|where?|which?|why?|how?|vague|specify|examples needed|quantify|further explanation needed"
    "|definition needed|update|needs update|dead link|permanent dead link|year needed"
    "|irrelevant citation|promotional source?"
    "|réf. nécessaire|réf. souhaitée|référence nécessaire|cita requerida|carece de fontes"
    "|citação necessária|senza fonte|citazione necessaria|quelle?|belege fehlen".split("|")
)
"""Wikipedia's inline cleanup templates as they are shown, lower case."""

# Bounded patterns only: each is run over whole articles (see html.py on unbounded ones).
_BRACKETED = re.compile(
    r"(?P<space> ?)\[(?P<inner>[^\[\]\n]{1,60})\](?P<page>: ?\d{1,4}(?:[–-]\d{1,4})?)?"
)
_NUMBERS = re.compile(r"\d{1,3}(?: ?[,–-] ?\d{1,3}){0,20}")
_LETTERS = re.compile(r"[a-z]{1,2}|[ivxlc]{1,6}|(?:note|nb|n|fn|nota|anm\.?) ?\d{1,3}")
_FOOTNOTE_REF = re.compile(r"\^[^\s\]]{1,40}")
_SUPERSCRIPT = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}(?:,[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}){0,9}")
_AFTER_WORD = re.compile(r"(?:[^\W\d_]{3}|[^\W\d_][.,;:!?\"”’)])$")
_DASHES = re.compile(r" ?[-–—] ?")
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.? )")
_CARET = re.compile(r"^[\^↑](?:\s|$)")
_RETRIEVED = re.compile(
    r"\b(?:Retrieved(?: on)? (?:\d{1,2} [A-Z][a-z]{2,8}|[A-Z][a-z]{2,8} \d{1,2}|\d{4}-\d\d)"
    r"|Archived from the original|Abgerufen am|Consulté le|Consultado (?:el|em)"
    r"|URL consultato il)"
)
_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]\s]{1,40}\]:")
_CONTINUATION = re.compile(r"^(?: {4}|\t)")
_EXCERPT = 60
_EXAMPLES = 4
_MAX_PASSES = 8  # "[c[1]]" leaves "[c]", a mark in turn; nesting deeper than this is not prose


@dataclass(frozen=True)
class Skipped:
    """What was left out so far, before it is summed up for `Article.skipped`."""

    marks: tuple[str, ...] = ()
    """Each mark as written ("[26]", "[edit]", "¹"), in order."""
    parts: tuple[str, ...] = ()
    """Larger parts already summed up ("the reference list (41 entries)")."""

    def __add__(self, other: Skipped) -> Skipped:
        return Skipped(self.marks + other.marks, self.parts + other.parts)


NOTHING = Skipped()


def strip_marks(text: str, *, after: str = "") -> tuple[str, tuple[str, ...]]:
    """`text` without its citation marks, edit links and cleanup notes, and the marks;
    `after`: the text before it, when it continues that (Markdown's "**Opera**[1]")."""
    found: list[str] = []
    for _ in range(_MAX_PASSES):
        stripped = _SUPERSCRIPT.sub(lambda match: _superscript(found, match, after), text)
        if "[" in stripped:
            stripped = _BRACKETED.sub(lambda match: _replace(found, match, after), stripped)
        if stripped == text:
            break
        text = stripped
    return text, tuple(found)


def _superscript(found: list[str], match: re.Match[str], after: str) -> str:
    start = match.start()
    if not _AFTER_WORD.search(after[-3:] + match.string[max(0, start - 3) : start]):
        return match.group()  # a power: m², km³
    found.append(match.group())
    return ""


def _replace(found: list[str], match: re.Match[str], after: str) -> str:
    text = match.string
    before = text[match.start() - 1] if match.start() else after[-1:]
    following = text[match.end()] if match.end() < len(text) else ""
    attached = not match.group("space") and before not in ("", " ", "\t", "\n")
    if not is_mark(match.group("inner"), attached=attached):
        return match.group()
    found.append(match.group().strip())
    joined = following.isalnum() and (bool(match.group("space")) or before.isalnum())
    return " " if joined else ""


def is_mark(inner: str, *, attached: bool) -> bool:
    """Whether `[inner]` is a mark to skip; `attached`: nothing between it and the word before."""
    words = _DASHES.sub(" – ", " ".join(inner.split())).casefold()
    if words in EDIT_LINKS or words in EDITORIAL or _FOOTNOTE_REF.fullmatch(inner):
        return True
    return attached and bool(_NUMBERS.fullmatch(inner) or _LETTERS.fullmatch(inner))


def is_section_heading(text: str) -> bool:
    """Whether `text` names a reference section ("References", "7. Weblinks", "See also:")."""
    name = _NUMBERED.sub("", " ".join(text.split())).rstrip(":").strip().casefold()
    return name in SECTIONS


def prepare_plaintext(text: str) -> tuple[str, Skipped]:
    """Plain text without its marks, each reference heading and caret line standing alone (so
    a reference list pasted without blank lines is not read as one wrapped paragraph)."""
    lines: list[str] = []
    marks: list[str] = []
    for line in text.split("\n"):
        line, found = strip_marks(line)
        marks += found
        bare = line.strip()
        if bare and (is_section_heading(bare) or _CARET.match(bare)):
            lines += ["", line, ""]
        else:
            lines.append(line)
    return "\n".join(lines), Skipped(tuple(marks))


def drop_footnote_definitions(markdown: str) -> tuple[str, Skipped]:
    """Markdown without its footnote definitions (`[^1]: ...` and their indented lines)."""
    kept: list[str] = []
    notes: list[str] = []
    inside = False
    for line in markdown.split("\n"):
        if _FOOTNOTE_DEFINITION.match(line):
            notes.append(line.strip())
            inside = True
        elif inside and (not line.strip() or _CONTINUATION.match(line)):
            continue
        else:
            inside = False
            kept.append(line)
    if not notes:
        return markdown, NOTHING
    return "\n".join(kept), Skipped(parts=(_count(len(notes), "footnote", "footnotes", notes),))


def skip_apparatus(article: Article, already: Skipped = NOTHING, *, strip: bool = True) -> Article:
    """`article` without its apparatus, with what was skipped (plus `already`) summed up in
    `skipped`; `strip`: take the marks out of its text too (False when the reader did)."""
    marks = list(already.marks)
    title, blocks = article.title, list(article.blocks)
    if strip:
        title, found = strip_marks(title)
        marks += found
        blocks = []
        for block in article.blocks:
            text, found = strip_marks(block.text)
            marks += found
            blocks.append(Block(block.kind, " ".join(text.split())))
    blocks = [block for block in blocks if block.text.strip()]
    kept, parts = cut_reference_sections(blocks)
    skipped = (*summarise_marks(marks), *already.parts, *parts)
    return replace(article, title=title, blocks=tuple(kept), skipped=article.skipped + skipped)


def cut_reference_sections(blocks: Sequence[Block]) -> tuple[list[Block], list[str]]:
    """The blocks before the trailing reference sections, and what was cut, summed up."""
    cut = len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        if is_section_heading(blocks[index].text):
            cut = index
        elif blocks[index].kind == "heading":
            break
    cut = _trailing_entries(blocks, cut)
    if not any(any(c.isalnum() for c in block.text) for block in blocks[:cut]):
        return list(blocks), []  # the whole article would go: it is not apparatus
    gone = blocks[cut:]
    if not gone:
        return list(blocks), []
    headings = [block.text for block in gone if is_section_heading(block.text)]
    rest = [block.text for block in gone if not is_section_heading(block.text)]
    if not headings:
        entries = _count(
            len(rest), "reference entry at the end", "reference entries at the end", rest
        )
        return list(blocks[:cut]), [entries]
    named = ", ".join(f"'{heading}'" for heading in headings)
    section = "the section" if len(headings) == 1 else "the sections"
    count = f"{len(rest)} paragraph{'' if len(rest) == 1 else 's'}"
    return list(blocks[:cut]), [f"{section} {named} ({count})"]


def _trailing_entries(blocks: Sequence[Block], cut: int) -> int:
    """Move `cut` back over the reference entries (caret or "Retrieved" lines) before it."""
    while cut > 0 and blocks[cut - 1].kind != "heading" and _is_entry(blocks[cut - 1].text):
        cut -= 1
    return cut


def _is_entry(text: str) -> bool:
    return bool(_CARET.match(text) or _RETRIEVED.search(text[:2000]))


def summarise_marks(marks: Iterable[str]) -> list[str]:
    """Marks grouped by kind: "12 citation marks ([26], [27], [a], [note 3], ...)"."""
    kinds: dict[str, list[str]] = {"citation mark": [], "edit link": [], "cleanup note": []}
    for mark in marks:
        inner = _DASHES.sub(" – ", " ".join(mark.strip("[]").split())).casefold()
        kind = (
            "edit link" if inner in EDIT_LINKS else "cleanup note" if inner in EDITORIAL else None
        )
        kinds[kind or "citation mark"].append(mark)
    return [_count(len(found), kind, f"{kind}s", found) for kind, found in kinds.items() if found]


def _count(number: int, one: str, many: str, examples: Sequence[str]) -> str:
    """ "3 footnotes ([^1]: one, [^2]: two, ...)"."""
    noun = one if number == 1 else many
    distinct = list(dict.fromkeys(_excerpt(example) for example in examples))
    shown = ", ".join(distinct[:_EXAMPLES]) + (", ..." if len(distinct) > _EXAMPLES else "")
    return f"{number} {noun} ({shown})"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Web pages: the apparatus is marked up, so it goes before the extraction, by its markup.

_REFERENCE_LISTS = ("reflist", "references", "mw-references-wrap", "refbegin", "footnotes")
_NAVBOXES = ("navbox", "vertical-navbox")


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
        parts.append(_count(len(boxes), "navigation box", "navigation boxes", boxes))
    return Skipped(tuple(marks), tuple(parts))


def _page_kind(element: Any) -> str | None:
    if not isinstance(element.tag, str):
        return None  # a comment or a processing instruction
    tag = element.tag.lower()
    classes = set((element.get("class") or "").split())
    role = (element.get("role") or "").strip().lower()
    if tag == "sup" and (
        classes & {"reference", "Inline-Template", "noprint"} or _notelink(element)
    ):
        return "mark"
    if tag == "a" and (role == "doc-noteref" or "footnote-ref" in classes):
        return "mark"
    if tag == "span" and "mw-editsection" in classes:
        return "mark"
    if role == "doc-endnotes" or (
        tag in ("ol", "div", "section") and classes & set(_REFERENCE_LISTS)
    ):
        return "list"
    if classes & set(_NAVBOXES):
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
