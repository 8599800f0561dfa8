"""Framing: the words of ours around the article (what the host says before and after it, the
chapter names of the intro and the outro, the show notes' labels and the read-along page's), in
the article's language.

Pure data. Written for English, German, French, Spanish, Portuguese and Italian; every other
language is framed in English (the article itself is still read in its own language). A language
is found by the primary subtag of its BCP 47 tag: "pt-BR", "pt-PT" and "pt" share one table,
whose wording avoids where the two differ (the gerund "está ouvindo" against "está a ouvir",
"pular" against "saltar", "arquivo" against "ficheiro").

The host speaks to the listener as radio does in each language: "Sie" in German, "vous" in
French; the page's one instruction uses the informal imperative that Spanish and Italian
interfaces use ("Selecciona", "Seleziona"). A show's name and an author's are kept as given, so the
texts avoid words that change with the name's first sound: French credits "un article signé
Ana Lima" (not "de", which would have to become "d'Ana"), Italian says "State ascoltando Atlas"
(not "Benvenuti a", which wants "ad" before a vowel). Portuguese puts "o" before the show's
name, as before any programme's ("Obrigado por ouvir o Café da Manhã").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Framing:
    """Our texts in one language; `{show}`, `{author}`, `{byline}`, `{name}` and `{title}` are
    filled in where they appear."""

    welcome: str
    """The intro's first sentence, naming the show."""
    today: str
    """The intro's second sentence when the page names no author (a colon or a full stop
    follows: the headline comes next, or not)."""
    today_by: str
    """The intro's second sentence, crediting the author."""
    colon: str
    """What ends the intro before the headline (French sets a space before it)."""
    outro: str
    """What the host says after the last paragraph."""
    intro_chapter: str
    """The intro's chapter name."""
    outro_chapter: str
    """The outro's chapter name."""
    byline: str
    """The notes' byline (the author, the site, the date)."""
    source: str
    """The notes' label before the article's address."""
    read_from_file: str
    """The notes' line naming the file the article was read from."""
    chapters: str
    """The heading over the chapters (notes, feed, page)."""
    links: str
    """The notes' heading over the article's links."""
    by: str
    """The page's credit to the author."""
    read_from: str
    """The page's label before where the article was read from."""
    read_aloud_from: str
    """The feed's label before the article's address."""
    standard_input: str
    """What the page calls an article given on standard input."""
    cover_art: str
    """The cover image's text alternative."""
    skip: str
    """The page's link past the header to the transcript."""
    episode_audio: str
    """The page's name for its player."""
    transcript: str
    """The heading over the transcript."""
    how_to: str
    """The page's line on how to play from a sentence or a word."""
    podcast_feed: str
    """The folder index's link to the feed."""
    play: str
    """The folder index's name for an episode's player."""

    def intro(self, show: str, title_follows: bool, author: str | None = None) -> str:
        """The intro: the show, then today's article (by `author`), then a colon when the
        headline follows."""
        today = self.today_by.format(author=author) if author else self.today
        return f"{self.welcome.format(show=show)} {today}{self.colon if title_follows else '.'}"


ENGLISH = Framing(
    welcome="This is {show}.",
    today="Today's article",
    today_by="Today's article, by {author}",
    colon=":",
    outro="That's the end of the article. You've been listening to {show}. Thanks for listening.",
    intro_chapter="Intro",
    outro_chapter="Outro",
    byline="By {byline}.",
    source="Source:",
    read_from_file="Read from {name}.",
    chapters="Chapters",
    links="Links",
    by="by {author}",
    read_from="Read from",
    read_aloud_from="Read aloud from",
    standard_input="standard input",
    cover_art="Cover art: {title}",
    skip="Skip to the transcript",
    episode_audio="Episode audio",
    transcript="Transcript",
    how_to="Select a sentence or a word to play from there; the one being read is highlighted.",
    podcast_feed="Podcast feed",
    play="Play {title}",
)

GERMAN = Framing(
    welcome="Willkommen bei {show}.",
    today="Der Artikel von heute",
    today_by="Heute lesen wir einen Artikel von {author}",
    colon=":",
    outro="Das war der Artikel. Sie hörten {show}. Danke fürs Zuhören.",
    intro_chapter="Begrüßung",
    outro_chapter="Verabschiedung",
    byline="Von {byline}.",
    source="Quelle:",
    read_from_file="Vorgelesen aus der Datei {name}.",
    chapters="Kapitel",
    links="Links",
    by="von {author}",
    read_from="Quelle:",
    read_aloud_from="Vorgelesen aus",
    standard_input="Standardeingabe",
    cover_art="Titelbild: {title}",
    skip="Zum Transkript springen",
    episode_audio="Audio der Folge",
    transcript="Transkript",
    how_to=(
        "Wählen Sie einen Satz oder ein Wort aus, um ab dort zu hören; was gerade vorgelesen "
        "wird, ist hervorgehoben."
    ),
    podcast_feed="Podcast-Feed",
    play="{title} anhören",
)

FRENCH = Framing(
    welcome="Vous écoutez {show}.",
    today="L'article du jour",
    today_by="Aujourd'hui, un article signé {author}",
    colon=" :",
    outro="Voilà pour cet article. Vous venez d'écouter {show}. Merci de votre écoute.",
    intro_chapter="Introduction",
    outro_chapter="Conclusion",
    byline="Par {byline}.",
    source="Source :",
    read_from_file="Lu à partir du fichier {name}.",
    chapters="Chapitres",
    links="Liens",
    by="par {author}",
    read_from="Source :",
    read_aloud_from="Lu à voix haute depuis",
    standard_input="entrée standard",
    cover_art="Image de couverture : {title}",
    skip="Aller à la transcription",
    episode_audio="Audio de l'épisode",
    transcript="Transcription",
    how_to=(
        "Sélectionnez une phrase ou un mot pour reprendre l'écoute à cet endroit ; le passage "
        "en cours de lecture est surligné."
    ),
    podcast_feed="Flux du podcast",
    play="Écouter {title}",
)

SPANISH = Framing(
    welcome="Bienvenidos a {show}.",
    today="El artículo de hoy",
    today_by="Hoy leemos un artículo de {author}",
    colon=":",
    outro="Hasta aquí el artículo. Gracias por escuchar {show}.",
    intro_chapter="Introducción",
    outro_chapter="Despedida",
    byline="Por {byline}.",
    source="Fuente:",
    read_from_file="Leído a partir del archivo {name}.",
    chapters="Capítulos",
    links="Enlaces",
    by="por {author}",
    read_from="Fuente:",
    read_aloud_from="Leído en voz alta desde",
    standard_input="entrada estándar",
    cover_art="Portada: {title}",
    skip="Ir a la transcripción",
    episode_audio="Audio del episodio",
    transcript="Transcripción",
    how_to=(
        "Selecciona una frase o una palabra para escuchar desde ahí; la que se está leyendo "
        "aparece resaltada."
    ),
    podcast_feed="Feed del podcast",
    play="Escuchar {title}",
)

PORTUGUESE = Framing(
    welcome="Bem-vindos ao {show}.",
    today="O artigo de hoje",
    today_by="Hoje vamos ler um artigo de {author}",
    colon=":",
    outro="Chegamos ao fim do artigo. Obrigado por ouvir o {show}.",
    intro_chapter="Introdução",
    outro_chapter="Encerramento",
    byline="Por {byline}.",
    source="Fonte:",
    read_from_file="Lido a partir de {name}.",
    chapters="Capítulos",
    links="Links",
    by="por {author}",
    read_from="Fonte:",
    read_aloud_from="Lido em voz alta a partir de",
    standard_input="entrada padrão",
    cover_art="Capa: {title}",
    skip="Ir para a transcrição",
    episode_audio="Áudio do episódio",
    transcript="Transcrição",
    how_to=(
        "Selecione uma frase ou uma palavra para ouvir a partir daí; a frase em leitura fica "
        "destacada."
    ),
    podcast_feed="Feed do podcast",
    play="Ouvir {title}",
)

ITALIAN = Framing(
    welcome="State ascoltando {show}.",
    today="L'articolo di oggi",
    today_by="Oggi leggiamo un articolo di {author}",
    colon=":",
    outro="Siamo arrivati alla fine dell'articolo. Grazie per aver ascoltato {show}.",
    intro_chapter="Introduzione",
    outro_chapter="Chiusura",
    byline="Di {byline}.",
    source="Fonte:",
    read_from_file="Letto dal file {name}.",
    chapters="Capitoli",
    links="Link",
    by="di {author}",
    read_from="Fonte:",
    read_aloud_from="Letto ad alta voce da",
    standard_input="standard input",
    cover_art="Copertina: {title}",
    skip="Vai alla trascrizione",
    episode_audio="Audio dell'episodio",
    transcript="Trascrizione",
    how_to=(
        "Seleziona una frase o una parola per ascoltare da lì; quella in lettura è evidenziata."
    ),
    podcast_feed="Feed del podcast",
    play="Ascolta {title}",
)

FRAMINGS: dict[str, Framing] = {
    "en": ENGLISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "pt": PORTUGUESE,
    "it": ITALIAN,
}
"""The framing by primary language subtag; any other language is framed in English."""


def primary(language: str | None) -> str:
    """The primary subtag of a BCP 47 tag, in lower case ("pt-BR" -> "pt"); "" for none. An
    underscore counts as a hyphen, as some pages write "pt_BR"."""
    return (language or "").strip().replace("_", "-").split("-", 1)[0].lower()


def framing(language: str | None) -> Framing:
    """Our texts for an article in `language` (a BCP 47 tag): its own, else English."""
    return FRAMINGS.get(primary(language), ENGLISH)


def shared_language(languages: Sequence[str]) -> str:
    """The language of a page listing episodes in `languages`: their tag when they all have
    the same, their primary subtag when they share only that ("pt-BR" and "pt-PT": "pt"),
    else English."""
    if len({tag.lower() for tag in languages}) == 1:
        return languages[0]
    if len({primary(tag) for tag in languages}) == 1:
        return primary(languages[0])
    return "en"
