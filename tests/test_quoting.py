"""Quotations inside paragraphs become runs of their own; the attribution stays narration."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.scripting.quoting import Run, split_quotes


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("No quotes here.", [Run("No quotes here.", False)]),
        (
            '"We are shocked and in pain," Teigen wrote.',
            [Run('"We are shocked and in pain,"', True), Run("Teigen wrote.", False)],
        ),
        (
            "Harris tweeted, “Chrissy, John, Luna and Miles, we are sorry.” Milano wrote more.",
            [
                Run("Harris tweeted,", False),
                Run("“Chrissy, John, Luna and Miles, we are sorry.”", True),
                Run("Milano wrote more.", False),
            ],
        ),
        ('It was "tragedy" then.', [Run('It was "tragedy" then.', False)]),
        ("Music was 'healing' for him.", [Run("Music was 'healing' for him.", False)]),
        ('"A whole paragraph, quoted."', [Run('"A whole paragraph, quoted."', True)]),
        ('An "unclosed quote goes on', [Run('An "unclosed quote goes on', False)]),
    ],
    ids=["none", "quote then attribution", "curly quote inside", "short scare quote",
         "single quotes", "whole paragraph", "unclosed"],
)  # fmt: skip
def test_long_quotations_are_split_out(text: str, runs: list[Run]) -> None:
    assert split_quotes(text) == runs


@given(
    st.lists(st.sampled_from(['"', "“", "”", "ab", " ", ",", ".", "Cd"]), max_size=60).map("".join)
)
def test_runs_give_back_the_paragraph(text: str) -> None:
    assert " ".join(run.text for run in split_quotes(text)).split() == text.split()
