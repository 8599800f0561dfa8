"""The command line leaves reference apparatus out, `check` lists it, and --keep-references
keeps it, as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import SAMPLES

FAKE = ("--engine", "fake")
ARTICLE = """Opera (web browser)

Some users threatened to boycott the browser,[26] while others welcomed the change.[citation \
needed]

History[edit]

Opera began in 1994 as a research project at Telenor.[5]

References[edit]

^ "Users revolt over Opera 15". Ars Technica. 3 July 2013. Retrieved 10 May 2016.
"""


@pytest.fixture
def wikipedia_text(tmp_path: Path) -> Path:
    path = tmp_path / "opera.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def spoken_text(stdout: str) -> str:
    manifest = json.loads(stdout)
    return " ".join(s["text"] for segment in manifest["segments"] for s in segment["sentences"])


def test_check_lists_what_is_skipped(run_cli, wikipedia_text) -> None:
    done = run_cli("check", wikipedia_text, *FAKE)
    assert done.returncode == 0, done.stderr
    part = done.stdout.split("\n\n")[0].splitlines()
    assert part == [
        "Skipped (not read aloud; --keep-references reads it):",
        "  2 citation marks ([26], [5])",
        "  2 edit links ([edit])",
        "  1 cleanup note ([citation needed])",
        "  the section 'References' (1 paragraph)",
    ]
    assert "2013" not in done.stdout  # the year of the skipped reference is not checked


def test_check_with_keep_references_skips_nothing(run_cli, wikipedia_text) -> None:
    done = run_cli("check", wikipedia_text, "--keep-references", *FAKE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "Skipped (not read aloud; --keep-references reads it):\n  nothing\n"
    )
    assert "2013 -> twenty thirteen" in done.stdout


def test_an_episode_leaves_the_apparatus_unsaid_and_unshown(run_cli, wikipedia_text) -> None:
    done = run_cli(wikipedia_text, "--plan", *FAKE)
    assert done.returncode == 0, done.stderr
    text = spoken_text(done.stdout)
    assert "boycott the browser, while others welcomed the change." in text
    for apparatus in ("[26]", "citation needed", "[edit]", "References", "Retrieved"):
        assert apparatus not in text


def test_keep_references_reads_it_all(run_cli, wikipedia_text) -> None:
    done = run_cli(wikipedia_text, "--plan", "--keep-references", *FAKE)
    assert done.returncode == 0, done.stderr
    text = spoken_text(done.stdout)
    for apparatus in ("browser,[26]", "[citation needed]", "History[edit]", "Retrieved 10 May"):
        assert apparatus in text


def test_a_wikipedia_page_is_read_without_its_apparatus(run_cli) -> None:
    done = run_cli(SAMPLES / "wikipedia-opera.html", "--plan", *FAKE)
    assert done.returncode == 0, done.stderr
    text = spoken_text(done.stdout)
    assert "Opera began in 1994" in text
    assert "[" not in text.replace("[the company]", "").replace("[sic]", "")
