"""Word maps: each spoken word of a sentence placed in its written text, for the read-along page.

What is spoken differs from what is written ("26" is said "twenty-six", "Dr." "doctor"): both
are cut into normalised tokens (lower case, letters and digits; a written number expanded into
its words) and aligned in order with difflib; a spoken word then sits where its tokens matched,
and tokens in a stretch that differs are shared out in proportion over the written stretch.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Any

from ..model import WordTime
from ..scripting.speakable.english_numbers import words as number_words

_WRITTEN = re.compile(r"\w+(?:['’]\w+)*")
_TOKEN = re.compile(r"[^\W_]+")


def manifest_words(words: Sequence[WordTime], written: str) -> list[dict[str, Any]]:
    """The manifest's `words` of a sentence: each spoken word with its time and, where the
    alignment places it, `at`: [start, end) characters in the written text."""
    places = place_words([word.text for word in words], written)
    return [
        {
            "text": word.text,
            "start_ms": word.start_ms,
            "end_ms": word.end_ms,
            **({"at": list(place)} if place is not None else {}),
        }
        for word, place in zip(words, places, strict=True)
    ]


def place_words(spoken: Sequence[str], written: str) -> list[tuple[int, int] | None]:
    """Where each spoken word sits in `written` (character span), in order; None where it
    matches nothing written (a word the speakable text added)."""
    marks: list[tuple[str, tuple[int, int]]] = []
    for match in _WRITTEN.finditer(written):
        for token in _written_tokens(match.group()):
            marks.append((token, match.span()))
    said: list[tuple[str, int]] = [
        (token, index)
        for index, word in enumerate(spoken)
        for token in _TOKEN.findall(word.lower())
    ]
    found: list[list[tuple[int, int]]] = [[] for _ in spoken]
    matcher = difflib.SequenceMatcher(
        None, [t for t, _ in marks], [t for t, _ in said], autojunk=False
    )
    for tag, w0, w1, s0, s1 in matcher.get_opcodes():
        if tag == "insert" or tag == "delete":
            continue
        for k in range(s0, s1):
            share = w0 + (k - s0) * (w1 - w0) // (s1 - s0)
            found[said[k][1]].append(marks[share][1])
    return [
        (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None
        for spans in found
    ]


def _written_tokens(word: str) -> list[str]:
    """A written word's normalised tokens: a number as the words it is said with."""
    lowered = word.lower().replace("’", "'")
    if lowered.isdigit():
        try:
            return _TOKEN.findall(number_words(lowered).lower())
        except (ValueError, ArithmeticError):
            pass
    return _TOKEN.findall(lowered)
