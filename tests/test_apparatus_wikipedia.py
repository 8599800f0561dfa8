"""A real Wikipedia article as a browser saves it (the "Mozilla" article, from mozilla/
readability's test pages, CC BY-SA): nothing of its apparatus is read, all of its prose is."""

from __future__ import annotations

import re
from pathlib import Path

from article2podcast.reading import read_article

PAGE = Path(__file__).parent / "data" / "wikipedia-mozilla.html"


def _text(keep: bool) -> tuple[list[str], str]:
    article = read_article(str(PAGE), keep_references=keep)
    return list(article.skipped), "\n".join(block.text for block in article.blocks)


def test_no_citation_mark_edit_link_or_reference_section_is_left() -> None:
    skipped, text = _text(keep=False)
    assert not re.search(r"\[(\d+|[a-z]|edit|citation needed|update)\]", text)
    assert "Retrieved" not in text and "See also" not in text
    assert any("citation marks" in line for line in skipped)
    assert any("edit links" in line for line in skipped)
    assert any("'References'" in line for line in skipped)


def test_the_prose_is_all_there() -> None:
    _, text = _text(keep=False)
    _, kept = _text(keep=True)
    # The first and a late sentence of the article's prose, without their marks.
    assert "Mozilla is a free-software community, created in 1998 by members of Netscape" in text
    assert "Mozilla Corporation" in text and "Firefox" in text
    # Every paragraph kept with --keep-references, but the reference list's entries ("^ ..."),
    # is read without it, once its marks are out.
    prose = [
        " ".join(re.sub(r"\[[^\]]*\]", "", line).split())
        for line in kept.splitlines()
        if len(line.split()) > 12 and not line.startswith("^")
    ]
    missing = [line for line in prose if line[:60] not in text]
    assert len(prose) > 40 and not missing, missing[:3]


def test_keep_references_keeps_the_marks_and_the_sections() -> None:
    skipped, kept = _text(keep=True)
    assert skipped == [] and re.search(r"\[\d+\]", kept) and "References" in kept
