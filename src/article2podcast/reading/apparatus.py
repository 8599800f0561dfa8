"""The reference apparatus no one reads aloud: citation marks, edit links, footnotes and the
reference sections at the end, left out of what is narrated and shown (unless
--keep-references), and listed by `check`.

The rule for marks in brackets, `[...]`:
- citation numbers, 1 to 3 digits, or a list or range of them (`[12]`, `[1, 2]`, `[3–5]`,
  with a page after them, `[12]: 45`), footnote letters (`[a]`, `[bc]`, roman `[iv]`, all
  lower case) and named notes (`[note 3]`, `[nb 1]`) go only when *attached* to what comes
  before (no space: `browser,[26]`), where a superscript mark lands in copied text; `in
  [1999]`, `option [a]`, `the list [1, 2, 3]`, `[[1]]` are part of the sentence and stay,
  and four digits (a year) always stay;
- Wikipedia's edit links (`[edit]`, `[edit source]`, the same in German, French, Spanish,
  Portuguese and Italian, in their case) go at the end of a line, where they follow a
  heading (`History[edit]`; "click [edit] to" stays); its inline cleanup notes
  (`[citation needed]`, `[clarification needed]`, `[who?]`...: `EDITORIAL`) go anywhere;
- Markdown footnotes go: references `[^1]` and definitions `[^1]: ...`;
- everything else stays: `[the company] said`, `[I]`, `[A]` (an editor's insertion and a
  capital letter are the author's words), and `[sic]`, which tells the listener the slip is
  in the quotation, not ours.
Superscript digits (`browser¹`, `said,²³`) are marks after a word of three letters or more or
after punctuation; after one or two letters they are powers (`m²`, `km³`, `mc²`) and stay.
Wikipedia's line under the title ("From Wikipedia, the free encyclopedia") goes when it stands
alone.

A reference section is a trailing run of blocks from the first heading named in `SECTIONS`
(References, Notes, See also... in the six languages) to the end, when every later heading is
one of them too (a heading with nothing under it does not count: in copied text a lone link,
"Official website", looks like one); trailing entries that start with a caret (`^ a b
"Title"`) or carry a "Retrieved 10 May 2016", with no heading, go with it. Nothing is cut
when it would leave no text.

A web page's apparatus is marked up, and goes before the extraction, by its markup
(`html.drop_page_apparatus`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

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
    "edit;edit source;edit | edit source;Bearbeiten;Quelltext bearbeiten"
    ";Bearbeiten | Quelltext bearbeiten;modifier;modifier le code;modifier | modifier le code"
    ";editar;editar código-fonte;editar | editar código-fonte;editar código"
    ";modifica;modifica wikitesto;modifica | modifica wikitesto".split(";")
)
"""Wikipedia's section edit links as they are shown (in their case: "click [Edit]" stays)."""
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

TAGLINES = frozenset(
    "from wikipedia, the free encyclopedia|aus wikipedia, der freien enzyklopädie"
    "|un article de wikipédia, l'encyclopédie libre|de wikipedia, la enciclopedia libre"
    "|origem: wikipédia, a enciclopédia livre|da wikipedia, l'enciclopedia libera".split("|")
)
"""Wikipedia's line under the title, lower case, without a final full stop: in copied text."""

# Bounded patterns only: each is run over whole articles (see html.py on unbounded ones).
_BRACKETED = re.compile(
    r"(?P<space> ?)\[(?P<inner>[^\[\]\n]{1,60})\](?P<page>: ?\d{1,4}(?:[–-]\d{1,4})?)?"
)
_NUMBERS = re.compile(r"\d{1,3}(?: ?[,–-] ?\d{1,3}){0,20}")
_LETTERS = re.compile(r"[a-z]{1,2}|[ivxlc]{1,6}")
_NAMED = re.compile(r"(?:note|nb|n|fn|nota|anm\.?) ?\d{1,3}", re.IGNORECASE)
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
    attached = not match.group("space") and before not in ("", " ", "\t", "\n", "(", "[", "{")
    line_end = text[match.end() : match.end() + 80].lstrip(" \t")[:1] in ("", "\n")
    if not is_mark(match.group("inner"), attached=attached, line_end=line_end):
        return match.group()
    found.append(match.group().strip())
    joined = following.isalnum() and (bool(match.group("space")) or before.isalnum())
    return " " if joined else ""


def is_mark(inner: str, *, attached: bool, line_end: bool) -> bool:
    """Whether `[inner]` is a mark to skip; `attached`: nothing between it and the word before;
    `line_end`: nothing after it on its line (where an edit link stands, after a heading)."""
    if line_end and " ".join(inner.split()) in EDIT_LINKS:
        return True
    words = _DASHES.sub(" – ", " ".join(inner.split())).casefold()
    if words in EDITORIAL or _FOOTNOTE_REF.fullmatch(inner):
        return True
    return attached and any(p.fullmatch(inner) for p in (_NUMBERS, _LETTERS, _NAMED))


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
    return "\n".join(kept), Skipped(parts=(counted(len(notes), "footnote", "footnotes", notes),))


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
    taglines = [block.text for block in blocks if _is_tagline(block.text)]
    blocks = [block for block in blocks if block.text.strip() and not _is_tagline(block.text)]
    kept, parts = cut_reference_sections(blocks)
    lines = [f"the line '{line}'" for line in dict.fromkeys(taglines)]
    skipped = (*lines, *summarise_marks(marks), *already.parts, *parts)
    return replace(article, title=title, blocks=tuple(kept), skipped=article.skipped + skipped)


def _is_tagline(text: str) -> bool:
    return len(text) < 60 and text.strip().rstrip(".").replace("’", "'").casefold() in TAGLINES


def cut_reference_sections(blocks: Sequence[Block]) -> tuple[list[Block], list[str]]:
    """The blocks before the trailing reference sections, and what was cut, summed up."""
    cut = len(blocks)
    for index in range(len(blocks) - 1, -1, -1):
        if is_section_heading(blocks[index].text):
            cut = index
        elif blocks[index].kind == "heading" and not _is_empty_section(blocks, index):
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
        entries = counted(
            len(rest), "reference entry at the end", "reference entries at the end", rest
        )
        return list(blocks[:cut]), [entries]
    named = ", ".join(f"'{heading}'" for heading in headings)
    section = "the section" if len(headings) == 1 else "the sections"
    count = f"{len(rest)} paragraph{'' if len(rest) == 1 else 's'}"
    return list(blocks[:cut]), [f"{section} {named} ({count})"]


def _is_empty_section(blocks: Sequence[Block], index: int) -> bool:
    """Nothing under the heading at `index`: in copied text, a lone link ("Official website")
    looks like a heading."""
    return index + 1 == len(blocks) or blocks[index + 1].kind == "heading"


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
        inner = " ".join(mark.strip("[]").split())
        editorial = _DASHES.sub(" – ", inner).casefold() in EDITORIAL
        kind = "edit link" if inner in EDIT_LINKS else "cleanup note" if editorial else None
        kinds[kind or "citation mark"].append(mark)
    return [counted(len(found), kind, f"{kind}s", found) for kind, found in kinds.items() if found]


def counted(number: int, one: str, many: str, examples: Sequence[str]) -> str:
    """ "3 footnotes ([^1]: one, [^2]: two, ...)"."""
    noun = one if number == 1 else many
    distinct = list(dict.fromkeys(_excerpt(example) for example in examples))
    shown = ", ".join(distinct[:_EXAMPLES]) + (", ..." if len(distinct) > _EXAMPLES else "")
    return f"{number} {noun} ({shown})"


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1].rstrip() + "…"
