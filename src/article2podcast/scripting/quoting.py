"""Quotations inside paragraphs: split a paragraph into narration and quoted runs.

Pure. A quotation long enough to matter (MIN_QUOTE_WORDS or more) becomes a run of its own,
read in the quote voice; the attribution around it ("Teigen wrote") stays with the narrator.
Joined with spaces, the runs give back the paragraph: no word is lost or moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_QUOTE_WORDS = 4
# Curly pairs (German „…“ closes with the English opener), guillemets « … » (French, Spanish,
# Italian, Portuguese), or straight double quotes paired in order. Single quotes are left
# alone: they are apostrophes as often as not, and mark short scare quotes ('healing').
_QUOTED = re.compile(r"“[^“”]*”|„[^„“”]*[“”]|«[^«»]*»|\"[^\"]*\"")
# Punctuation right after a closing quote belongs to the quotation's run ("...",).
_TRAILING = re.compile(r"[.,;:!?…]*")


@dataclass(frozen=True)
class Run:
    """A stretch of a paragraph read in one voice."""

    text: str
    """The run's text as written, quotation marks included."""
    quoted: bool
    """Whether it is a quotation (read in the quote voice)."""


def split_quotes(text: str, min_words: int = MIN_QUOTE_WORDS) -> list[Run]:
    """The paragraph as narration and quotation runs, in order."""
    text = " ".join(text.split())
    runs: list[Run] = []
    position = 0
    for match in _QUOTED.finditer(text):
        words = [w for w in match.group().split() if any(c.isalnum() for c in w)]
        end = _TRAILING.match(text, match.end()).end()  # type: ignore[union-attr]
        inside_a_word = (match.start() > 0 and not text[match.start() - 1].isspace()) or (
            end < len(text) and not text[end].isspace()
        )
        if len(words) < min_words or inside_a_word:
            continue
        _add(runs, text[position : match.start()], quoted=False)
        _add(runs, text[match.start() : end], quoted=True)
        position = end
    _add(runs, text[position:], quoted=False)
    return runs


def _add(runs: list[Run], text: str, *, quoted: bool) -> None:
    text = text.strip()
    if not text:
        return
    if runs and not quoted and not runs[-1].quoted:
        runs[-1] = Run(f"{runs[-1].text} {text}", quoted=False)
    else:
        runs.append(Run(text, quoted))
