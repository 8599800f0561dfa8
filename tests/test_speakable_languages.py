"""Speakable text in German, French, Spanish, Portuguese and Italian, and the fallback for
every other language (no English word is put into another language's text)."""

from __future__ import annotations

import pytest

from article2podcast.scripting.speakable import speak, speakable

CASES = {
    "de": [
        ("37 Millionen", "siebenunddreißig Millionen"),
        ("1.234 Menschen", "eintausendzweihundertvierunddreißig Menschen"),
        ("3,5 Tonnen", "drei Komma fünf Tonnen"),
        ("3,14", "drei Komma eins vier"),
        ("-5 Grad", "minus fünf Grad"),
        ("der 3. Platz", "der dritte Platz"),
        ("im 20. Jahrhundert", "im zwanzigsten Jahrhundert"),
        ("Platz 3. Der Rest", "Platz drei. Der Rest"),
        ("Im Jahr 1995", "Im Jahr neunzehnhundertfünfundneunzig"),
        ("2015", "zweitausendfünfzehn"),
        ("am 3. Mai 2015", "am dritten Mai zweitausendfünfzehn"),
        ("03.05.2015", "dritte Mai zweitausendfünfzehn"),
        ("um 15:30 Uhr", "um fünfzehn Uhr dreißig"),
        ("um 15.30 Uhr", "um fünfzehn Uhr dreißig"),
        ("um 1 Uhr", "um ein Uhr"),
        ("Es steht 2:1.", "Es steht zwei zu eins."),
        ("5 €", "fünf Euro"),
        ("1 €", "ein Euro"),
        ("€5", "fünf Euro"),
        ("5,50 €", "fünf Euro und fünfzig Cent"),
        ("2,5 Mio. €", "zwei Komma fünf Millionen Euro"),
        ("$10", "zehn Dollar"),
        ("5 %", "fünf Prozent"),
        ("5-7 %", "fünf bis sieben Prozent"),
        ("10-15 km/h", "zehn bis fünfzehn Kilometer pro Stunde"),
        ("z. B. hier", "zum Beispiel hier"),
        ("z.B. hier", "zum Beispiel hier"),
        ("d. h. nichts", "das heißt nichts"),
        ("Äpfel usw.", "Äpfel und so weiter."),
        ("Dr. Müller", "Doktor Müller"),
        ("Nr. 5", "Nummer fünf"),
        ("Ludwig XIV. Er", "Ludwig der Vierzehnte. Er"),
        ("Spiegel & Co", "Spiegel und Co"),
    ],
    "fr": [
        ("21 ans", "vingt et un ans"),
        ("1 234,5 euros", "mille deux cent trente-quatre virgule cinq euros"),
        ("1\u202f234 habitants", "mille deux cent trente-quatre habitants"),
        ("2,25", "deux virgule vingt-cinq"),
        ("le 1er mai", "le premier mai"),
        ("la 1re fois", "la première fois"),
        ("la 2e fois", "la deuxième fois"),
        ("le XXIe siècle", "le vingt et unième siècle"),
        ("Louis XIV", "Louis quatorze"),
        ("François Ier", "François premier"),
        ("Le 3 mai 2015", "Le trois mai deux mille quinze"),
        ("03/05/2015", "trois mai deux mille quinze"),
        ("à 15 h 30", "à quinze heures trente"),
        ("à 15h", "à quinze heures"),
        ("à 1 h", "à une heure"),
        ("5 €", "cinq euros"),
        ("3 millions €", "trois millions d'euros"),
        ("5 %", "cinq pour cent"),
        ("M. Dupont", "Monsieur Dupont"),
        ("Mme Durand", "Madame Durand"),
        ("p. ex. ceci", "par exemple ceci"),
        ("Le score", "Le score"),
    ],
    "es": [
        ("21", "veintiuno"),
        ("1.500", "mil quinientos"),
        ("3,5 millones", "tres coma cinco millones"),
        ("el 1º de mayo", "el primero de mayo"),
        ("la 2ª vez", "la segunda vez"),
        ("3 de mayo de 2015", "tres de mayo de dos mil quince"),
        ("a las 15:30", "a las quince y treinta"),
        ("a las 15 hs", "a las quince horas"),
        ("a la 1:00", "a la una"),
        ("US$ 5 millones", "cinco millones de dólares"),
        ("$ 1.500", "mil quinientos pesos"),
        ("5 €", "cinco euros"),
        ("5,5 %", "cinco coma cinco por ciento"),
        ("el Sr. Pérez", "el señor Pérez"),
        ("la Sra. Gómez", "la señora Gómez"),
        ("EE. UU.", "Estados Unidos."),
        ("EE.UU. y", "Estados Unidos y"),
        ("Felipe VI", "Felipe sexto"),
        ("Alfonso XIII", "Alfonso trece"),
        ("el siglo XXI", "el siglo veintiuno"),
    ],
    "pt-BR": [
        ("1.234 pessoas", "mil duzentos e trinta e quatro pessoas"),
        ("3,5 milhões", "três vírgula cinco milhões"),
        ("1º de maio", "primeiro de maio"),
        ("a 2ª vez", "a segunda vez"),
        ("às 15h30", "às quinze horas e trinta"),
        ("às 2h", "às duas horas"),
        ("R$ 10", "dez reais"),
        ("R$ 1", "um real"),
        ("R$ 10,50", "dez reais e cinquenta centavos"),
        ("R$ 5 milhões", "cinco milhões de reais"),
        ("R$ 5 mil", "cinco mil reais"),
        ("US$ 3", "três dólares"),
        ("3,5%", "três vírgula cinco por cento"),
        ("o Sr. Silva", "o senhor Silva"),
        ("a Dra. Souza", "a doutora Souza"),
        ("D. João VI", "dom João sexto"),
    ],
    "pt": [
        ("1.234 pessoas", "mil duzentos e trinta e quatro pessoas"),
        ("5,50 €", "cinco euros e cinquenta cêntimos"),
        ("dois mil e quinze", "dois mil e quinze"),
        ("2015", "dois mil e quinze"),
    ],
    "it": [
        ("21 anni", "ventuno anni"),
        ("3,05", "tre virgola zero cinque"),
        ("1.234", "milleduecentotrentaquattro"),
        ("la 1ª volta", "la prima volta"),
        ("il 1 maggio", "il primo maggio"),
        ("alle 15:30", "alle quindici e trenta"),
        ("5 €", "cinque euro"),
        ("5 milioni €", "cinque milioni di euro"),
        ("5 %", "cinque per cento"),
        ("il sig. Rossi", "il signor Rossi"),
        ("la dott.ssa Bianchi", "la dottoressa Bianchi"),
        ("Vittorio Emanuele II", "Vittorio Emanuele secondo"),
        ("il XXI secolo", "il ventunesimo secolo"),
    ],
}


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [(language, written, said) for language, cases in CASES.items() for written, said in cases],
)
def test_the_engine_is_given_what_a_reader_of_the_language_would_say(
    language: str, written: str, said: str
) -> None:
    assert speakable(written, language=language) == said


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("ru", "В 2015 году 26 человек, 3,5 процента и 1 234 рубля."),
        ("el", "Το 2015 ήταν 26 άνθρωποι, 3,5 % και 10 €."),
        ("ru", "Доктор Dr. Иванов и т. д. 15:30"),
    ],
)
def test_another_language_keeps_its_digits_and_gets_no_english(language: str, written: str) -> None:
    """espeak-ng reads digits in its voice's language; the English rules would say them in
    English ("twenty-six")."""
    said = speakable(written, language=language)
    assert said == written
    assert not {"twenty", "percent", "thousand", "Doctor", "euros"} & set(said.split())


def test_english_stays_the_default() -> None:
    assert speakable("26 people", language="en-GB") == "twenty-six people"
    assert speakable("26 people") == "twenty-six people"


def test_a_language_change_is_recorded_with_its_rule() -> None:
    _, changes = speak("Am 3. Mai um 15:30 Uhr, z. B. 5 %.", language="de")
    rules = {(change.written, change.said, change.rule) for change in changes}
    assert ("3. Mai", "dritten Mai", "date") in rules
    assert ("15:30 Uhr", "fünfzehn Uhr dreißig", "time") in rules
    assert ("z. B.", "zum Beispiel", "abbreviation") in rules
    assert ("5 %", "fünf Prozent", "percent") in rules


def test_a_number_too_long_for_num2words_is_read_digit_by_digit() -> None:
    said = speakable("1234567890123456789012", language="fr")
    assert said.split()[:3] == ["un", "deux", "trois"]
