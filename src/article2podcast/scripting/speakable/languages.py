"""Which rules make an article's text speakable in its language (a BCP 47 tag).

Pure. English has its own rules (`english`); German, French, Spanish, Portuguese (Brazil's
where the tag says pt-BR) and Italian have rules built from their tables (`language_tables`,
`language_rules`). Every other language gets only language-neutral rules:
dashes and ellipses as pauses. Digits are left to espeak-ng, which reads them in its voice's
language: no English word is put into another language's text.
"""

from __future__ import annotations

import functools
import re

from . import english
from .english import Rule
from .language_rules import (
    _RULERS,
    _SIGN,
    PAUSE,
    _alternatives,
    _clock,
    _email,
    _first_day,
    _german_date,
    _german_ordinal_rule,
    _money,
    _number,
    _numeric_date,
    _per,
    _percent,
    _regnal,
    _roman_century,
    _romance_ordinal,
    _said,
    _site,
    _words,
)
from .language_tables import FRENCH, GERMAN, ITALIAN, LANGUAGES, Language

_HOUR = r"(?P<h>[01]?\d|2[0-3])"
_MINUTES = r"(?P<m>[0-5]\d)"


@functools.lru_cache(maxsize=64)
def rules_for(language: str) -> tuple[Rule, ...]:
    """The rules for `language`, a BCP 47 tag ("de", "pt-BR", "ru")."""
    tag = language.lower().replace("_", "-")
    primary = tag.split("-")[0]
    if primary == "en":
        return english.RULES
    table = LANGUAGES.get(tag) or LANGUAGES.get(primary)
    if table is not None:
        return _rules(table)
    return _fallback(primary)


def _fallback(code: str) -> tuple[Rule, ...]:
    """Language-neutral rules only. Digits are left to espeak-ng, which reads them in its
    voice's language: measured with `espeak-ng -v LANG -q -x`, "26" is [,ikosi;'eksi] in
    Greek, "2015" [dv;'e t'ys;VtS; p;Itn'AttsVt;] in Russian (num2words' words, no better),
    "26" [c#@3bb'is] in Hindi."""
    del code
    return (PAUSE,)


def _rules(language: Language) -> tuple[Rule, ...]:
    number = _number(language)
    symbols = _alternatives(language.currencies)
    scales = _alternatives(language.scales)
    return (
        Rule(
            "email",
            re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b"),
            _email(language),
        ),
        Rule(
            "link",
            re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)\]]"),
            _site(language),
        ),
        Rule(
            "number sign",
            re.compile(r"(?<!\w)(?:Nr\.|No\.|Nº|nº|N°|n°|n\.º|N\.º|núm\.|n\.)\s?(?=\d)"),
            lambda m: f"{language.number_sign} ",
        ),
        Rule(
            "money",
            re.compile(
                rf"{_SIGN}(?<![\w$])(?P<symbol>{symbols})\s?(?P<amount>{number})"
                rf"(?:\s(?P<scale>{scales})(?!\w))?"
            ),
            _money(language),
        ),
        Rule(
            "money",
            re.compile(
                rf"{_SIGN}(?<![\d])(?P<amount>{number})(?:\s(?P<scale>{scales}))?"
                rf"\s?(?P<symbol>€|\$|£|EUR|USD|CHF)(?!\w)"
            ),
            _money(language),
        ),
        Rule(
            "percent",
            re.compile(rf"{_SIGN}(?<!\d)(?:(?P<low>{number})\s?[-–]\s?)?(?P<high>{number})\s?%"),
            _percent(language),
        ),
        Rule(
            "unit",
            re.compile(
                rf"{_SIGN}(?<!\d)(?:(?P<low>{number})\s?[-–]\s?)?(?P<amount>{number})"
                rf"\s?(?P<unit>{_alternatives(language.units)})"
                r"(?![\w/])"
            ),
            _per(language, dict(language.units), "unit"),
        ),
        *_times(language),
        *_dates(language),
        *_ordinals(language),
        *_number_rules(language, number),
        *_abbreviations(language),
        Rule("symbol", re.compile(r"\s?&\s?"), lambda m: f" {language.and_word} "),
        PAUSE,
    )


def _number_rules(language: Language, number: str) -> tuple[Rule, ...]:
    """Regnal numerals, versions, ranges and numbers (after money, dates and times, which
    take their numbers first)."""
    return (
        Rule(
            "Roman numeral",
            re.compile(
                rf"\b(?P<name>{'|'.join(sorted(_RULERS))})\s+(?P<numeral>[IVXLCDM]+)"
                + (r"(?:\.(?!\w))?" if language is GERMAN else r"\b")
            ),
            _regnal(language),
        ),
        Rule(
            # "OS X 10.10", "Version 5.3": dotted digits that are no thousands grouping are
            # a version, read part by part with the language's word for the dot (before, the
            # parts were read and the dot left: "zehn.zehn").
            "version",
            re.compile(r"(?<![\w.,])(?!\d{1,3}(?:\.\d{3})+(?!\.?\d))\d+(?:\.\d+)+(?!\.?\d)"),
            lambda m: f" {language.dot} ".join(
                _said(language, part) for part in m.group().split(".")
            ),
        ),
        Rule(
            "range",
            re.compile(rf"(?<![\w.,])(?P<a>{number})\s?[-–]\s?(?P<b>{number})(?!\w)"),
            lambda m: (
                f"{_said(language, m.group('a'))} {language.to} {_said(language, m.group('b'))}"
            ),
        ),
        Rule(
            "number",
            re.compile(rf"{_SIGN}(?<!\d)\b(?P<value>{number})\b"),
            lambda m: (
                (f"{language.minus} " if m.group("sign") else "")
                + _said(language, m.group("value"))
            ),
        ),
    )


def _abbreviations(language: Language) -> tuple[Rule, ...]:
    rules = []
    if language.before_names:  # titles only before a name: "M. Dupont"
        titles = _alternatives(language.before_names)
        pattern = re.compile(rf"(?<!\w)(?:{titles})(?=\s+[^\W\d_])")
        rules.append(Rule("abbreviation", pattern, _words(dict(language.before_names))))
    written = _alternatives(language.abbreviations)
    pattern = re.compile(rf"(?<!\w)(?:{written})(?!\w)")
    rules.append(Rule("abbreviation", pattern, _words(dict(language.abbreviations))))
    return tuple(rules)


def _times(language: Language) -> tuple[Rule, ...]:
    colon = re.compile(rf"(?<![\d:.,])\b{_HOUR}:{_MINUTES}\b(?![:\d])")
    if language is GERMAN:
        uhr = re.compile(rf"\b{_HOUR}(?:[:.]{_MINUTES})?\s?Uhr\b")
        score = re.compile(r"(?<![\d:])\b(\d{1,2}):(\d)\b(?![:\d])")  # "2:1" in a match
        return (
            Rule("time", uhr, _clock(language, " ", hour_word=True)),
            Rule("time", colon, _clock(language, " ", hour_word=True)),
            Rule("score", score, lambda m: f"{m.group(1)} zu {m.group(2)}"),
        )
    if language is FRENCH:
        hours = re.compile(rf"\b{_HOUR}\s?h\s?(?:{_MINUTES})?(?!\w)")
        return (
            Rule("time", hours, _clock(language, " ", hour_word=True)),
            Rule("time", colon, _clock(language, " ", hour_word=True)),
        )
    if language is ITALIAN:
        return (Rule("time", colon, _clock(language, " e ", hour_word=False)),)
    if language.code == "es":
        hours = re.compile(rf"\b{_HOUR}\s?(?:hs|h)\b\.?")
        with_suffix = re.compile(rf"{colon.pattern}(?:\s?(?:hs?|horas)\b\.?)?")
        return (
            Rule("time", with_suffix, _clock(language, " y ", hour_word=False)),
            Rule("time", hours, _clock(language, "", hour_word=True)),
        )
    hours = re.compile(rf"\b{_HOUR}\s?h(?:{_MINUTES}(?:min)?)?(?!\w)")  # "15h30", "15h"
    return (
        Rule("time", hours, _clock(language, " e ", hour_word=True)),
        Rule("time", colon, _clock(language, " e ", hour_word=True)),
    )


def _dates(language: Language) -> tuple[Rule, ...]:
    months = "|".join(language.months)
    if language is GERMAN:
        return (
            Rule(
                "date",
                re.compile(
                    rf"(?<![\d.])\b(?P<day>0?[1-9]|[12]\d|3[01])\.\s?"
                    rf"(?:(?P<month>{months})|(?P<number>[01]?\d)\.)(?:\s?(?P<year>\d{{4}})\b)?"
                ),
                _german_date,
            ),
        )
    first = r"\b1(?:er|º|°|\.º)?(?=\s+(?:de\s+)?(?i:" + months + r")\b)"
    return (
        Rule(
            "date",
            re.compile(r"(?<![\d/])\b(?P<day>[0-3]?\d)/(?P<month>[01]?\d)/(?P<year>\d{4})\b(?!/)"),
            _numeric_date(language),
        ),
        Rule("date", re.compile(first), lambda m: _first_day(language)),
    )


def _ordinals(language: Language) -> tuple[Rule, ...]:
    if language is GERMAN:
        return (
            Rule(
                "ordinal",
                re.compile(r"(?<![\d.,:])\b(?P<n>\d{1,3})\.(?=\s+(?P<next>[^\W\d]\w*))"),
                _german_ordinal_rule,
            ),
        )
    if language is FRENCH:
        suffixes = r"(?P<suffix>ère|ème|er|re|nde|nd|e)"
        return (
            Rule(
                "ordinal",
                re.compile(rf"\b(?P<n>\d+){suffixes}(?!\w)"),
                _romance_ordinal(language),
            ),
            Rule(
                "Roman numeral",
                re.compile(rf"\b(?P<numeral>[IVXLCDM]+){suffixes}(?!\w)"),
                _roman_century(language, "ordinal"),
            ),
        )
    century = (
        r"\b(?P<numeral>[IVXLCDM]+)(?P<suffix>)(?=\s+secol)"
        if language is ITALIAN
        else r"\b(?:siglos?|séculos?)\s+(?P<numeral>[IVXLCDM]+)(?P<suffix>)\b"
    )
    return (
        Rule(
            "ordinal",
            re.compile(r"\b(?P<n>\d+)(?P<suffix>\.?[ºª])(?!\w)"),
            _romance_ordinal(language),
        ),
        Rule(
            "Roman numeral",
            re.compile(century),
            _roman_century(language, "ordinal" if language is ITALIAN else "cardinal"),
        ),
    )
