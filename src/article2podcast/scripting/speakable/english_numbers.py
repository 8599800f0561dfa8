"""English numbers: amounts, money, percentages, units, dates, times and years, in words.

Pure: the functions the English rules (`english`) call on a match, with their tables.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from num2words import num2words

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SIGN = r"(?P<sign>(?<![\w.])[-−])?"
# An amount starts where a run of digits does: a pattern free to start inside one would try
# every place in a 4,000-digit run, each time to its end (16 million steps).
_RUN_START = r"(?<!\d)"
_LARGEST_NAMED = 10**21  # sextillion: beyond it, numbers are read digit by digit
_LONGEST_NAMED = 30
# Beyond this many digits a number is not read out at all, only its length: a thousand digits
# are six minutes of "nine nine nine", and Python makes no int of more than 4,300 digits.
_LONGEST_READ = 1000
# How far a rule looks for the word before or after its match: further than any cue word is
# long, and bounded, so that a paragraph of many matches costs time linear in its length.
_NEIGHBOURHOOD = 40
_YEAR = r"1[1-9]\d\d|20\d\d"
MONTHS = (
    "January February March April May June July August September October November December"
).split()
_MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "USD": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "GBP": ("pound", "pounds", "penny", "pence"),
}
_SCALES = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion"}
UNITS = {
    "km": ("kilometer", "kilometers"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "mph": ("mile per hour", "miles per hour"),
    "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "ft": ("foot", "feet"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
}
# A four-digit number is a year unless a count cue comes before it or a counted noun after.
_COUNT_CUES = frozenset(
    "about around nearly almost over some than exactly approximately roughly more fewer "
    "least most only just another".split()
)
_COUNT_NOUNS = frozenset("people men women children feet miles times".split())
_NOT_PLURAL = frozenset("this was has his its as is us thus".split())
_YEAR_CUES = frozenset(
    "in since by from until till to during before after circa c. year early late mid "
    "spring summer autumn fall winter of".split()
) | {month.lower() for month in MONTHS}


def words(number: str | int | Decimal, to: str = "cardinal") -> str:
    """`number` in words ("37,000" -> "thirty-seven thousand")."""
    if isinstance(number, str):
        digits = sum(c.isdigit() for c in number)
        if digits > _LONGEST_READ:
            return _long_number(digits)
        number = _decimal(number)
    magnitude = abs(Decimal(number))
    if magnitude >= _LARGEST_NAMED or (to == "cardinal" and len(str(number)) > _LONGEST_NAMED):
        return _digit_by_digit(str(number))  # no one says a 30-digit number by its name
    return _named(str(number), to)


@functools.lru_cache(maxsize=4096)
def _named(number: str, to: str) -> str:
    # Cached by the written form ("5.0" is not "5"): num2words takes a tenth of a millisecond,
    # and articles repeat their numbers.
    value = Decimal(number) if "." in number or "E" in number else int(number)
    try:
        text: str = num2words(value, lang="en", to=to)
    except (OverflowError, ValueError, ArithmeticError):
        return _digit_by_digit(number)
    # American reading, like the voices' default accent: "one hundred forty", not "... and ...".
    return text.replace(",", "").replace(" and ", " ")


def _long_number(digits: int) -> str:
    length = words(digits)
    return f"{'an' if length.startswith('e') else 'a'} {length}-digit number"  # "an eight..."


def _digit_by_digit(number: str) -> str:
    names = {".": "point", "-": "minus"}
    return " ".join(
        names.get(c) or num2words(int(c), lang="en") for c in number if c in names or c.isdigit()
    )


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def year(value: int) -> str:
    """A year as said: 1980 "nineteen eighty", 2005 "two thousand five"."""
    return words(value, "year")


def _plural(phrase: str) -> str:
    return phrase[:-1] + "ies" if phrase.endswith("y") else phrase + "s"


def _money(match: re.Match[str]) -> str:
    symbol, amount, suffix, scale_word = (
        match.group("symbol") or match.group("code"),
        match.group("amount"),
        (match.group("suffix") or "").lower(),
        match.group("scale") or "",
    )
    one, many, cent, cents = CURRENCIES[symbol]
    sign = "minus " if match.group("sign") else ""
    scale = _SCALES.get(suffix, "") or scale_word.lower()
    if scale:
        return f"{sign}{words(amount)} {scale} {many}"
    whole, _, fraction = amount.replace(",", "").partition(".")
    if len(whole) + len(fraction) > _LONGEST_READ:
        return f"{sign}{_long_number(len(whole) + len(fraction))} of {many}"
    whole_value = int(whole or 0)
    spoken = f"{words(whole_value)} {one if whole_value == 1 else many}"
    if len(fraction) == 2 and int(fraction):
        change = f"{words(int(fraction))} {cent if int(fraction) == 1 else cents}"
        spoken = change if whole_value == 0 else f"{spoken} {change}"  # $0.99: cents alone
    elif fraction and not (len(fraction) == 2 and not int(fraction)):
        spoken = f"{words(amount)} {many}"
    return sign + spoken


def _percent(match: re.Match[str]) -> str:
    low, high = match.group("low"), match.group("high")
    sign = "minus " if match.group("sign") else ""
    if low:
        return f"{sign}{words(low)} to {words(high)} percent"
    return f"{sign}{words(high)} percent"


def _unit(match: re.Match[str]) -> str:
    amount, unit = match.group("amount"), match.group("unit")
    one, many = UNITS[unit]
    sign = "minus " if match.group("sign") else ""
    return f"{sign}{words(amount)} {one if _decimal(amount) == 1 else many}"


def _time(match: re.Match[str]) -> str:
    hour, minute, meridiem = int(match.group("h")), int(match.group("m")), match.group("ampm")
    if minute == 0:
        spoken = f"{words(hour)} hundred" if not meridiem and hour > 12 else words(hour)
    elif minute < 10:
        spoken = f"{words(hour)} oh {words(minute)}"
    else:
        spoken = f"{words(hour)} {words(minute)}"
    if meridiem:
        spoken += f" {meridiem[0].lower()} m"
    return spoken


def _month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    for index, month in enumerate(MONTHS, start=1):
        if month.lower() == key:
            return index
    return _MONTH_ABBREVIATIONS[key]


def _named_date(match: re.Match[str]) -> str:
    month = MONTHS[_month_number(match.group("month")) - 1]
    spoken = f"{month} {words(int(match.group('day')), 'ordinal')}"
    if match.group("year"):
        spoken += f", {year(int(match.group('year')))}"
    return spoken


def _numeric_date(match: re.Match[str]) -> str:
    first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
    month, day = (second, first) if first > 12 else (first, second)  # 15/09 is day first
    full_year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        datetime.date(full_year, month, day)
    except ValueError:
        # Not a date that exists ("31/02/2024"): read what is written, not a made-up date.
        said_year = year(full_year) if len(year_text) == 4 else words(year_text)
        return f"{words(first)} slash {words(second)} slash {said_year}"
    return f"{MONTHS[month - 1]} {words(day, 'ordinal')}, {year(full_year)}"


def _year_range(match: re.Match[str]) -> str:
    start, end = match.group(1), match.group(2)
    if len(end) == 2:
        end = start[:2] + end
    return f"{year(int(start))} to {year(int(end))}"


def _decade(match: re.Match[str]) -> str:
    if match.group("short"):
        return _plural(words(int(match.group("short")) * 10))
    return _plural(year(int(match.group("century") + "0")))


def _word_before(match: re.Match[str]) -> str:
    text, start = match.string, max(0, match.start() - _NEIGHBOURHOOD)
    before = text[start : match.start()].split()
    if not before or (len(before) == 1 and _cut(text, start)):
        return ""  # a word longer than the neighbourhood is no cue
    return before[-1]


def _word_after(match: re.Match[str]) -> str:
    text, end = match.string, match.end() + _NEIGHBOURHOOD
    after = text[match.end() : end].split()
    if not after or (len(after) == 1 and _cut(text, end)):
        return ""
    return after[0]


def _cut(text: str, index: int) -> bool:
    """Whether `index` falls inside a word of `text`."""
    return 0 < index < len(text) and not (text[index - 1].isspace() or text[index].isspace())


def _year_or_count(match: re.Match[str]) -> str:
    previous = _word_before(match).lower().strip(",;:(")
    following = _word_after(match).strip(".,;:!?\"')")
    value = int(match.group())
    if previous in _YEAR_CUES:
        return year(value)
    if (
        previous in _COUNT_CUES
        or following in _COUNT_NOUNS
        or (
            len(following) > 3
            and following.endswith("s")
            and following.islower()
            and following not in _NOT_PLURAL
        )
    ):
        return words(value)  # "about 2000 miles", "1980 people"
    return year(value)  # "a 2019 study", "the 2008 financial crisis"


def _fraction(match: re.Match[str]) -> str:
    numerator, denominator = int(match.group(1)), int(match.group(2))
    if denominator == 0:
        return match.group()
    if denominator == 2:
        name = "half" if numerator == 1 else "halves"
    elif denominator == 4:
        name = "quarter" if numerator == 1 else "quarters"
    else:
        name = words(denominator, "ordinal")
        name = name if numerator == 1 else name + "s"
    return f"{words(numerator)} {name}"


def _digits(match: re.Match[str]) -> str:
    groups = re.split(r"[-.\s()]+", match.group().strip("()"))
    return ", ".join(" ".join(words(int(d)) for d in group) for group in groups if group)


def _number(match: re.Match[str]) -> str:
    sign = "minus " if match.group("sign") else ""
    return sign + words(match.group("value"))


def _ordinal(match: re.Match[str]) -> str:
    return words(match.group(1), "ordinal")
