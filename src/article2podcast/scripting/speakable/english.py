"""English rules: numbers, money, units, dates, times, abbreviations, acronyms, Roman numerals
and symbols, turned into the words a reader would say.

Pure. Each rule is a regular expression and a function of its match; they run in order, each
on the output of the one before, and every rule's output is plain words that no later rule
matches again. Numbers become words with num2words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import roman
from .english_numbers import (
    _MONTH,
    _NUMBER,
    _RUN_START,
    _SIGN,
    _YEAR,
    _decade,
    _digits,
    _fraction,
    _money,
    _named_date,
    _number,
    _numeric_date,
    _ordinal,
    _percent,
    _time,
    _unit,
    _year_or_count,
    _year_range,
    words,
)

ABBREVIATIONS = {
    "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz", "Dr.": "Doctor", "Prof.": "Professor",
    "Gov.": "Governor", "Sen.": "Senator", "Rep.": "Representative", "Gen.": "General",
    "Capt.": "Captain", "Lt.": "Lieutenant", "Col.": "Colonel", "Sgt.": "Sergeant",
    "Rev.": "Reverend", "Jr.": "Junior", "Sr.": "Senior", "Mt.": "Mount", "Ft.": "Fort",
    "e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus",
    "approx.": "approximately", "Inc.": "Incorporated", "Ltd.": "Limited", "Co.": "Company",
}  # fmt: skip
# Acronyms said as words; every other all-capitals word of two to five letters is spelled.
WORD_ACRONYMS = frozenset(
    "NASA NATO UNESCO UNICEF OPEC FIFA NAFTA AIDS SARS COVID LASER RADAR SCUBA OK ASAP NIMBY "
    "GIF JPEG PIN SIM SWAT ZIP DARPA FEMA OSHA ESPN NOAA".split()
)
# Names that take a regnal number ("Henry VIII" is "Henry the eighth").
RULERS = frozenset(
    """Henry Edward George William Louis Charles Elizabeth Richard James Mary Paul John Benedict
    Pius Gregory Leo Philip Frederick Ramesses Alexander Peter Catherine Nicholas Ivan Victor
    Francis Innocent Clement Urban Boniface Alfonso Ferdinand Carlos Juan Felipe Gustav Olaf
    Harald Haakon Christian Frederik Wilhelm Otto Ludwig Friedrich Rudolf Stephen Anne Victoria
    Constantine Justinian Darius Xerxes Ptolemy Amenhotep Thutmose Willem Albert Baudouin""".split()
)
# Words before a Roman numeral that make it a number ("World War II" is "World War two").
_ROMAN_AS_NUMBER = (
    r"(?:War|Chapter|Part|Volume|Vol\.|Act|Book|Phase|Bowl|Title|Article|Type|Class|Level"
    r"|Stage|Round|Apollo|Section|Episode|Season|Grade)"
)


@dataclass(frozen=True)
class Rule:
    """A rewriting rule."""

    name: str
    """What the rule is about (shown by `article2podcast check`)."""
    pattern: re.Pattern[str]
    """What it matches."""
    say: Callable[[re.Match[str]], str]
    """What to say for a match."""


_REST_IS_BLANK = re.compile(r"\s*\Z")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")


def _sentence_end(match: re.Match[str]) -> str:
    """The full stop an abbreviation's own stop stood for, at the end of the text."""
    return "." if _REST_IS_BLANK.match(match.string, match.end()) else ""


def _abbreviation(match: re.Match[str]) -> str:
    return ABBREVIATIONS[match.group()] + _sentence_end(match)


def _saint_or_street(match: re.Match[str]) -> str:
    following = _NEXT_CHARACTER.match(match.string, match.end())
    if following is not None and following.group(1).isupper():
        return "Saint"
    return "Street" + _sentence_end(match)


def _initialism(match: re.Match[str]) -> str:
    return " ".join(match.group().replace(".", ""))


@functools.lru_cache(maxsize=4)
def _shouted(text: str) -> bool:
    # Cached: asked once per acronym, and a paragraph of acronyms must not cost n squared.
    return text.upper() == text


def _acronym(match: re.Match[str]) -> str:
    word, plural = match.group("letters"), match.group("plural") or ""
    if _shouted(match.string):
        return match.group()  # a sentence in capitals is shouting, not acronyms
    if word in WORD_ACRONYMS:
        return word.capitalize() + plural
    if word in roman.WORDS:
        return word.lower() + plural  # "MIX", "LIVID": words in capitals, not initials
    return " ".join(word) + (" s" if plural else "")


def _roman_number(match: re.Match[str]) -> str:
    numeral = match.group("numeral")
    if not roman.is_numeral(numeral) or numeral in ("L", "C", "D", "M"):
        return match.group()  # "Part MIX", "Part D", "Class C": words and letters
    return f"{match.group('before')} {words(roman.value(numeral))}"


def _regnal(match: re.Match[str]) -> str:
    name, numeral = match.group("name"), match.group("numeral")
    if not roman.is_numeral(numeral) or numeral in ("I", "L", "C", "D", "M"):
        return match.group()  # "Mary I said", "Charles M. Schulz"
    if name in RULERS:
        return f"{name} the {words(roman.value(numeral), 'ordinal')}"
    if len(numeral) > 1 and not numeral.strip("IVX"):
        return f"{name} {words(roman.value(numeral))}"  # "Rocky II", "Apollo XI"
    return match.group()  # "Malcolm X", "Generation X", "Washington DC", "Baltimore MD"


def _site(match: re.Match[str]) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group()).split("/")[0]
    return host.replace(".", " dot ")


def _email(match: re.Match[str]) -> str:
    user, _, host = match.group().partition("@")
    return f"{user.replace('.', ' dot ')} at {host.replace('.', ' dot ')}"


def _compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _comparison(match: re.Match[str]) -> str:
    return "less than" if match.group("sign") == "<" else "greater than"


RULES: tuple[Rule, ...] = (
    # Bounded as addresses are (64 characters before the @, 63 per label), so that a long run
    # of word characters and dots is not scanned again from each of its words.
    Rule("email", _compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b"), _email),
    Rule("link", _compile(r"\b(?:https?://|www\.)[^\s<>\"“”]*[^\s<>\"“”.,;:!?)\]]"), _site),
    Rule("hashtag", _compile(r"(?<![\w&])#([A-Za-z]\w*)"), lambda m: f"hashtag {m.group(1)}"),
    Rule("mention", _compile(r"(?<![\w.])@([A-Za-z_]\w*)"), lambda m: f"at {m.group(1)}"),
    Rule(
        "money",
        _compile(
            rf"{_SIGN}(?:(?:\b(?:US|C|A|NZ|HK))?(?P<symbol>[$€£])|\b(?P<code>USD|EUR|GBP)\s?)"
            rf"(?P<amount>{_NUMBER})(?:(?P<suffix>[KkMmBb]|bn|mn)\b"
            rf"|\s+(?P<scale>(?i:thousand|million|billion|trillion))\b)?"
        ),
        _money,
    ),
    Rule(
        "percent",
        _compile(
            rf"{_SIGN}{_RUN_START}(?:(?P<low>{_NUMBER})\s?[-–]\s?)?(?P<high>{_NUMBER})"
            r"\s?(?:%+|per ?cent\b)"
        ),
        _percent,
    ),
    Rule(
        "unit",
        _compile(
            rf"{_SIGN}{_RUN_START}(?P<amount>{_NUMBER})"
            r"\s?(?P<unit>km/h|kph|mph|km|kg|lbs|lb|cm|mm|ft|°C|°F|°)"
            r"(?![A-Za-z])"
        ),
        _unit,
    ),
    Rule(
        "time",
        _compile(
            r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\.?(?!\w))?"
        ),
        _time,
    ),
    Rule(
        "time",
        _compile(r"\b(?P<h>1[0-2]|0?[1-9])\s?(?P<ampm>[AaPp])\.?[Mm]\b\.?"),
        lambda m: f"{words(int(m.group('h')))} {m.group('ampm').lower()} m",
    ),
    Rule(
        "power",
        _compile(rf"\b({_NUMBER})\^({_NUMBER})\b"),
        lambda m: f"{words(m.group(1))} to the power of {words(m.group(2))}",
    ),
    Rule(
        "date",
        _compile(
            rf"\b(?P<month>{_MONTH})\s+(?P<day>[12]?\d|3[01])(?:st|nd|rd|th)?\b"
            rf"(?:,?\s+(?P<year>{_YEAR})\b)?"
        ),
        _named_date,
    ),
    Rule("date", _compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), _numeric_date),
    Rule("year range", _compile(rf"\b({_YEAR})\s?[-–]\s?({_YEAR}|\d\d)\b"), _year_range),
    Rule(
        "decade",
        _compile(r"(?:\b(?P<century>1[1-9]\d|20\d)0s\b|['’](?P<short>[1-9])0s\b)"),
        _decade,
    ),
    Rule("year", _compile(rf"(?<![\d,.$€£#])\b({_YEAR})\b(?![,.]\d|%)"), _year_or_count),
    Rule(
        "version",
        _compile(r"\b\d+(?:\.\d+){2,}\b"),
        lambda m: " point ".join(words(part) for part in m.group().split(".")),
    ),
    Rule("ordinal", _compile(r"(?<![\d,])\b(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b"), _ordinal),
    Rule("fraction", _compile(r"(?<![\d/])\b(\d)/(\d{1,2})\b(?![\d/])"), _fraction),
    Rule(
        "digits",
        _compile(r"(?<![\d-])(?:\(\d{3}\)\s?|\b\d{3}[-.])\d{3}[-.]\d{4}\b|\b\d{3}-\d{4}\b"),
        _digits,
    ),
    Rule(
        "range",
        _compile(rf"(?<![\w.])({_NUMBER})\s?[-–]\s?({_NUMBER})\b"),
        lambda m: f"{words(m.group(1))} to {words(m.group(2))}",
    ),
    Rule(
        "number",
        _compile(rf"(?:(?P<sign>(?<![\w.])[-−])|\b)(?P<value>{_NUMBER})\b"),
        _number,
    ),
    Rule("saint or street", _compile(r"\bSt\.(?=\s|$)"), _saint_or_street),
    Rule(
        "abbreviation",
        _compile(
            r"(?<!\w)(?:"
            + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
            + r")(?!\w)"
        ),
        _abbreviation,
    ),
    Rule("initialism", _compile(r"\b(?:[A-Z]\.){2,}(?!\w)"), _initialism),
    Rule(
        "Roman numeral",
        _compile(rf"\b(?P<before>{_ROMAN_AS_NUMBER})\s+(?P<numeral>[IVXLCDM]+)\b"),
        _roman_number,
    ),
    Rule(
        "Roman numeral",
        _compile(
            r"\b(?P<name>(?!(?:The|A|An|In|On|At|By|Of|To)\b)[A-Z][a-z]+)\s+"
            r"(?P<numeral>[IVXLCDM]+)\b"
        ),
        _regnal,
    ),
    Rule("acronym", _compile(r"\b(?P<letters>[A-Z]{2,5})(?P<plural>s)?\b"), _acronym),
    Rule("symbol", _compile(r"\s?&\s?"), lambda m: " and "),
    Rule("symbol", _compile(r"(?<=\s)(?P<sign>[<>])=?(?=\s)"), _comparison),
    Rule("pause", _compile(r"\s*(?:—|–|\s-\s|…|\.\.\.)\s*"), lambda m: ", "),
)
