"""The pronunciation lexicon file."""

from __future__ import annotations

from pathlib import Path

import pytest

from article2podcast.errors import InputError
from article2podcast.scripting.speakable.lexicon import (
    BUILTIN,
    Lexicon,
    default_lexicon,
    load_lexicon,
)


def test_a_lexicon_is_written_equals_said(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text('Teigen = "TY-gin"\n"Chrissy Teigen" = "KRIS-ee TY-gin"\n', encoding="utf-8")
    assert load_lexicon(path) == Lexicon({"Teigen": "TY-gin", "Chrissy Teigen": "KRIS-ee TY-gin"})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Teigen = TY-gin", "not valid TOML"),
        ("Teigen = 3", "must be a word"),
        ('Teigen = ""', "must be a word"),
        ("[words]\nTeigen = 'x'", "must be a word"),
    ],
)
def test_a_broken_lexicon_says_what_to_fix(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_lexicon(path)


def test_a_missing_lexicon_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_lexicon(tmp_path / "nope.toml")


def test_the_users_lexicon_and_then_the_given_one_override_the_builtin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    (config / "article2podcast").mkdir(parents=True)
    (config / "article2podcast" / "lexicon.toml").write_text('GitHub = "git-hub"\nA = "ay"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    given = tmp_path / "given.toml"
    given.write_text('A = "eh"\n')
    lexicon = default_lexicon(given)
    assert lexicon.entries["GitHub"] == "git-hub"
    assert lexicon.entries["A"] == "eh"
    assert lexicon.entries["article2podcast"] == BUILTIN["article2podcast"]
