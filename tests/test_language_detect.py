"""The article's language: --language wins, then the page's declaration, then detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.episode.tagging import iso639_2
from article2podcast.model import Article, Block, Page
from article2podcast.publishing.feed import shared_language
from article2podcast.reading import read_article
from article2podcast.reading.language import (
    article_language,
    detect_language,
    find_language,
    language_name,
    normalise_tag,
)

DATA = Path(__file__).parent / "data"


def _article(text: str, declared: str | None = None) -> Article:
    page = Page(language=declared) if declared is not None else None
    return Article(title="", blocks=(Block("paragraph", text),), page=page)


class TestPages:
    @pytest.mark.parametrize(
        ("name", "language", "source"),
        [
            ("heise.html", "de", "declared"),
            ("lemonde-1.html", "fr", "declared"),
            ("la-nacion.html", "es", "detected"),  # it declares none
            ("folha.html", "pt-BR", "declared"),
            *[(f"{n}.txt", "en", "detected") for n in ("ars-1", "bbc-1", "guardian-1")],
            *[(f"{n}.txt", "en", "detected") for n in ("john-legend", "nytimes-1", "tmz-1")],
        ],
    )
    def test_each_page_has_its_language(self, name: str, language: str, source: str) -> None:
        found = find_language(read_article(str(DATA / name)))
        assert (found.tag, found.source) == (language, source)

    @pytest.mark.parametrize(
        ("name", "language"),
        [("heise.html", "de"), ("lemonde-1.html", "fr"), ("folha.html", "pt")],
    )
    def test_detection_agrees_with_the_declaration(self, name: str, language: str) -> None:
        article = read_article(str(DATA / name))
        text = "\n".join(block.text for block in article.blocks)
        assert detect_language(text) == language


class TestRules:
    def test_language_asked_for_always_wins(self) -> None:
        article = read_article(str(DATA / "heise.html"))
        assert article_language(article, "it") == "it"

    def test_a_declaration_wins_over_detection(self) -> None:
        text = "Die Regierung hat am Montag neue Regeln für den Datenschutz beschlossen. " * 3
        assert find_language(_article(text, "fr")).tag == "fr"
        assert find_language(_article(text)).tag == "de"

    def test_a_declaration_that_is_no_language_is_ignored(self) -> None:
        text = "Die Regierung hat am Montag neue Regeln für den Datenschutz beschlossen. " * 3
        assert find_language(_article(text, "x-default")).tag == "de"

    @pytest.mark.parametrize(
        "text",
        [
            "Hello",
            "Lupita Nyong'o's $150K Pearl Oscar Dress -- STOLEN",
            "COVID-19 iPhone 15 Pro Max",
            "",
        ],
    )
    def test_a_text_too_short_to_tell_is_english(self, text: str) -> None:
        assert detect_language(text) is None
        found = find_language(_article(text))
        assert (found.tag, found.source) == ("en", "default")

    @pytest.mark.parametrize(
        ("text", "language"),
        [
            ("Die Regierung hat am Montag neue Regeln für den Datenschutz beschlossen, die ab "
             "dem kommenden Jahr für alle Unternehmen gelten sollen.", "de"),
            ("Le gouvernement a présenté lundi un nouveau projet de loi sur la protection des "
             "données, qui doit entrer en vigueur l'an prochain.", "fr"),
            ("El gobierno presentó el lunes un nuevo proyecto de ley sobre la protección de "
             "datos, que entrará en vigor el próximo año.", "es"),
            ("O governo apresentou na segunda-feira um novo projeto de lei sobre a proteção de "
             "dados, que deve entrar em vigor no próximo ano.", "pt"),
            ("Il governo ha presentato lunedì un nuovo disegno di legge sulla protezione dei "
             "dati, che entrerà in vigore il prossimo anno.", "it"),
            ("Правительство в понедельник представило новый законопроект о защите данных.", "ru"),
            ("Η κυβέρνηση παρουσίασε τη Δευτέρα ένα νέο νομοσχέδιο για την προστασία των "
             "δεδομένων.", "el"),
        ],
    )  # fmt: skip
    def test_one_sentence_is_enough(self, text: str, language: str) -> None:
        assert detect_language(text) == language

    def test_a_mixed_text_is_in_the_language_of_most_of_it(self) -> None:
        """An English report quoting a German minister is English."""
        text = (
            "The government presented a new bill on data protection on Monday. The minister "
            "told reporters: 'Die Regierung hat neue Regeln beschlossen.' Critics said the "
            "bill did not go far enough and that companies would find ways around it."
        )
        assert detect_language(text) == "en"


@pytest.mark.parametrize(
    ("declared", "tag"),
    [("de", "de"), ("pt_br", "pt-BR"), ("EN-us", "en-US"), ("x-default", None), ("", None)],
)
def test_declared_tags_are_normalised(declared: str, tag: str | None) -> None:
    assert normalise_tag(declared) == tag


@pytest.mark.parametrize(
    ("tag", "name"), [("km", "Khmer"), ("de", "German"), ("pt-BR", "Portuguese (Brazil)")]
)
def test_languages_have_english_names(tag: str, name: str) -> None:
    assert language_name(tag) == name


@pytest.mark.parametrize(
    ("tag", "code"), [("de", "deu"), ("pt-BR", "por"), ("ar", "ara"), ("cmn", "cmn"), ("xx", "und")]
)
def test_tags_carry_iso_639_2(tag: str, code: str) -> None:
    assert iso639_2(tag) == code


@pytest.mark.parametrize(
    ("languages", "channel"),
    [(["de", "de"], "de"), (["fr", "de", "fr"], "fr"), ([None, None], "en"), ([], "en")],
)
def test_the_feed_speaks_its_episodes_language(
    languages: list[str | None], channel: str
) -> None:
    assert shared_language([{"language": language} for language in languages]) == channel
