"""Writing systems: which script an article is written in, so that a voice that cannot read it
is not asked to (espeak-ng's English voice reads Arabic or Chinese letter by letter, by name).
"""

from __future__ import annotations

import unicodedata
from collections import Counter

_SAMPLE_CHARS = 200_000
# Unicode names start with the script: "ARABIC LETTER ALEF", "CJK UNIFIED IDEOGRAPH-4ECA"...
_SCRIPT_NAMES = {
    "CJK": "Chinese or Japanese (CJK)",
    "HIRAGANA": "Japanese",
    "KATAKANA": "Japanese",
    "HANGUL": "Korean",
}


def dominant_script(text: str) -> str:
    """The script of most of the letters in `text` ("Latin", "Arabic", "Cyrillic", ...), or ""
    when there are no letters."""
    counts: Counter[str] = Counter()
    for char in text[:_SAMPLE_CHARS]:
        if char.isalpha():
            first = unicodedata.name(char, "UNKNOWN").split()[0]
            counts[_SCRIPT_NAMES.get(first, first.capitalize())] += 1
    return counts.most_common(1)[0][0] if counts else ""
