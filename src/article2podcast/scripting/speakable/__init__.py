"""Speakable text: what the engine is given, derived from what the article says.

Pure. The lexicon first (its said forms, cleaned as the article is, are then left alone), then
the language's rules in order (numbers, money, units, dates, times, abbreviations, acronyms,
Roman numerals, symbols), then clean-up: control characters (which espeak-ng obeys as
commands) and pictographs removed, dashes and ellipses made pauses, whitespace collapsed.
Every change is recorded, for `article2podcast check`. The rules follow the article's language
(`languages.rules_for`): English, German, French, Spanish, Portuguese and Italian have full
rule sets; every other language only language-neutral ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from . import english
from .languages import rules_for
from .lexicon import BUILTIN, Lexicon

# Control characters, and the invisible bidirectional-text controls.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Pictographs and decorative symbols: a speech engine reads their Unicode names, or nothing.
_DECORATIVE = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0e\ufe0f\u200d\u20e3]"
)
# What speech engines take as commands when it reaches them: markup tags (SAPI5 reads XML,
# others SSML) and espeak-ng's [[phoneme]] brackets. An article's text is read as text: tags
# are left out (the words between them are read) and the brackets dropped.
_MARKUP_TAG = re.compile(r"</?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>|\[\[|\]\]")
_ANGLE = re.compile(r"[<>]")
# The last word on commands, applied to everything the engine is given, whatever its source:
# pieces that are harmless apart can make a command together ("[" and "[x]").
_COMMAND = re.compile(rf"[<>]|\[\[|\]\]|{_CONTROL.pattern}")
# A "word" longer than any real one (hashes, base64, keyboard mashing): an engine would spell
# it for minutes. Links and e-mail addresses have been made speakable before this applies.
_OVERLONG = re.compile(r"\S{61,}")
_DROPS = ("markup", "not a word")
_SMART = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u00a0": " "})
# Said forms are hidden from later rules behind one private-use character each.
_SHELTER_BASE = 0xF0000
_SHELTERED = re.compile("[\U000f0000-\U000ffffd]")
BUILTIN_LEXICON = Lexicon(BUILTIN)


@dataclass(frozen=True)
class Change:
    """One thing the speakable stage changed."""

    written: str
    """As the article has it."""
    said: str
    """What the engine is given instead."""
    rule: str
    """Why: the rule's name, or "lexicon"."""


def speakable(text: str, lexicon: Lexicon = BUILTIN_LEXICON, language: str = "en") -> str:
    """The text to send to the engine for `text`."""
    return speak(text, lexicon, language)[0]


def speak(
    text: str, lexicon: Lexicon = BUILTIN_LEXICON, language: str = "en"
) -> tuple[str, list[Change]]:
    """The text to send to the engine for `text`, and what was changed on the way."""
    changes: list[Change] = []
    sheltered: list[str] = []

    def shelter(written: str, said: str) -> str:
        # A lexicon is input too: its said form is cleaned as the article's text is.
        said = " ".join(_ANGLE.sub(" ", _clean(said, [])).split())  # no "<" nor ">" left
        changes.append(Change(written, said, "lexicon"))
        sheltered.append(said)
        return chr(_SHELTER_BASE + len(sheltered) - 1)

    original = text
    text = _clean(text, changes)
    text = lexicon.for_language(language).apply(text, shelter)
    for rule in rules_for(language):
        text = rule.pattern.sub(_replacer(rule, changes), text)
    text = _ANGLE.sub(" ", text)
    text = _OVERLONG.sub(_dropped("not a word", changes), text)
    text = _SHELTERED.sub(lambda match: sheltered[ord(match.group()) - _SHELTER_BASE], text)
    text = _tidy(text)
    dropped = any(change.said == "" and change.rule in _DROPS for change in changes)
    if not has_words(text) and has_words(original) and not dropped:
        return _tidy(original), changes
    return text, changes


def _clean(text: str, changes: list[Change]) -> str:
    """`text` without control characters, pictographs and markup (recorded in `changes`),
    its spaces collapsed (a rule scanning a run of spaces from each of them is quadratic)."""
    text = unicodedata.normalize("NFC", text).translate(_SMART)
    text = _CONTROL.sub(" ", text)
    text = _DECORATIVE.sub("", _SHELTERED.sub("", text))  # private-use: nothing to say
    text = _without_comments(text, _dropped("markup", changes))
    return " ".join(_MARKUP_TAG.sub(_dropped("markup", changes), text).split())


def _without_comments(text: str, drop: Callable[[str], str]) -> str:
    """`text` without its <!-- comments -->. Not a regular expression: that would search for
    the end again from every "<!--" of a text that has none."""
    pieces: list[str] = []
    done = 0
    while (start := text.find("<!--", done)) != -1 and (end := text.find("-->", start + 4)) != -1:
        pieces += [text[done:start], drop(text[start : end + 3])]
        done = end + 3
    pieces.append(text[done:])
    return "".join(pieces)


def _tidy(text: str) -> str:
    """`text` with nothing an engine would obey, its spaces collapsed, no stray commas."""
    text = " ".join(_COMMAND.sub(" ", text).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r",(\s*,)+", ",", text).strip(" ,")


def _dropped(why: str, changes: list[Change]) -> Callable[[re.Match[str] | str], str]:
    def drop(match: re.Match[str] | str) -> str:
        written = match if isinstance(match, str) else match.group()
        shown = written if len(written) <= 40 else f"{written[:30]}… ({len(written)} characters)"
        changes.append(Change(shown, "", why))
        return " "

    return drop


def _replacer(rule: english.Rule, changes: list[Change]) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        said = rule.say(match)
        if said != match.group() and rule.name != "pause":
            changes.append(Change(match.group().strip(), said.strip(), rule.name))
        return said

    return replace


def control_characters(text: str) -> list[str]:
    """The control characters in `text` (which an engine or a file format would obey)."""
    return _CONTROL.findall(text)


def has_words(text: str) -> bool:
    """Whether there is anything to say: a letter or a digit."""
    return any(c.isalnum() for c in text)
