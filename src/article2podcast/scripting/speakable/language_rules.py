"""Rules for German, French, Spanish, Portuguese and Italian, built from each language's table
(`language_tables`), and the language-neutral fallback for every other language.

Pure. The same order as the English rules: addresses, money, percentages, units, times, dates,
ordinals, Roman numerals, ranges, numbers, abbreviations, symbols, pauses. Each rule's output is
words no later rule matches again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from . import roman
from .english import RULERS, Rule
from .language_numbers import amount, cardinal, feminine, ordinal, year
from .language_tables import FRENCH, GERMAN, Language

_SIGN = r"(?P<sign>(?<![\w.,])[-−])?"
# Regnal names in the five languages, beside the English ones ("Ludwig XIV", "Felipe VI").
_RULERS = RULERS | frozenset(
    """Ludwig Louis Luis Luigi Luís Heinrich Henri Enrique Henrique Enrico Karl Carlos Carlo
    Friedrich Frédéric Federico Guillaume Guillermo Guilherme Guglielmo Philipp Philippe Felipe
    Filipe Filippo Johannes Jean Juan João Giovanni Johann Paulo Pablo Paolo Benedikt Benoît
    Benedicto Bento Benedetto Pie Pío Pio Léon León Leão Leone Gregor Grégoire Gregorio Gregório
    Franziskus François Francisco Francesco Afonso Fernando Ferdinando Pedro Pierre Pietro
    Isabel Isabella Elisabeth Élisabeth Vittorio Umberto Napoléon Napoleon Sancho Manuel Maria
    Maximilian Konrad Clemens Clément Clemente Innozenz Inocencio Innocenzo Sixtus Sixte Sisto
    Emanuele Miguel Jaime Jacques Giacomo Jakob Nikolaus Nicolas Alexandre Alejandro Alessandro
    Katharina Catalina Caterina Carlos""".split()
)
# After these German words an ordinal takes "-n" ("am dritten Mai", "im 20. Jahrhundert").
_GERMAN_DATIVE = frozenset("am im vom zum beim dem den des zur seit ab".split())
# Capitalised words that start a German sentence: "Platz 3. Der ..." ends one, "3. Platz" not.
GERMAN_STARTERS = frozenset(
    """der die das den dem des ein eine er sie es ich wir ihr man dann aber und doch auch so
    wie was wer wo als nach bei mit in im am auf an aus für von vor zu zum zur dies diese dieser
    damit denn deshalb trotzdem zudem außerdem nun noch seit bis um unter über nicht kein keine
    mehr heute jetzt""".split()
)


def _number(language: Language) -> str:
    """A number as `language` writes it: thousands grouped, a decimal comma."""
    return rf"\d{{1,3}}(?:{language.thousands}\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"


def _alternatives(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, longest first; a space inside a word may
    be left out ("z.B." for "z. B.")."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s?".join(re.escape(part) for part in word.split(" ")) for word in ordered)


def _sentence_end(match: re.Match[str]) -> str:
    """The full stop an abbreviation's own stop stood for, at the end of the text."""
    rest = match.string[match.end() :]
    return "." if match.group().endswith(".") and not rest.strip() else ""


def _said(language: Language, written: str) -> str:
    """A number in words, a German year as a year ("1995": "neunzehnhundertfünfundneunzig")."""
    if written.isdigit() and len(written) == 4:
        return year(int(written), language)
    return amount(written, language)


def _money(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        one, many = language.currencies[match.group("symbol")]
        sign = f"{language.minus} " if match.group("sign") else ""
        written, scale = match.group("amount"), match.group("scale")
        if scale:
            said_scale = language.scales[" ".join(scale.split())]
            link = (
                ""
                if not language.of or said_scale in ("mil", "mila", "Tausend")
                else (" d'" if language is FRENCH and many[0] in "aeiou" else f" {language.of} ")
            )
            return f"{sign}{amount(written, language)} {said_scale}{link or ' '}{many}"
        whole_text, _, fraction = written.partition(",")
        whole = int(re.sub(r"\D", "", whole_text))
        if not fraction and whole == 1:
            return sign + one
        if len(fraction) != 2:
            return f"{sign}{amount(written, language)} {many}"
        said = one if whole == 1 else f"{cardinal(whole, language.code)} {many}"
        cents = int(fraction)
        if cents:
            small = (
                feminine(1, language)
                if cents == 1 and language is GERMAN
                else cardinal(cents, language.code)
            )
            names = ("centavo", "centavos") if match.group("symbol") == "R$" else language.cents
            change = f"{small} {names[cents != 1]}"
            said = change if whole == 0 else f"{said}{language.and_cents}{change}"
        return sign + said

    return say


def _per(language: Language, names: dict[str, tuple[str, str]], key: str) -> Callable[..., str]:
    def say(match: re.Match[str]) -> str:
        one, many = names[match.group(key)]
        written, low = match.group("amount"), match.group("low")
        sign = f"{language.minus} " if match.group("sign") else ""
        said = f"{sign}{amount(written, language)} {one if written == '1' and not low else many}"
        return f"{amount(low, language)} {language.to} {said}" if low else said

    return say


def _percent(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        sign = f"{language.minus} " if match.group("sign") else ""
        high = amount(match.group("high"), language)
        if match.group("low"):
            return f"{sign}{amount(match.group('low'), language)} {language.to} {high} " + (
                language.percent
            )
        return f"{sign}{high} {language.percent}"

    return say


def _clock(language: Language, joiner: str, hour_word: bool) -> Callable[[re.Match[str]], str]:
    """A time said as the hour (feminine where hours are), the word for hours if the language
    says it, then the minutes after `joiner`."""

    def say(match: re.Match[str]) -> str:
        hour, minutes = int(match.group("h")), int(match.groupdict().get("m") or 0)
        said = feminine(hour, language)
        if hour_word:
            said += f" {language.hour[hour not in (0, 1)]}"
        if minutes:
            said += f"{joiner}{cardinal(minutes, language.code)}"
        return said

    return say


def _german_ordinal(match: re.Match[str], value: int) -> str:
    before = match.string[max(0, match.start() - 12) : match.start()].split()
    dative = bool(before) and before[-1].lower() in _GERMAN_DATIVE
    return ordinal(value, "de") + ("n" if dative else "")


def _german_date(match: re.Match[str]) -> str:
    day, month = int(match.group("day")), match.group("month")
    if month is None:
        number = int(match.group("number"))
        if not 1 <= number <= 12:
            return match.group()  # "1.23.": not a date
        month = GERMAN.months[number - 1]
    said = f"{_german_ordinal(match, day)} {month}"
    if match.group("year"):
        said += f" {year(int(match.group('year')), GERMAN)}"
    return said


def _german_ordinal_rule(match: re.Match[str]) -> str:
    if match.group("next").lower() in GERMAN_STARTERS:
        return match.group()  # "Platz 3. Der": the full stop ends a sentence
    return _german_ordinal(match, int(match.group("n")))


def _numeric_date(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        day, month = int(match.group("day")), int(match.group("month"))
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return match.group()
        return language.date.format(
            day=_first_day(language) if day == 1 else cardinal(day, language.code),
            month=language.months[month - 1],
            year=year(int(match.group("year")), language),
        )

    return say


def _first_day(language: Language) -> str:
    """The first of a month: "premier", "primero", "primeiro", "primo"."""
    return ordinal(1, language.code)


def _romance_ordinal(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        suffix = match.group("suffix")
        is_feminine = suffix.lstrip(".") in ("ª", "re", "ère", "nde")
        value = int(match.group("n"))
        if language is FRENCH and suffix in ("nd", "nde"):
            return "seconde" if is_feminine else "second"
        return ordinal(value, language.code, is_feminine)

    return say


def _regnal(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        name, numeral = match.group("name"), match.group("numeral")
        if not roman.is_numeral(numeral) or numeral in ("L", "C", "D", "M"):
            return match.group()
        value = roman.value(numeral)
        code = language.code
        if code == "de":
            said = f"{name} der {ordinal(value, code).capitalize()}"
            following = match.string[match.end() :].split()[:1]
            ends = match.group().endswith(".") and (
                not following or following[0].lower() in GERMAN_STARTERS
            )
            return said + ("." if ends else "")  # "Ludwig XIV. Er ...": the stop ends it too
        if code == "it" or (code[:2] in ("es", "pt") and value <= 10) or value == 1:
            return f"{name} {ordinal(value, code)}"
        return f"{name} {cardinal(value, code)}" + _sentence_end(match)

    return say


def _roman_century(language: Language, to: str) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        numeral = match.group("numeral")
        if not roman.is_numeral(numeral) or numeral in ("L", "C", "D", "M"):
            return match.group()  # "Le", "De", "Ce", "Me": words
        value = roman.value(numeral)
        said = ordinal(value, language.code) if to == "ordinal" else cardinal(value, language.code)
        return match.group().replace(numeral + (match.group("suffix") or ""), said, 1)

    return say


def _site(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group()).split("/")[0]
        return host.replace(".", f" {language.dot} ")

    return say


def _email(language: Language) -> Callable[[re.Match[str]], str]:
    def say(match: re.Match[str]) -> str:
        user, _, host = match.group().partition("@")
        dot = f" {language.dot} "
        return f"{user.replace('.', dot)} {language.at} {host.replace('.', dot)}"

    return say


def _words(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    folded = {" ".join(key.split()).replace(" ", ""): said for key, said in table.items()}
    return lambda m: folded[re.sub(r"\s", "", m.group())] + _sentence_end(m)


PAUSE = Rule("pause", re.compile(r"\s*(?:—|–|\s-\s|…|\.\.\.)\s*"), lambda m: ", ")
