"""Hostile cases around the engines and the command line's messages (issue 13): a damaged
voice file, signals at every stage of a worker's life, names that would split or colour an
error line, and a first-run set-up that keeps its noise in a log.
"""

from __future__ import annotations

import pytest

from article2podcast.cli import one_line

FAKE = ("--engine", "fake")


@pytest.mark.parametrize(
    "name",
    ["two\nlines.txt", "red\x1b[31mtext\x1b[0m.txt", "back\rwards.txt", "bidi\u202etxt.md"],
    ids=["newline", "ANSI escape", "carriage return", "bidi override"],
)
def test_a_hostile_file_name_is_echoed_on_one_line_with_its_controls_visible(run_cli, name) -> None:
    done = run_cli(name, *FAKE)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n")
    assert "\x1b" not in done.stderr and "\r" not in done.stderr and "\u202e" not in done.stderr
    assert repr(name)[1:-1] in done.stderr  # the name is still there to recognise


def test_a_hostile_option_value_is_echoed_on_one_line(run_cli) -> None:
    done = run_cli("article.txt", "--no\nsuch-option\x1b[2J")  # argparse echoes it raw
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "\x1b" not in done.stderr


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "plain words, quotes ' \" and a backslash \\",
            "plain words, quotes ' \" and a backslash \\",
        ),
        ("a\nb\tc", "a\\nb\\tc"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("caf\u00e9 \u00fcber", "caf\u00e9 \u00fcber"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("bad byte \udcff", "bad byte \\udcff"),
    ],
)
def test_one_line_escapes_only_what_is_not_printable(text: str, shown: str) -> None:
    assert one_line(text) == shown
