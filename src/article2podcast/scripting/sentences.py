"""Splitting text into sentences, and long sentences into pieces the engine reads well.

Pure functions. Joining the returned pieces with single spaces gives back the input with its
whitespace collapsed, so no word is ever lost or repeated.
"""

from __future__ import annotations

import re

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

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_WORD = re.compile(r"\s+([\"'“‘(\[]*)(\S*)")
_LAST_WORD = re.compile(r"(\S+)$")
_APOSTROPHE = re.compile(r"['’]")

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


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, not fooled by "Mr.", "U.S.", "3.5", initials or quotes."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ends_sentence(text, match):
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
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
    token = last.group(1).lstrip("\"'“‘([").lower()
    if token in TITLES:
        return False  # "Dr. Smith" never ends a sentence
    is_initial = len(token) == 1 and token.isalpha()
    parts = token.split(".")
    is_dotted = len(parts) > 1 and all(p.isalpha() and len(p) <= 2 for p in parts)  # U.S, e.g
    if token in ABBREVIATIONS or is_initial or is_dotted:
        # "It's", "I'm" start sentences as "It" and "I" do.
        starter = _APOSTROPHE.split(word.lower().strip("\"'”’,;:"))[0]
        return starter in SENTENCE_STARTERS
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
