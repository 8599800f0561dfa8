"""Numbers in words in another language than English, with num2words and our own fixes.

Pure. What num2words 0.5.14 gets wrong, found by reading its output for each language (see
tests/test_speakable_languages.py), and mended here:
- Italian drops the decimals of a Decimal ("3.05" -> "tre"): decimals are said here.
- Spanish says the decimal separator "punto"; in the countries that write a decimal comma
  (Spain, Argentina) it is "coma": the separator word is ours, in `language_tables`.
- Brazilian Portuguese puts a comma after "mil" ("mil, duzentos"): a pause the reader does not
  make, removed.
- Every language stops at 10**18 with an OverflowError (English at 10**21): such numbers are
  read digit by digit.
- Feminine forms (hours: "une heure", "una", "duas horas") and feminine ordinals ("1.ª"): not in
  num2words; a small table per language (`Language.feminine`) and the "-o" to "-a" rule.
"""

from __future__ import annotations

import functools
import re

from num2words import CONVERTER_CLASSES, num2words

from .language_tables import Language

# Beyond this many digits a number is not read out, only its length (as in English).
_LONGEST_READ = 1000
_LONGEST_NAMED = 18  # num2words' limit for these languages


def supported(code: str) -> bool:
    """Whether num2words has a language module called `code`."""
    return code in CONVERTER_CLASSES


@functools.lru_cache(maxsize=4096)
def cardinal(value: int, code: str) -> str:
    """`value` in words in num2words' language `code`; digit by digit when too long to name."""
    if len(str(abs(value))) > _LONGEST_NAMED:
        return digit_by_digit(str(value), code)
    try:
        text: str = num2words(value, lang=code)
    except (OverflowError, ValueError, ArithmeticError, NotImplementedError):
        return digit_by_digit(str(value), code)
    return text.replace(",", "")  # pt_BR: "mil, duzentos"


def digit_by_digit(digits: str, code: str) -> str:
    """Each digit of `digits` in words."""
    return " ".join(num2words(int(c), lang=code) for c in digits if c.isdigit())


@functools.lru_cache(maxsize=1024)
def ordinal(value: int, code: str, feminine: bool = False) -> str:
    """`value` as an ordinal ("dritte", "troisième", "tercero"), feminine on request."""
    try:
        text: str = num2words(value, lang=code, to="ordinal")
    except (OverflowError, ValueError, ArithmeticError, NotImplementedError):
        return cardinal(value, code)
    text = text.replace(",", "")
    if not feminine:
        return text
    if code == "fr":
        return "première" if value == 1 else text
    if code[:2] in ("es", "pt", "it"):
        return re.sub(r"o\b", "a", text)  # "vigésimo primero" -> "vigésima primera"
    return text


def feminine(value: int, language: Language) -> str:
    """`value` before a feminine noun ("une heure", "duas horas")."""
    return language.feminine.get(value) or cardinal(value, language.code)


def amount(written: str, language: Language) -> str:
    """A number as `language` writes it ("1.234,5", French "1 234,5") in words."""
    whole, _, fraction = written.partition(",")
    whole = re.sub(r"\D", "", whole)
    if len(whole) + len(fraction) > _LONGEST_READ:
        return written  # minutes of digits: left to the engine, as they are written
    said = cardinal(int(whole or 0), language.code)
    if fraction:
        said += f" {language.decimal} {decimals(fraction, language)}"
    return said


def decimals(fraction: str, language: Language) -> str:
    """The digits after the decimal comma: German says them one by one ("Komma eins vier"),
    the Romance languages say a pair as a number ("virgule quatorze") unless it starts with 0."""
    if language.code != "de" and len(fraction) <= 2 and not fraction.startswith("0"):
        return cardinal(int(fraction), language.code)
    return digit_by_digit(fraction, language.code)


def year(value: int, language: Language) -> str:
    """A year as said: German reads 1100 to 1999 as hundreds ("neunzehnhundertfünfundneunzig");
    the Romance languages read a year as the number it is."""
    if language.code == "de" and 1100 <= value <= 1999:
        return str(num2words(value, lang="de", to="year"))
    return cardinal(value, language.code)
