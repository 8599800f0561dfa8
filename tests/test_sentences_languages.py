"""Sentence splitting in German, French, Spanish, Portuguese and Italian, and quotations in
„…“ and « … »."""

from __future__ import annotations

import pytest

from article2podcast.scripting.quoting import split_quotes
from article2podcast.scripting.sentences import split_sentences

CASES = [
    ("de", "Das gilt z. B. für Äpfel. Die Birnen auch.", 2),
    ("de", "Er wohnt in der Str. Nr. 5 in Berlin.", 1),
    ("de", "Am 3. Mai kam er. Dann ging er.", 2),
    ("de", "Im 20. Jahrhundert war das so.", 1),
    ("de", "Er wurde Platz 3. Der Sieger kam aus Kenia.", 2),
    ("de", "Es gab Äpfel, Birnen usw. Die Kinder aßen alles.", 2),
    ("de", "Prof. Dr. Müller sprach. Er schwieg danach.", 2),
    ("de", "„Das ist gut.“ Er lachte.", 2),
    ("fr", "M. Dupont est arrivé. Il est parti.", 2),
    ("fr", "Bonjour ! Comment allez-vous ? Très bien.", 3),
    ("fr", "« Bonjour ! » Il est parti.", 2),
    ("fr", "«Bonjour ?» Il est parti.", 2),
    ("fr", "Mme Durand, p. ex. Paris, est là.", 1),
    ("es", "El Sr. Pérez llegó. Después se fue.", 2),
    ("es", "La Dra. López y EE. UU. firmaron.", 1),
    ("es", "Llegó. ¿Qué pasó? ¡Nada!", 3),
    ("es", "Vive en EE. UU. El año pasado volvió.", 2),
    ("pt", "O Sr. Silva chegou. Depois saiu.", 2),
    ("pt-BR", "A Dra. Souza falou. Ela saiu.", 2),
    ("it", "Il sig. Rossi è arrivato. Poi è partito.", 2),
    ("it", "La dott.ssa Bianchi e il prof. Verdi parlano.", 1),
]


@pytest.mark.parametrize(("language", "text", "count"), CASES)
def test_the_languages_abbreviations_and_punctuation_split_where_sentences_end(
    language: str, text: str, count: int
) -> None:
    sentences = split_sentences(text, language)
    assert len(sentences) == count, sentences
    assert " ".join(sentences) == text


def test_english_rules_split_a_german_ordinal_where_german_ones_do_not() -> None:
    """The language matters: "3. Mai" is a date in German, a sentence end in English."""
    assert len(split_sentences("Am 3. Mai kam er.", "en")) == 2
    assert len(split_sentences("Am 3. Mai kam er.", "de")) == 1


@pytest.mark.parametrize(
    "text",
    [
        "Er sagte „das ist eine lange Geschichte“ und ging.",
        "Il a dit « c'est une longue histoire » et il est parti.",
        "Dijo «es una historia muy larga» y se fue.",
    ],
)
def test_german_quotes_and_guillemets_are_quotations(text: str) -> None:
    runs = split_quotes(text)
    assert [run.quoted for run in runs] == [False, True, False]
    assert " ".join(run.text for run in runs) == text
