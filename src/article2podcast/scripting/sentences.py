"""Splitting text into sentences, and long sentences into pieces the engine reads well.

Pure functions. Joining the returned pieces with single spaces gives back the input with its
whitespace collapsed, so no word is ever lost or repeated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .speakable.language_rules import GERMAN_STARTERS

# Words that end with a full stop without ending the sentence ("Mr. Smith", "Sept. 15").
TITLES = frozenset(
    """mr mrs ms mx dr prof sr jr mt ft gen gov sen rep lt col capt cmdr sgt rev hon
    pres supt det insp messrs mme mlle""".split()
)
ABBREVIATIONS = TITLES | frozenset(
    # "St." is Saint before a name but Street at the end of a sentence.
    """st vs v etc e.g i.e cf approx no nos vol vols fig figs p pp ch sec art est dept jan feb
    mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    a.m p.m u.s u.k u.n""".split()
)
# After an abbreviation or an initial, these words show that a new sentence has begun
# ("... in the U.S. The next day ...").
SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i you his her its their our this that these those there
    but and so yet or in on at for if when while after before as then now still however
    meanwhile also what why how who""".split()
)

# Closing quotes after the mark: English ” ’, German “ (its „quotes“ close with it), French »,
# which French typography sets after a space (« Bonjour ! »).
_BOUNDARY = re.compile(r"[.!?…]+(?:[\"'”’“)\]»]|\s»)*(?=\s+)")
# Openers before the next word: quotes, brackets, French « (and its space), Spanish ¿ and ¡.
_NEXT_WORD = re.compile(r"\s+([\"'“‘(\[«„¿¡]*\s?)(\S*)")
_LAST_WORD = re.compile(r"(\S+)$")
_APOSTROPHE = re.compile(r"['’]")


@dataclass(frozen=True)
class _Words:
    """A language's words around full stops."""

    titles: frozenset[str]
    """Abbreviations that never end a sentence ("dr" for "Dr.")."""
    abbreviations: frozenset[str]
    """Abbreviations that end one only before a word that starts sentences."""
    starters: frozenset[str]
    """Words that start sentences."""
    ordinals: bool = False
    """Whether a number with a full stop is an ordinal (German "3. Mai")."""


def _language(titles: str, abbreviations: str, starters: str, ordinals: bool = False) -> _Words:
    return _Words(
        frozenset(titles.split()),
        frozenset(titles.split()) | frozenset(abbreviations.split()),
        frozenset(starters.split()),
        ordinals,
    )


_WORDS = {
    "en": _Words(TITLES, ABBREVIATIONS, SENTENCE_STARTERS),
    "de": _language(
        "dr prof nr hr hrn fr frau st str abs abb tel jh bzw ca vgl ggf evtl inkl sog bspw zzgl "
        "max min mio mrd tsd z.b d.h u.a v.a z.t",
        "usw etc",
        " ".join(GERMAN_STARTERS),
        ordinals=True,
    ),
    "fr": _language(
        "m mm mme mlle dr pr me st ste av apr env cf bd p",
        "etc ex",
        """le la les l un une des il elle ils elles on nous vous je j ce c cette ces mais et ou
        donc or ni car puis alors en dans à au aux pour par sur si quand comme qu d""",
    ),
    "es": _language(
        "sr sra srta sres dr dra lic ing gral av ud uds d dña prof profa pág núm p",
        "etc aprox ej ee uu",
        """el la los las un una unos unas él ella ellos ellas yo nosotros se lo pero y o en de
        del a al para por con si cuando como este esta estos estas eso esto hoy""",
    ),
    "pt": _language(
        "sr sra srta dr dra prof profa av gen dep sen exa d v p pág",
        "etc aprox ex",
        """o a os as um uma ele ela eles elas eu nós se mas e ou em no na nos nas de do da para
        por com quando como este esta isso hoje""",
    ),
    "it": _language(
        "sig sig.ra dott dott.ssa prof prof.ssa avv ing on p n",
        "ecc etc es",
        """il lo la l i gli le un uno una egli lei loro io noi si ma e o in nel nella di del
        della a al per con se quando come questo questa oggi""",
    ),
}


def _words_for(language: str) -> _Words:
    """The words around full stops for `language`; English's serve every other language."""
    return _WORDS.get(language.lower().split("-")[0].split("_")[0], _WORDS["en"])


# Places to split a long sentence, best first: after a semicolon, colon or dash; after a
# comma; before a conjunction; at any space.
_CLAUSE_TIERS = (
    re.compile(r"(?<=[;:])\s+|\s+(?=[—–]\s)|(?<=[—–])\s+"),
    re.compile(r"(?<=,)\s+"),
    re.compile(
        r"\s+(?=(?:and|but|or|nor|so|yet|because|although|though|while|which|who|"
        r"whereas|when|where|that)\s)"
    ),
    re.compile(r"\s+"),
)


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split a paragraph into sentences, not fooled by "Mr.", "U.S.", "3.5", initials or quotes,
    nor by the abbreviations of `language` (a BCP 47 tag): "z. B.", "Nr. 5", "Sr. Pérez"."""
    text = " ".join(text.split())
    words = _words_for(language)
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ends_sentence(text, match, words):
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _ends_sentence(text: str, match: re.Match[str], words: _Words) -> bool:
    following = _NEXT_WORD.match(text, match.end())
    if following is None:
        return False
    opener, word = following.groups()
    if not word:
        return False
    first = word[0]
    if not (first.isupper() or first.isdigit() or (opener and first.isalpha())):
        return False  # "e.g. this", "“Why?” she asked"
    mark = match.group()
    if not mark.startswith(".") or mark.startswith(".."):
        return True  # ! ? … and ellipses end sentences when a capital follows
    # Look back a bounded distance: a sentence-final word longer than this is no abbreviation.
    last = _LAST_WORD.search(text, max(0, match.start() - 32), match.start())
    if last is None:
        return True
    token = last.group(1).lstrip("\"'“‘([«„").lower()
    if token in words.titles:
        return False  # "Dr. Smith" never ends a sentence
    is_initial = len(token) == 1 and token.isalpha()
    parts = token.split(".")
    is_dotted = len(parts) > 1 and all(p.isalpha() and len(p) <= 2 for p in parts)  # U.S, e.g
    # German ordinals: "am 3. Mai", "der 20. Jahrhundert"; "Platz 3. Der ..." ends one.
    is_ordinal = words.ordinals and token.isdigit() and len(token) <= 3
    if token in words.abbreviations or is_initial or is_dotted or is_ordinal:
        # "It's", "I'm" start sentences as "It" and "I" do; "L'homme" as "Le" does.
        starter = _APOSTROPHE.split(word.lower().strip("\"'”’,;:"))[0]
        return starter in words.starters
    return True


def split_long(sentence: str, max_chars: int) -> list[str]:
    """Split a sentence longer than `max_chars` at clause boundaries, in time linear in its length.

    Prefers, in order: semicolons, colons and dashes; commas; conjunctions; any space. A very
    long sentence is cut greedily into pieces as long as allowed; the last two are balanced.
    """
    text = " ".join(sentence.split())
    pieces: list[str] = []
    pos = 0  # an index, not a shrinking copy, so long input stays linear
    while len(text) - pos > max_chars:
        left = len(text) - pos
        if left > 2 * max_chars:
            span = _best_cut(text, pos, lo=max_chars // 3, hi=max_chars, target=max_chars)
        else:
            lo, hi = max(left - max_chars, left // 5), min(max_chars, left - left // 5)
            span = _best_cut(text, pos, lo=lo, hi=hi, target=left // 2) or _best_cut(
                text, pos, lo=left - max_chars, hi=max_chars, target=left // 2
            )
        if span is None:
            # No space where one would help: cut inside the word.
            span = (max_chars, max_chars)
        pieces.append(text[pos : pos + span[0]])
        pos += span[1]
    if pos < len(text):
        pieces.append(text[pos:])
    return pieces


def _best_cut(text: str, pos: int, *, lo: int, hi: int, target: int) -> tuple[int, int] | None:
    """The whitespace span (relative to `pos`) starting in [lo, hi] of the best tier, nearest
    `target`."""
    lo = max(lo, 1)
    window_end = min(len(text), pos + hi + 2)
    for tier in _CLAUSE_TIERS:
        spans = [
            (m.start() - pos, m.end() - pos)
            for m in tier.finditer(text, pos + max(0, lo - 2), window_end)
            if lo <= m.start() - pos <= hi and m.start() < m.end() < len(text)
        ]
        if spans:
            return min(spans, key=lambda span: abs(span[0] - target))
    return None
