"""Lexicon entries per language: a `[de]` table applies to German articles only; entries outside
any table to English ones; `["*"]` to every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.errors import InputError
from article2podcast.scripting.speakable import speakable
from article2podcast.scripting.speakable.lexicon import Lexicon, load_lexicon

LEXICON = """\
Teigen = "TY-gin"
["*"]
Nginx = "engine x"
[de]
Teigen = "Tei-gen"
Handy = "Händi"
[pt]
Lula = "Lúla"
[pt-BR]
Lula = "Lu-la"
"""


@pytest.fixture
def lexicon(tmp_path: Path) -> Lexicon:
    path = tmp_path / "lexicon.toml"
    path.write_text(LEXICON, encoding="utf-8")
    return load_lexicon(path)


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("en", "Teigen uses Nginx", "TY-gin uses engine x"),
        ("de", "Teigen nutzt Nginx", "Tei-gen nutzt engine x"),
        ("de-AT", "Das Handy", "Das Händi"),
        ("fr", "Teigen et Nginx", "Teigen et engine x"),
        ("pt-PT", "Lula", "Lúla"),
        ("pt-BR", "Lula", "Lu-la"),
        ("en", "Handy Lula", "Handy Lula"),
    ],
)
def test_an_entry_applies_to_the_articles_of_its_language(
    lexicon: Lexicon, language: str, written: str, said: str
) -> None:
    assert speakable(written, lexicon, language) == said


def test_the_builtin_english_entries_stay_out_of_other_languages() -> None:
    assert speakable("YouTube und 24/7") != speakable("YouTube und 24/7", language="de")
    assert "twenty" not in speakable("24/7", language="de")


def test_merging_keeps_each_languages_entries(lexicon: Lexicon) -> None:
    more = Lexicon({}, {"de": {"Handy": "Mobiltelefon"}})
    merged = lexicon.merged(more)
    assert speakable("Teigen Handy", merged, "de") == "Tei-gen Mobiltelefon"


def test_a_table_not_named_for_a_language_says_what_to_fix(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text("[deutsch]\nTeigen = 'x'\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a language tag.*\[de\]"):
        load_lexicon(path)
