"""How well a clip was heard: 1 - the word error rate between what it was meant to say and
what the recogniser heard, both normalised the same way. Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..scripting.speakable import speakable

THRESHOLD = 0.75
"""A clip heard worse than this is narrated again (`--verify`). On john-legend.txt with
espeak-ng (scripts/verify_study.py), the sentences' deciles are 0.37 0.74 0.80 0.83 0.88 0.93
0.95 1 1: a sentence read right loses a word or two to names ("Teigen" heard "Tagen"), so
0.75 redoes the fifth that is heard worse than that, not the names."""

_WORD = re.compile(r"[a-z0-9]+")
# Whisper writes thousands as "6 ,000" and times as "8am": put them as we write them.
_SPACED_THOUSANDS = re.compile(r"(\d) ,(?=\d{3}\b)")
_SPELLED = re.compile(r"\b[a-z](?: [a-z]\b)+")
_GLUED_UNIT = re.compile(r"(\d)(?!(?:st|nd|rd|th)\b)(?=[a-z])")


def normalise(text: str, language: str = "en") -> list[str]:
    """The words of `text` as both sides are compared: numbers, money, percentages, ordinals
    and symbols said in words by the same rules that made the text the engine was given (so
    the recogniser's "26" is our "twenty-six", its "2020" our "twenty twenty"), in lower
    case, with accents, apostrophes, hyphens and punctuation left out."""
    # Lower case first: the rules would spell out a word in capitals as an acronym.
    text = _GLUED_UNIT.sub(r"\1 ", _SPACED_THOUSANDS.sub(r"\1,", text.lower()))
    said = speakable(text, language=language)
    plain = unicodedata.normalize("NFKD", said.lower()).replace("'", "").replace("’", "")
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return _WORD.findall(_letters_joined(plain))


def _letters_joined(text: str) -> str:
    """Runs of single letters apart only by spaces as one word: we tell the engine "T M Z" and
    "a m" so that it spells them, and the recogniser writes "TMZ" and "am"."""
    return _SPELLED.sub(lambda run: run.group().replace(" ", ""), text)


def word_errors(meant: Sequence[str], heard: Sequence[str]) -> int:
    """The fewest words substituted, left out or added to turn `meant` into `heard`."""
    previous = list(range(len(heard) + 1))
    for i, word in enumerate(meant, 1):
        current = [i]
        for j, other in enumerate(heard, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def score(meant: str, heard: str, language: str = "en") -> float:
    """1 - WER of `heard` against `meant` (the text the engine was told), clamped to 0..1."""
    reference, hypothesis = normalise(meant, language), normalise(heard, language)
    if not reference:
        return 1.0 if not hypothesis else 0.0
    return max(0.0, 1.0 - word_errors(reference, hypothesis) / len(reference))
