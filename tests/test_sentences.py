"""Sentence splitting and clause splitting: every word kept, in order, within the bound."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.scripting.sentences import split_long, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("Mr. Smith met Dr. Jones.", ["Mr. Smith met Dr. Jones."]),
        ("It costs 3.5 dollars. Cheap.", ["It costs 3.5 dollars.", "Cheap."]),
        ("He met J. R. Tolkien there.", ["He met J. R. Tolkien there."]),
        (
            "She lives in the U.S. The rest is history.",
            ["She lives in the U.S.", "The rest is history."],
        ),
        ("The U.S. Senate voted.", ["The U.S. Senate voted."]),
        (
            "We met at 8 a.m. on Sept. 15 in St. Louis.",
            ["We met at 8 a.m. on Sept. 15 in St. Louis."],
        ),
        (
            '"We are shocked," Teigen wrote. "We were never able."',
            ['"We are shocked," Teigen wrote.', '"We were never able."'],
        ),
        ("“Why?” she asked. Nobody knew.", ["“Why?” she asked.", "Nobody knew."]),
        ("Apples, pears, etc. are fruit.", ["Apples, pears, etc. are fruit."]),
        ("Wait... What? Really!", ["Wait...", "What?", "Really!"]),
        (
            "It ended in 2020. In 2021 it began again.",
            ["It ended in 2020.", "In 2021 it began again."],
        ),
        ("No final stop", ["No final stop"]),
        ("The book costs $3.50. Buy it.", ["The book costs $3.50.", "Buy it."]),
        ("Version 2.0. Released today.", ["Version 2.0.", "Released today."]),
        ("It's 10 a.m. I'm late.", ["It's 10 a.m.", "I'm late."]),
        ("I live on Main St. The house is blue.", ["I live on Main St.", "The house is blue."]),
        ("We prayed at St. Paul's.", ["We prayed at St. Paul's."]),
        ("See https://example.com/a.b. Then go.", ["See https://example.com/a.b.", "Then go."]),
    ],
)
def test_sentences_are_split_where_a_reader_would(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_long_sentences_are_split_at_a_clause_boundary() -> None:
    sentence = (
        "The council met on Tuesday to discuss the budget; after a long debate that ran "
        "late into the evening, it voted to fund the new library."
    )
    assert split_long(sentence, 100) == [
        "The council met on Tuesday to discuss the budget;",
        "after a long debate that ran late into the evening, it voted to fund the new library.",
    ]


def test_commas_are_preferred_to_plain_spaces() -> None:
    pieces = split_long("word " * 20 + "and then, " + "word " * 20, 120)
    assert pieces[0].endswith("then,")


def test_a_giant_word_is_cut_at_the_bound() -> None:
    assert split_long("x" * 5000, 300) == ["x" * 300] * 16 + ["x" * 200]


def test_short_sentences_are_left_alone() -> None:
    assert split_long("Short and sweet.", 300) == ["Short and sweet."]


text_strategy = st.lists(
    st.sampled_from([*list("abcXYZ .,;:!?\"'“”—-…\n\t123"), "Mr.", "U.S.", "e.g.", "   "]),
    max_size=400,
).map("".join)


@given(text_strategy)
def test_every_word_survives_sentence_splitting_once_in_order(text: str) -> None:
    assert " ".join(split_sentences(text)).split() == text.split()


@given(text_strategy, st.integers(min_value=5, max_value=80))
def test_every_piece_is_within_the_bound_and_nothing_is_lost(text: str, bound: int) -> None:
    pieces = split_long(text, bound)
    assert all(0 < len(piece) <= bound for piece in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    assert all(piece == piece.strip() for piece in pieces)
