"""The four saved news pages, in German, French, Spanish and Brazilian Portuguese: every
sentence made speakable in the page's language carries no English number word."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from article2podcast.reading import read_article
from article2podcast.scripting.sentences import split_sentences
from article2podcast.scripting.speakable import speak

DATA = Path(__file__).parent / "data"
PAGES = [("heise.html", "de"), ("lemonde-1.html", "fr"), ("la-nacion.html", "es"),
         ("folha.html", "pt-BR")]  # fmt: skip
ENGLISH = {"twenty", "thousand", "hundred", "percent", "dollars", "million", "first", "minus"}


@pytest.mark.parametrize(("page", "language"), PAGES)
def test_a_pages_numbers_are_said_in_its_language(page: str, language: str) -> None:
    article = read_article(str(DATA / page))
    spoken, rules = [], Counter[str]()
    for block in article.blocks:
        for sentence in split_sentences(block.text, language):
            said, changes = speak(sentence, language=language)
            spoken.append(said)
            rules.update(change.rule for change in changes)
    words = {word.strip(".,;:!?()\"'").lower() for said in spoken for word in said.split()}
    assert not words & ENGLISH
    assert rules["number"] > 0  # the page has numbers, and they were said
