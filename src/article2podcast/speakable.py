"""Speakable text: what the engine is given, derived from what the article says.

Pure. For now this removes what a speech engine must never see (control characters, which
espeak-ng obeys as embedded commands) and says our own name right; rules for numbers,
abbreviations and a user lexicon belong here too.
"""

from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Pictographs and decorative symbols: a speech engine reads their Unicode names, or nothing.
_DECORATIVE = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\u20e3]"
)
BUILTIN_LEXICON = {"article2podcast": "article to podcast"}
_LEXICON_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in BUILTIN_LEXICON) + r")\b", re.IGNORECASE
)


def speakable(text: str) -> str:
    """The text to send to the engine for `text`."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _DECORATIVE.sub("", text)
    text = _LEXICON_PATTERN.sub(lambda m: BUILTIN_LEXICON[m.group(1).lower()], text)
    return " ".join(text.split())


def has_words(text: str) -> bool:
    """Whether there is anything to say: a letter or a digit."""
    return any(c.isalnum() for c in text)
