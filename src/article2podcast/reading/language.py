"""The article's language: asked for (--language), else declared by the page, else detected
from the text, else English.

Detection is py3langid's (a maintained fork of langid.py, its model inside the 4.5 MB wheel).
Measured against lingua-language-detector 2.1 and langdetect 1.0.9 on the six English sample
articles, the German, French, Spanish and Portuguese news pages of tests/data and 28 short texts
(their titles, their first 20 words, one sentence in each of six languages, Russian, Greek):
all three named every article right and missed one or two titles; py3langid took 0.5 s to load
its model and 5 ms an article, lingua 5.8 s and 1.1 GB of memory (96 MB wheel; 0.3 s and 2
titles missed in its low-accuracy mode), langdetect 11 ms but is unmaintained since 2021 and
random unless seeded. py3langid's confidence is calibrated for the text's length, which is
what tells a text too short or too mixed to judge.

Most articles are English, and for those the model is not loaded at all (see `plainly_english`):
loading it is most of the time detection takes (0.78 s of a cached run of the sample before
the model was kept unpacked in the machine cache, see `language_model`; 0.1 s after).
"""

from __future__ import annotations

import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import ExportError
from ..model import Article
from ..scratch import full_message, is_full

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

DEFAULT = "en"
"""The language of an article whose language cannot be told."""
# Below this confidence the guess is not taken. On the ten whole articles py3langid is sure
# (1.00); on one sentence in each of eight languages 0.99 and over; on the pages' first 20 words
# 0.6 to 1.0 but 0.20 on TMZ's (English, with names and figures); on news titles down to 0.10
# ("Lupita Nyong'o's $150K Pearl Oscar Dress -- STOLEN": Bikol). scripts/language_detect.py.
MIN_CONFIDENCE = 0.5
MIN_LETTERS = 40
"""Fewer letters than this (a title, a caption) are not judged at all."""
_SAMPLE_CHARS = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# English's most common words, less those that are words of other languages written in Latin
# letters too ("a", "in", "is", "on", "die", "an", "to", "me", "so", "de"). In the ten English
# pages of tests/data and the samples they are 24 to 30% of the words ("the" alone 5 to 8%);
# in the German, French, Spanish and Portuguese pages 0 to 0.4% ("was", "will").
ENGLISH_WORDS = frozenset(
    "the of and that with this are have has which from they were been would their what about "
    "said you not but his her she its it was for by be will or we".split()
)
_ENGLISH_MIN_WORDS = 40
_ENGLISH_MIN_SHARE = 0.15
_THE_MIN_SHARE = 0.02
_ASCII_MIN_SHARE = 0.98
"""An English text's letters are ASCII but for a few names (99.7% in the Guardian's page)."""
_TAG = re.compile(r"^([A-Za-z]{2,3})((?:[-_][A-Za-z0-9]{1,8})*)$")

Source = Literal["asked", "declared", "detected", "default"]


@dataclass(frozen=True)
class Language:
    """An article's language and how it was known."""

    tag: str
    """BCP 47 ("de", "pt-BR")."""
    source: Source
    """"asked" (--language), "declared" (by the page), "detected" (from the text) or "default"
    (English, when the text could not tell)."""


def article_language(article: Article, requested: str | None = None) -> str:
    """The BCP 47 tag of `article`'s language; `requested` (--language) always wins."""
    return find_language(article, requested).tag


def find_language(article: Article, requested: str | None = None) -> Language:
    """`article`'s language and where it came from: `requested`, else the page's declaration,
    else detection from the title and text, else English."""
    if requested:
        return Language(requested, "asked")
    declared = normalise_tag(article.page.language) if article.page else None
    if declared:
        return Language(declared, "declared")
    detected = detect_language("\n".join([article.title, *(b.text for b in article.blocks)]))
    return Language(detected, "detected") if detected else Language(DEFAULT, "default")


def detect_language(text: str) -> str | None:
    """The primary language of `text` ("de"), or None when it is too short or too mixed."""
    sample = text[:_SAMPLE_CHARS]
    letters = [char for char in sample if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    if plainly_english(sample, letters):
        return "en"
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE and language != "zxx" else None


def plainly_english(sample: str, letters: list[str]) -> bool:
    """Whether `sample` (whose letters are `letters`) is English beyond doubt: long enough, in
    ASCII letters, and full of English's most common words. False says nothing either way
    (the model then decides); True only where the model says English too (tests/
    test_startup_language.py checks that on every page and sample)."""
    if sum(char.isascii() for char in letters) < _ASCII_MIN_SHARE * len(letters):
        return False
    words = _WORD.findall(sample.lower())
    if len(words) < _ENGLISH_MIN_WORDS:
        return False
    counts = Counter(words)
    common = sum(counts[word] for word in ENGLISH_WORDS)
    return common >= _ENGLISH_MIN_SHARE * len(words) and counts["the"] >= _THE_MIN_SHARE * len(
        words
    )


def normalise_tag(tag: str | None) -> str | None:
    """A page's declared language as a BCP 47 tag ("pt_br" -> "pt-BR"); None if it is none."""
    match = _TAG.match((tag or "").strip())
    if not match:
        return None
    subtags = [match.group(1).lower()]
    for subtag in filter(None, re.split(r"[-_]", match.group(2))):
        subtags.append(subtag.upper() if len(subtag) == 2 else subtag.lower())
    return "-".join(subtags)


def primary(tag: str) -> str:
    """The language subtag of a BCP 47 tag ("pt-BR" -> "pt")."""
    return tag.replace("_", "-").split("-")[0].lower()


def language_name(tag: str) -> str:
    """The language's English name ("Khmer"), or the tag itself where none is known."""
    try:
        from babel import Locale, UnknownLocaleError
    except ImportError:  # babel comes with trafilatura (through courlan); a name is a nicety
        return tag
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name("en")
    except (ValueError, TypeError, UnknownLocaleError):
        return tag
    return str(name) if name else tag


@cache
def _identifier() -> LanguageIdentifier:
    from .language_model import load_identifier

    try:
        return load_identifier()
    except OSError as exc:
        # py3langid unpacks its model through a temporary file: a full temporary folder is
        # the user's to fix, and said as it is everywhere else.
        temporary = Path(tempfile.gettempdir())
        if is_full(temporary):
            raise ExportError(full_message(temporary / "language-model")) from exc
        raise
