"""Hostile but valid text gets a sensible reading: impossible dates, words that look like Roman
numerals, numbers too long for Python's int, markup in a lexicon, an empty show name; and a
paragraph of many matches, or a lexicon of many entries, costs time linear in its length.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import SupportsIndex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.errors import InputError
from article2podcast.model import Article, Block
from article2podcast.scripting.segments import script_article
from article2podcast.scripting.speakable import english, speak, speakable
from article2podcast.scripting.speakable.lexicon import Lexicon
from article2podcast.settings import Settings
from conftest import SHORT_ARTICLE

READINGS = {
    "impossible dates": [
        ("On 31/02/2024 we met.", "On thirty-one slash two slash twenty twenty-four we met."),
        ("by 29/02/2023", "by twenty-nine slash two slash twenty twenty-three"),
        ("on 04/31/2024", "on four slash thirty-one slash twenty twenty-four"),
        ("on 13/13/2024", "on thirteen slash thirteen slash twenty twenty-four"),
        ("on 00/05/2024", "on zero slash five slash twenty twenty-four"),
        ("on 29/02/2024", "on February twenty-ninth, twenty twenty-four"),
        ("on 30/04/2024", "on April thirtieth, twenty twenty-four"),
    ],
    "words in capitals": [
        ("Put the MIX in.", "Put the mix in."),
        ("A CIVIL war left him LIVID.", "A civil war left him livid."),
        ("He DID it, and the LID was MILD.", "He did it, and the lid was mild."),
        ("a VIVID, DIM MID light", "a vivid, dim mid light"),
        ("Part MIX", "Part mix"),
        ("the FBI and the CDC", "the F B I and the C D C"),
        ("Washington DC and Baltimore MD", "Washington D C and Baltimore M D"),
    ],
    "Roman numerals": [
        ("Chapter XL begins.", "Chapter forty begins."),
        ("Chapter XLII and Part XC", "Chapter forty-two and Part ninety"),
        ("Super Bowl LVII", "Super Bowl fifty-seven"),
        ("World War II", "World War two"),
        ("Louis XIV and Pope John Paul II", "Louis the fourteenth and Pope John Paul the second"),
        ("Rocky II and Apollo XI", "Rocky two and Apollo eleven"),
        ("Chapter MCMXCIX", "Chapter one thousand nine hundred ninety-nine"),
        ("Medicare Part D and Class C", "Medicare Part D and Class C"),
        ("Charles M. Schulz", "Charles M. Schulz"),
        ("Chapter IIII", "Chapter I I I I"),
    ],
}


@pytest.mark.parametrize(
    ("written", "said"),
    [case for cases in READINGS.values() for case in cases],
    ids=[f"{group}: {written}" for group, cases in READINGS.items() for written, _ in cases],
)
def test_hostile_text_is_read_as_a_reader_would(written: str, said: str) -> None:
    assert speakable(written) == said


@pytest.mark.parametrize(
    "written",
    [
        "9" * 5000,
        "the " + "9" * 5000 + "th visitor",
        "$" + "9" * 5000,
        "-" + "9" * 4400 + "%",
        "9" * 4400 + " km",
        "9" * 4400 + "^" + "9" * 4400,
        "9" * 4400 + "-" + "9" * 4400,
        "9" * 4400 + "." + "9" * 4400,
        "$" + "9" * 4400 + "K",
        "version 1." + "9" * 5000 + ".3",
        "1," + "000," * 1500 + "000",
    ],
    ids=[
        "plain",
        "ordinal",
        "money",
        "percent",
        "unit",
        "power",
        "range",
        "decimal",
        "scaled money",
        "version",
        "with separators",
    ],
)
def test_a_number_past_pythons_int_limit_is_said_by_its_length(written: str) -> None:
    """Python makes no int of more than 4,300 digits; nor would anyone listen to them."""
    said = speakable(written)
    assert re.search(r"\ban? [a-z -]+-digit number\b", said), said
    assert len(said) < 200


def test_a_long_numbers_length_is_said_with_its_article() -> None:
    assert speakable("9" * 8000) == "an eight thousand-digit number"


HOSTILE_PIECES = st.sampled_from(
    ["<", ">", "[", "]", "[[", "]]", "<speak>", "</b>", '<break time="9s"/>', "<!-- x -->",
     "\x00", "\x07", "\x1b[31m", "\u202e", "\u2066", "\U000f0000", "\U000f0001", "say", " "]
)  # fmt: skip
hostile_said = st.lists(
    st.one_of(HOSTILE_PIECES, st.characters(blacklist_categories=("Cs",))), max_size=20
).map("".join)
article_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list("[]<>")),
    max_size=40,
)


def _commands(said: str) -> set[str]:
    found = {c for c in said if c in "<>" or ord(c) < 32 or 0x7F <= ord(c) <= 0x9F}
    found |= {c for c in said if c in "\u200e\u200f" or "\u202a" <= c <= "\u202e"}
    found |= {c for c in said if "\u2066" <= c <= "\u2069" or 0xF0000 <= ord(c) <= 0xFFFFD}
    return found | ({"[["} if "[[" in said else set()) | ({"]]"} if "]]" in said else set())


@given(
    key=st.from_regex(r"[A-Za-z][A-Za-z' -]{0,10}[A-Za-z]", fullmatch=True),
    said=hostile_said,
    before=article_text,
    after=article_text,
)
def test_nothing_a_lexicon_entry_says_reaches_the_engine_as_a_command(
    key: str, said: str, before: str, after: str
) -> None:
    """The said form of an entry is cleaned as the article's text is; pieces harmless apart
    ("[" before an entry that says "[x") never make a command together."""
    for lexicon in (Lexicon({key: said}), Lexicon({key.lower(): said})):
        spoken, _ = speak(f"{before} {key} {after}", lexicon)
        assert not _commands(spoken), (spoken, _commands(spoken))


def test_a_lexicon_entry_keeps_its_words_without_its_markup() -> None:
    lexicon = Lexicon({"Teigen": '<speak>[[t\'aIdZIn]]</speak>\x07 TY-gin <break time="9s"/>'})
    assert speakable("Chrissy Teigen said so.", lexicon) == "Chrissy t'aIdZIn TY-gin said so."


def _regex_lexicon(entries: dict[str, str], text: str) -> str:
    """What one regular expression alternating between the entries finds (the former way)."""
    alternatives = [
        f"(?i:{re.escape(key)})" if key == key.lower() else re.escape(key)
        for key in sorted(entries, key=len, reverse=True)
    ]
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")

    def said(match: re.Match[str]) -> str:
        written = match.group()
        return f"«{written}={entries.get(written, entries.get(written.lower()))}»"

    return pattern.sub(said, text)


ascii_piece = st.text(alphabet="abcAB 19-/'.", min_size=1, max_size=6)


@given(
    keys=st.lists(ascii_piece.map(str.strip).filter(bool), min_size=1, max_size=8, unique=True),
    text=st.lists(ascii_piece, max_size=12).map("".join),
)
def test_the_lexicon_finds_what_a_regex_of_its_entries_finds(keys: list[str], text: str) -> None:
    """Longest entry first, whole words only, lower-case entries in any capitalisation."""
    entries = {key: f"s{index}" for index, key in enumerate(keys)}
    found = Lexicon(entries).apply(text, lambda written, said: f"«{written}={said}»")
    assert found == _regex_lexicon(entries, text)


def test_a_lexicon_is_indexed_once_however_many_sentences_use_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 50,000-entry lexicon used to be compiled again for every sentence."""
    from article2podcast.scripting.speakable import lexicon as lexicon_module

    built: list[int] = []
    original = lexicon_module._Index.__init__

    def counting(self: lexicon_module._Index, entries: dict[str, str]) -> None:
        built.append(len(entries))
        original(self, entries)

    monkeypatch.setattr(lexicon_module._Index, "__init__", counting)
    entries = {f"word{index}": f"said {index}" for index in range(50_000)}
    paragraph = " ".join(f"Sentence {n} has word{n * 7} in it." for n in range(300))
    article = Article("Head", (Block("paragraph", paragraph),))
    script = script_article(article, lexicon=Lexicon(entries))
    assert built == [50_000]
    assert "said 2093" in " ".join(s.spoken for seg in script.segments for s in seg.sentences)


class _Watched(str):
    """A text that counts the characters its methods copy or scan, as a rule reads it."""

    touched = 0

    def __getitem__(self, key: SupportsIndex | slice) -> str:
        part = str.__getitem__(self, key)
        _Watched.touched += len(part)
        return part


def _reading_all_of_it(name: str) -> Callable[..., object]:
    method = getattr(str, name)

    def counted(self: str, *args: object, **kwargs: object) -> object:
        _Watched.touched += len(self)
        return method(self, *args, **kwargs)

    return counted


for _name in (
    "split", "rsplit", "upper", "lower", "strip", "lstrip", "rstrip", "find", "rfind", "index",
    "rindex", "count", "partition", "rpartition", "isupper", "islower", "casefold", "replace",
    "encode", "startswith", "endswith", "splitlines", "__iter__", "__contains__",
):  # fmt: skip
    setattr(_Watched, _name, _reading_all_of_it(_name))


PARAGRAPH_UNIT = (
    "In 1999 and 2001 about 2000 people, Mr. Smith met St. Paul on Main St. and the FBI was "
    "LIVID, Chapter XL and Louis XIV, $5 and 5% and 10 km at 12:30 a.m. or 3 pm, 2^3, on "
    "March 3, 15/09/2020, 31/02/2024, 2019-2021, the 1990s, 1.2.3, the 9th, 1/2, "
    "555-123-4567, 5-6, 42 e.g. & < > "
)


def _touched(rule: english.Rule, copies: int) -> int:
    _Watched.touched = 0
    rule.pattern.sub(rule.say, _Watched(PARAGRAPH_UNIT * copies))
    return _Watched.touched


@pytest.mark.parametrize("rule", english.RULES, ids=[rule.name for rule in english.RULES])
def test_every_rule_reads_only_near_its_match(rule: english.Rule) -> None:
    """A paragraph four times as long costs each rule at most about four times the reading:
    a rule that looked at all the text before each match (the year rule did) made a 200 KB
    paragraph of years take a minute."""
    assert _touched(rule, 200) <= 5 * max(_touched(rule, 50), 100)


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        speak(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize(
    "unit",
    ["9", "a.", "a-", "1.", "-9", "Mr.", "www.", "1999-", "<!-- ", "[[", "<a ", "@a", "x "],
)
def test_a_long_run_of_one_token_costs_time_linear_in_its_length(unit: str) -> None:
    """Eight times the text takes about eight times as long, not sixty-four: no pattern scans
    the rest of a run again from each place in it (the e-mail rule did, and the percent and
    unit rules did in a run of digits; 32,000 digits took minutes). CPU time of this process,
    best of three, with a bound three times what linear cost needs."""
    short = unit * (4000 // len(unit))
    assert _cpu_seconds(short * 8) <= 24 * max(_cpu_seconds(short), 0.01)


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    article = folder / "article.txt"
    article.write_text(SHORT_ARTICLE, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "article2podcast", article, "--engine", "fake", *map(str, args)],
        capture_output=True, text=True, cwd=folder, timeout=300, check=False,
        env={**os.environ, "TMPDIR": str(folder)},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("show", "message"),
    [
        ("", r"the show name \(--show\) '' has nothing to say \(no letter or digit\); .*"),
        ("   ", r"the show name \(--show\) '   ' has nothing to say .*"),
        ("...", r"the show name \(--show\) '...' has nothing to say .*"),
        ("My\nShow", r"the show name \(--show\) contains a control character \(U\+000A\); .*"),
        ("Bell\x07", r"the show name \(--show\) contains a control character \(U\+0007\); .*"),
        ("\u202eworc", r"the show name \(--show\) contains a control character \(U\+202E\); .*"),
        ("Sh\udcffow", r"the show name \(--show\) has bytes that are not UTF-8 text; .*"),
    ],
    ids=["empty", "spaces", "punctuation", "newline", "bell", "bidi override", "not utf-8"],
)
def test_a_show_name_with_nothing_to_say_is_refused_in_one_line(
    tmp_path: Path, show: str, message: str
) -> None:
    """`--show ""` used to make the intro say "This is ."."""
    done = _run(tmp_path, "--show", show)
    assert done.returncode == 2, done.stderr
    assert re.fullmatch("article2podcast: " + message, done.stderr.rstrip("\n")), done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""
    assert list(tmp_path.rglob("*")) == [tmp_path / "article.txt"]  # no episode, no scratch


def test_settings_check_the_show_name_whoever_makes_them() -> None:
    with pytest.raises(InputError, match="nothing to say"):
        Settings(show="  ")
    assert Settings(show="Night Reads 2").show == "Night Reads 2"
