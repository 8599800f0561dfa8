"""Framing: the host's intro and outro, the chapter names, the show notes' labels and the pages'
are in the article's language (German, French, Spanish, Portuguese, Italian), English for any
other; the article's own words are never touched."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from article2podcast.episode.chapters import chapters_for
from article2podcast.episode.manifest import build_manifest
from article2podcast.episode.notes import render_notes
from article2podcast.episode.pages import episode_page, index_page
from article2podcast.model import Article, Block, Page, Script, Timing
from article2podcast.publishing.shownotes import description, show_notes
from article2podcast.scripting.framing import ENGLISH, FRAMINGS, framing, primary
from article2podcast.scripting.segments import intro_text, outro_text, script_article


@dataclass(frozen=True)
class Expected:
    """What an episode in one language says and shows (written out here, not read from the
    table, so that a changed table fails)."""

    intro_by: str
    """The intro of "Atlas" for an article by Ana Lima whose headline follows."""
    intro: str
    """The intro of "Atlas" with no author and no headline after it."""
    outro: str
    chapters: tuple[str, str]
    """The intro's and the outro's chapter names."""
    notes: tuple[str, ...]
    """Lines of the Markdown notes."""
    page: tuple[str, ...]
    """Texts a reader sees or hears read out (alt, aria-label) on the page."""
    feed: tuple[str, str]
    """The feed's chapters label and its "read aloud from" label."""


EXPECTED = {
    "en": Expected(
        "This is Atlas. Today's article, by Ana Lima:",
        "This is Atlas. Today's article.",
        "That's the end of the article. You've been listening to Atlas. Thanks for listening.",
        ("Intro", "Outro"),
        ("By Ana Lima.", "Source: <https://news.example/a>", "## Chapters", "## Links"),
        ("Skip to the transcript", "by Ana Lima", "Read from", "Episode audio", "Chapters",
         "Transcript", "Cover art: ", "Select a sentence or a word to play from there; the one "
         "being read is highlighted."),
        ("Chapters", "Read aloud from"),
    ),
    "de": Expected(
        "Willkommen bei Atlas. Heute lesen wir einen Artikel von Ana Lima:",
        "Willkommen bei Atlas. Der Artikel von heute.",
        "Das war der Artikel. Sie hörten Atlas. Danke fürs Zuhören.",
        ("Begrüßung", "Verabschiedung"),
        ("Von Ana Lima.", "Quelle: <https://news.example/a>", "## Kapitel", "## Links"),
        ("Zum Transkript springen", "von Ana Lima", "Quelle:", "Audio der Folge", "Kapitel",
         "Transkript", "Titelbild: ", "Wählen Sie einen Satz oder ein Wort aus, um ab dort zu "
         "hören; was gerade vorgelesen wird, ist hervorgehoben."),
        ("Kapitel", "Vorgelesen aus"),
    ),
    "fr": Expected(
        "Vous écoutez Atlas. Aujourd'hui, un article signé Ana Lima :",
        "Vous écoutez Atlas. L'article du jour.",
        "Voilà pour cet article. Vous venez d'écouter Atlas. Merci de votre écoute.",
        ("Introduction", "Conclusion"),
        ("Par Ana Lima.", "Source : <https://news.example/a>", "## Chapitres", "## Liens"),
        ("Aller à la transcription", "par Ana Lima", "Source :", "Audio de l'épisode",
         "Chapitres", "Transcription", "Image de couverture : ", "Sélectionnez une phrase ou un "
         "mot pour reprendre l'écoute à cet endroit ; le passage en cours de lecture est "
         "surligné."),
        ("Chapitres", "Lu à voix haute depuis"),
    ),
    "es": Expected(
        "Bienvenidos a Atlas. Hoy leemos un artículo de Ana Lima:",
        "Bienvenidos a Atlas. El artículo de hoy.",
        "Hasta aquí el artículo. Gracias por escuchar Atlas.",
        ("Introducción", "Despedida"),
        ("Por Ana Lima.", "Fuente: <https://news.example/a>", "## Capítulos", "## Enlaces"),
        ("Ir a la transcripción", "por Ana Lima", "Fuente:", "Audio del episodio", "Capítulos",
         "Transcripción", "Portada: ", "Selecciona una frase o una palabra para escuchar desde "
         "ahí; la que se está leyendo aparece resaltada."),
        ("Capítulos", "Leído en voz alta desde"),
    ),
    "pt": Expected(
        "Bem-vindos ao Atlas. Hoje vamos ler um artigo de Ana Lima:",
        "Bem-vindos ao Atlas. O artigo de hoje.",
        "Chegamos ao fim do artigo. Obrigado por ouvir o Atlas.",
        ("Introdução", "Encerramento"),
        ("Por Ana Lima.", "Fonte: <https://news.example/a>", "## Capítulos", "## Links"),
        ("Ir para a transcrição", "por Ana Lima", "Fonte:", "Áudio do episódio", "Capítulos",
         "Transcrição", "Capa: ", "Selecione uma frase ou uma palavra para ouvir a partir daí; "
         "a frase em leitura fica destacada."),
        ("Capítulos", "Lido em voz alta a partir de"),
    ),
    "it": Expected(
        "State ascoltando Atlas. Oggi leggiamo un articolo di Ana Lima:",
        "State ascoltando Atlas. L'articolo di oggi.",
        "Siamo arrivati alla fine dell'articolo. Grazie per aver ascoltato Atlas.",
        ("Introduzione", "Chiusura"),
        ("Di Ana Lima.", "Fonte: <https://news.example/a>", "## Capitoli", "## Link"),
        ("Vai alla trascrizione", "di Ana Lima", "Fonte:", "Audio dell'episodio", "Capitoli",
         "Trascrizione", "Copertina: ", "Seleziona una frase o una parola per ascoltare da lì; "
         "quella in lettura è evidenziata."),
        ("Capitoli", "Letto ad alta voce da"),
    ),
}  # fmt: skip
TRANSLATED = [language for language in EXPECTED if language != "en"]

ARTICLES = {
    "en": ("The Library Opens at Midnight", "What comes next", "The library stayed open."),
    "de": ("Die Bibliothek öffnet um Mitternacht", "Wie es weitergeht",
           "Die Bibliothek blieb am Freitag bis Mitternacht geöffnet."),
    "fr": ("La bibliothèque ouvre à minuit", "La suite",
           "La bibliothèque est restée ouverte jusqu'à minuit vendredi."),
    "es": ("La biblioteca abre a medianoche", "Lo que viene",
           "La biblioteca siguió abierta hasta la medianoche del viernes."),
    "pt": ("A biblioteca abre à meia-noite", "O que vem a seguir",
           "A biblioteca ficou aberta até a meia-noite de sexta-feira."),
    "it": ("La biblioteca apre a mezzanotte", "Cosa succede ora",
           "La biblioteca è rimasta aperta fino a mezzanotte di venerdì."),
}  # fmt: skip

ENGLISH_LABELS = (
    "This is", "Today's article", "Thanks for listening", "Intro", "Outro", "Skip to the",
    "by", "Read from", "Episode audio", "Chapters", "Transcript", "Cover art", "Select a",
    "being read", "highlighted", "Podcast feed", "Play", "standard input",
)  # fmt: skip
"""What the English page said before issue 18: none of it is left on a translated page."""


def article(language: str, *, author: str | None = "Ana Lima") -> Article:
    title, heading, paragraph = ARTICLES[language]
    return Article(
        title,
        (Block("paragraph", paragraph), Block("heading", heading), Block("paragraph", paragraph)),
        source="https://news.example/a",
        links=("https://news.example/b",),
        page=Page(author=author, url="https://news.example/a", language=language),
    )


def timed(script: Script) -> tuple[list[list[Timing]], list[Timing]]:
    """Each sentence a second long, one after another: per segment per sentence, and per
    segment."""
    sentences, segments, at = [], [], 0
    for segment in script.segments:
        count = len(segment.sentences)
        sentences.append([Timing(at + 1000 * i, at + 1000 * (i + 1)) for i in range(count)])
        segments.append(Timing(at, at + 1000 * count))
        at += 1000 * count
    return sentences, segments


def manifest(language: str, *, tag: str | None = None, source: str | None = None) -> dict[str, Any]:
    """The manifest of an episode of `article(language)`, timed by `timed`, declared as `tag`."""
    made = article(language)
    script = script_article(made, show="Atlas", language=tag or language)
    sentences, segments = timed(script)
    duration = segments[-1].end_ms
    chapters = chapters_for(script, segments, duration)
    details = {
        "source": source or made.source,
        "page": {"author": "Ana Lima", "url": "https://news.example/a", "language": language},
        "show": "Atlas",
        "audio": "episode.mp3",
        "chapters": [
            {"start_ms": c.start_ms, "end_ms": c.end_ms, "title": c.title} for c in chapters
        ],
        "produced": "2025-01-02T03:04:05+00:00",
    }
    return build_manifest(script, sentences, duration_ms=duration, details=details)


class _Visible(HTMLParser):
    """A page's text as a reader meets it: its text outside scripts and styles, and the
    alternatives a screen reader reads (alt, aria-label)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        self.texts += [value or "" for name, value in attrs if name in ("alt", "aria-label")]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.texts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " | ".join(" ".join(text.split()) for text in parser.texts if text.strip())


def english_left(text: str) -> list[str]:
    return [label for label in ENGLISH_LABELS if re.search(rf"\b{re.escape(label)}\b", text)]


@pytest.mark.parametrize("language", EXPECTED)
def test_the_intro_and_the_outro_are_in_the_articles_language(language: str) -> None:
    expected = EXPECTED[language]
    assert intro_text("Atlas", True, "Ana Lima", language) == expected.intro_by
    assert intro_text("Atlas", False, None, language) == expected.intro
    assert outro_text("Atlas", language) == expected.outro


@pytest.mark.parametrize("language", EXPECTED)
def test_the_intro_ends_in_a_colon_only_when_the_headline_follows(language: str) -> None:
    before_headline = intro_text("Atlas", True, None, language)
    assert before_headline.endswith(":")
    assert before_headline.removesuffix(":").rstrip() + "." == EXPECTED[language].intro
    assert intro_text("Atlas", False, "Ana Lima", language) == (
        EXPECTED[language].intro_by.removesuffix(":").rstrip() + "."
    )


@pytest.mark.parametrize("language", EXPECTED)
def test_the_script_is_framed_in_its_language_by_the_host(language: str) -> None:
    script = script_article(article(language), show="Atlas", language=language)
    first, last = script.segments[0], script.segments[-1]
    assert (first.kind, first.role, first.text) == ("intro", "host", EXPECTED[language].intro_by)
    assert (last.kind, last.role, last.text) == ("outro", "host", EXPECTED[language].outro)
    assert script.segments[1].text == ARTICLES[language][0]  # the headline, as written


@pytest.mark.parametrize("language", EXPECTED)
def test_the_intro_and_outro_chapters_are_named_in_its_language(language: str) -> None:
    made = manifest(language)
    titles = [chapter["title"] for chapter in made["chapters"]]
    title, heading, _ = ARTICLES[language]
    intro, outro = EXPECTED[language].chapters
    assert titles == [intro, title, heading, outro]


@pytest.mark.parametrize("language", EXPECTED)
def test_the_show_notes_are_labelled_in_its_language(language: str) -> None:
    made = article(language)
    script = script_article(made, show="Atlas", language=language)
    _, segments = timed(script)
    chapters = chapters_for(script, segments, segments[-1].end_ms)
    notes = render_notes(made, chapters, show="Atlas", duration_ms=9000, language=language)
    lines = notes.splitlines()
    for line in EXPECTED[language].notes:
        assert line in lines, (line, notes)
    assert f"- 0:00 {EXPECTED[language].chapters[0]}" in lines


@pytest.mark.parametrize("language", TRANSLATED)
def test_notes_of_a_local_file_name_it_in_its_language(language: str) -> None:
    made = Article("T", (Block("paragraph", "x"),), source="/home/me/artikel.txt")
    notes = render_notes(made, [], show="Atlas", duration_ms=0, language=language)
    line = notes.splitlines()[4]
    assert "artikel.txt" in line and not english_left(line), line


@pytest.mark.parametrize("language", EXPECTED)
def test_the_feeds_show_notes_are_labelled_in_its_language(language: str) -> None:
    chapters, read_aloud_from = EXPECTED[language].feed
    made = manifest(language)
    html = show_notes(made)
    assert f"<p>{chapters}</p>" in html
    assert f"<p>{read_aloud_from} <a " in html
    assert description(made).endswith(f"({read_aloud_from} https://news.example/a.)")


@pytest.mark.parametrize("language", EXPECTED)
def test_the_page_is_in_its_language(language: str) -> None:
    page = episode_page(manifest(language), cover="episode.png")
    assert f'<html lang="{language}">' in page
    shown = visible(page)
    for label in EXPECTED[language].page:
        assert label in shown, (label, shown)


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_label_is_left_on_a_translated_page(language: str) -> None:
    shown = visible(episode_page(manifest(language), cover="episode.png"))
    assert english_left(shown) == [], shown


def test_the_scan_finds_the_english_labels() -> None:
    """The scan above can fail: on the English page it finds every label the page shows."""
    shown = visible(episode_page(manifest("en"), cover="episode.png"))
    found = english_left(shown)
    assert {"Skip to the", "by", "Read from", "Chapters", "Transcript", "Cover art", "Intro"} <= (
        set(found)
    )


@pytest.mark.parametrize("language", ["de", "fr", "es", "pt"])
def test_an_article_on_standard_input_says_so_in_its_language(language: str) -> None:
    made = manifest(language, source="-")
    made["page"] = None
    shown = visible(episode_page(made, cover=None))
    assert framing(language).standard_input in shown and not english_left(shown), shown


def test_the_page_takes_its_language_from_the_manifest_then_the_page() -> None:
    made = manifest("de", tag="de-AT")
    assert '<html lang="de-AT">' in episode_page(made, cover=None)
    del made["language"]  # a manifest from before issue 18: the page's declaration
    assert '<html lang="de">' in episode_page(made, cover=None)
    made["page"] = None
    assert '<html lang="en">' in episode_page(made, cover=None)


def test_the_index_is_in_the_language_its_episodes_share() -> None:
    german = manifest("de")
    page = index_page("Atlas", [("a.html", german), ("b.html", manifest("de"))])
    assert '<html lang="de">' in page and "<li>" in page
    assert ">Podcast-Feed</a>" in page
    assert f'aria-label="{ARTICLES["de"][0]} anhören"' in page
    assert not english_left(visible(page).replace("Atlas", ""))


def test_an_index_of_several_languages_is_english_and_marks_each_episode() -> None:
    page = index_page("Atlas", [("a.html", manifest("de")), ("b.html", manifest("fr"))])
    assert '<html lang="en">' in page and ">Podcast feed</a>" in page
    assert '<li lang="de">' in page and '<li lang="fr">' in page


def test_brazilian_and_european_portuguese_share_an_index_in_portuguese() -> None:
    page = index_page(
        "Atlas",
        [("a.html", manifest("pt", tag="pt-BR")), ("b.html", manifest("pt", tag="pt-PT"))],
    )
    assert '<html lang="pt">' in page and ">Feed do podcast</a>" in page
    assert '<li lang="pt-BR">' in page and '<li lang="pt-PT">' in page


@pytest.mark.parametrize(
    ("tag", "table"),
    [("pt-BR", "pt"), ("pt-PT", "pt"), ("pt_br", "pt"), ("PT", "pt"), ("de-AT", "de"),
     ("de-CH-1996", "de"), ("fr-CA", "fr"), ("es-419", "es"), ("it-IT", "it"), ("en-GB", "en"),
     ("sv", "en"), ("zh-Hans", "en"), ("", "en"), (None, "en")],
)  # fmt: skip
def test_a_language_is_framed_by_its_primary_subtag(tag: str | None, table: str) -> None:
    assert framing(tag) is FRAMINGS[table]


def test_primary_subtag() -> None:
    assert [primary(t) for t in ("pt-BR", "DE", "zh_Hant_TW", " fr ", None)] == [
        "pt", "de", "zh", "fr", ""
    ]  # fmt: skip


def test_an_unknown_language_is_framed_in_english() -> None:
    """Swedish is read in Swedish, but what we say around it is English (and the page still
    declares Swedish, its transcript's language)."""
    assert intro_text("Atlas", True, "Ana Lima", "sv") == EXPECTED["en"].intro_by
    assert outro_text("Atlas", "sv") == EXPECTED["en"].outro
    made = manifest("en", tag="sv")
    assert [made["chapters"][0]["title"], made["chapters"][-1]["title"]] == ["Intro", "Outro"]
    page = episode_page(made, cover=None)
    assert '<html lang="sv">' in page and ">Chapters</h2>" in page and ">Transcript</h2>" in page


def test_every_table_fills_every_text() -> None:
    """No translation is left empty, and each keeps the placeholders of the English one."""
    for name, table in FRAMINGS.items():
        for field, english in vars(ENGLISH).items():
            text = getattr(table, field)
            assert text.strip() or field == "colon", (name, field)
            assert re.findall(r"{\w+}", text) == re.findall(r"{\w+}", english), (name, field)


GERMAN_ARTICLE = """Die Bibliothek öffnet um Mitternacht

Die Bibliothek in der Hauptstraße blieb am Freitag bis Mitternacht geöffnet.

Wie es weitergeht

Im Frühjahr versucht die Bibliothek es noch einmal.
"""


@pytest.mark.slow
def test_a_german_episode_is_framed_in_german(
    run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    """Made with the real engine: the manifest's intro and outro, the chapters, the notes and
    the page are German (the voices are the voice helpers' part: not asserted here)."""
    source = tmp_path / "bibliothek.txt"
    source.write_text(GERMAN_ARTICLE, encoding="utf-8")
    out = tmp_path / "folge.mp3"
    done = run_cli(source, "-o", out, "--language", "de")
    assert done.returncode == 0, done.stderr
    made = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert made["language"] == "de"
    intro, outro = made["segments"][0], made["segments"][-1]
    assert (intro["kind"], intro["text"]) == (
        "intro", "Willkommen bei article2podcast. Der Artikel von heute:"
    )
    assert (outro["kind"], outro["text"]) == (
        "outro", "Das war der Artikel. Sie hörten article2podcast. Danke fürs Zuhören."
    )
    chapters = json.loads(out.with_suffix(".chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in chapters["chapters"]] == [
        "Begrüßung", "Die Bibliothek öffnet um Mitternacht", "Wie es weitergeht", "Verabschiedung"
    ]  # fmt: skip
    assert [c["title"] for c in made["chapters"]] == [c["title"] for c in chapters["chapters"]]
    notes = out.with_suffix(".md").read_text(encoding="utf-8").splitlines()
    assert "## Kapitel" in notes and "Vorgelesen aus der Datei bibliothek.txt." in notes
    page = out.with_suffix(".html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page
    shown = visible(page)
    assert "Kapitel" in shown and "Transkript" in shown and not english_left(shown), shown
