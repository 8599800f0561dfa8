"""Dotted digits that are no thousands grouping ("OS X 10.10", "Version 5.3") are read part by
part with the language's word for the dot (they were read "zehn.zehn", the dot left in)."""

from __future__ import annotations

import pytest

from article2podcast.scripting.speakable import speakable


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("de", "für OS X 10.10 verfügbar", "für OS X zehn Punkt zehn verfügbar"),
        ("de", "iOS 8.2 und 1.234", "iOS acht Punkt zwei und eintausendzweihundertvierunddreißig"),
        ("fr", "la version 5.3 de", "la version cinq point trois de"),
        ("es", "la versión 5.3", "la versión cinco punto tres"),
        ("pt", "versão 2.0.1", "versão dois ponto zero ponto um"),
        ("it", "la versione 3.11", "la versione tre punto undici"),
    ],
)  # fmt: skip
def test_a_version_is_read_part_by_part(language: str, written: str, said: str) -> None:
    assert speakable(written, language=language) == said


@pytest.mark.parametrize(
    ("language", "written"), [("de", "3.000 Euro"), ("it", "1.234.567"), ("es", "40.000")]
)
def test_thousands_stay_numbers(language: str, written: str) -> None:
    said = speakable(written, language=language)
    assert not any(word in said for word in ("Punkt", "punto", "point", "ponto"))
