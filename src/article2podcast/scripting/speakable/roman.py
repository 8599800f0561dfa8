"""Roman numerals: which words in capitals are numerals, and what they are worth.

Pure. A word is read as a numeral only when it is one, written the canonical way ("XL", never
"XXXX" or "IL"), and the English rules have found the context that makes it one ("Chapter XL",
"Louis XIV"). English words spelled with the same letters ("MIX", "CIVIL", "LIVID") are words
wherever they stand.
"""

from __future__ import annotations

import re

_CANONICAL = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
# Every English word of two to five letters written only with numeral letters (I is the one
# vowel among them), as a dictionary lists them, plus "MIC", "MIDI" and "VIX", said as words.
# Of these only MIX is also a canonical numeral (1009); the rest would be spelled as acronyms.
WORDS = frozenset(
    "CIVIC CIVIL DID DILL DIM ILL LID LIVID MIC MID MIDI MILD MILL MIMIC MIX VIM VIVID VIX".split()
)


def is_numeral(word: str) -> bool:
    """Whether `word` is a canonical Roman numeral and not an English word."""
    return bool(word) and word not in WORDS and _CANONICAL.fullmatch(word) is not None


def value(numeral: str) -> int:
    """The value of a canonical numeral ("XL" -> 40)."""
    total = 0
    for index, letter in enumerate(numeral):
        worth = _VALUES[letter]
        following = _VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -worth if worth < following else worth
    return total
