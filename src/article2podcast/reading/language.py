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
"""

from __future__ import annotations

import re
import tempfile
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
    if sum(char.isalpha() for char in sample) < MIN_LETTERS:
        return None
    language, confidence = _identifier().classify(sample)
    return str(language) if confidence >= MIN_CONFIDENCE and language != "zxx" else None


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
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    try:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    except OSError as exc:
        # py3langid unpacks its model through a temporary file: a full temporary folder is
        # the user's to fix, and said as it is everywhere else.
        temporary = Path(tempfile.gettempdir())
        if is_full(temporary):
            raise ExportError(full_message(temporary / "language-model")) from exc
        raise
