"""The score of what was heard: how the recogniser's spelling of numbers, times and spelled-out
letters is brought to ours (seen on tmz-1: "6 ,000", "8am", "TMZ" against "T M Z")."""

from __future__ import annotations

import pytest

from article2podcast.narration.scoring import normalise, score


@pytest.mark.parametrize(
    ("meant", "heard"),
    [
        ("T M Z has learned.", "TMZ has learned."),
        ("six thousand white pearls.", "6 ,000 white pearls."),
        ("one hundred fifty thousand dollars", "150 ,000 dollars"),
        ("between eight a m and nine p m Wednesday", "between 8am and 9pm Wednesday"),
        ("the first and the second", "the 1st and the 2nd"),
        ("B B C News", "BBC News"),
    ],
)
def test_the_recognisers_spelling_is_heard_as_ours(meant: str, heard: str) -> None:
    assert normalise(meant) == normalise(heard)
    assert score(meant, heard) == 1.0


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a cat and I", ["a", "cat", "and", "i"]),  # lone letters stay words
        ("I, a reader", ["i", "a", "reader"]),
        ("plan B and plan C", ["plan", "b", "and", "plan", "c"]),
    ],
)
def test_single_letters_apart_are_not_joined(text: str, words: list[str]) -> None:
    assert normalise(text) == words


def test_a_wrong_word_still_costs_its_share() -> None:
    assert score("T M Z has learned it", "TMZ has burned it") == pytest.approx(0.75)


def test_words_the_rules_write_in_capitals_are_kept() -> None:
    """The German rules say "08.04.2015 12:46" as "achte April ... zwölf Uhr ...": a capital
    the rules put back must not cost the word its first letter ("pril", "hr")."""
    words = normalise("08.04.2015 12:46", "de")
    assert "april" in words and "uhr" in words
    assert score("Am 08.04.2015", "am achten April zweitausendfünfzehn", "de") >= 0.75
