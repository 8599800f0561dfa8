"""Reference apparatus (citation marks, edit links, footnotes, reference sections) is left out
of what is read, in plain text, Markdown and web pages, unless --keep-references."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from article2podcast.model import Block
from article2podcast.reading import read_article
from article2podcast.reading.apparatus import cut_reference_sections, strip_marks
from article2podcast.reading.html import parse_html
from article2podcast.reading.markdown import parse_markdown
from article2podcast.reading.plaintext import parse_plaintext
from conftest import SAMPLES

WIKIPEDIA_PAGE = SAMPLES / "wikipedia-opera.html"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("boycott the browser,[26] while others", "boycott the browser, while others"),
        ("he said.[12][13] Then he left.", "he said. Then he left."),
        ("other features.[a]", "other features."),
        ("other features.[bc] Next", "other features. Next"),
        ("as listed.[iv]", "as listed."),
        ("the end.[note 3]", "the end."),
        ("the end.[nb 1] More", "the end. More"),
        ("the end.[Note 12]", "the end."),
        ("as shown.[3–5]", "as shown."),
        ("as shown.[1, 2]", "as shown."),
        ("the claim.[1]: 23 Next", "the claim. Next"),
        ("the claim,[7]:45–46 and", "the claim, and"),
        ("was large.[citation needed] It fell.", "was large. It fell."),
        ("was large [citation needed].", "was large."),
        ("it rose[clarification needed] fast", "it rose fast"),
        ("in 2001 someone [who?] said", "in 2001 someone said"),
        ("a dubious claim[dubious – discuss]", "a dubious claim"),
        ("a dubious claim[dubious - discuss]", "a dubious claim"),
        ("a claim.[failed verification]", "a claim."),
        ("une date[réf. nécessaire]", "une date"),
        ("una fecha[cita requerida]", "una fecha"),
        ("History[edit]", "History"),
        ("History [edit]", "History"),
        ("Early life[edit source]", "Early life"),
        ("Geschichte[Bearbeiten | Quelltext bearbeiten]", "Geschichte"),
        ("Histoire[modifier | modifier le code]", "Histoire"),
        ("Historia[editar]", "Historia"),
        ("Storia[modifica | modifica wikitesto]", "Storia"),
        ("the browser¹ while", "the browser while"),
        ("it said,²³ and", "it said, and"),
        ("a Markdown note[^1] here", "a Markdown note here"),
        ("a Markdown note [^long-name].", "a Markdown note."),
        ("deep[c[1]] nesting", "deep nesting"),
    ],
)
def test_marks_are_left_out(written: str, read: str) -> None:
    assert strip_marks(written)[0] == read


@pytest.mark.parametrize(
    "text",
    [
        "[the company] said it would",  # an editor's insertion is the author's text
        "he said [sic] it was",  # the slip is in the quotation: the listener should know
        "published in [1999] by",  # four digits are a year, never a mark
        "published 1999[2001] by",
        "choose option [a] or option [b]",  # after a space a letter is part of the sentence
        "the list [1, 2, 3] is sorted",
        "as shown in [12], the",  # a numbered reference in the sentence's grammar
        "[1] Smith, J. (2001). A Study.",  # a reference list entry starts with its number
        "[I] went home",
        "Plan[A] failed",  # capital letters are not footnote letters
        "click [edit] to change it",  # an edit link ends a heading's line
        "click the [Edit] button",
        "HTTP/2 [RFC 7540] says",
        "10 m² of floor and 2 km³ of water",  # powers after one or two letters
        "E = mc² holds",
        "That’s a total of 10^5 * 300 = 30,000,000 lists.",  # ars-1: carets in prose
        "rekt: { list: [ list: [ ] list: [ ] ... ] ... }",  # ars-1: brackets in prose
        "a [[wiki link]] and [[1]]",
    ],
)
def test_text_that_only_looks_like_a_mark_stays(text: str) -> None:
    assert strip_marks(text) == (text, ())


def test_strip_marks_says_which_marks_it_took() -> None:
    assert strip_marks("a,[1] b[citation needed] cat¹ d[^n]")[1] == (
        "¹",
        "[1]",
        "[citation needed]",
        "[^n]",
    )


pieces = st.sampled_from(
    ["[", "]", "1", "26", "1999", "a", "I", "edit", "sic", "note 3", "citation needed", " ",
     ",", ".", "word", "^", "^1", "¹", "²", "km", "\n", ":", "–", "[edit]", "[12]", "?"]
)  # fmt: skip


@given(st.lists(pieces, max_size=30).map("".join))
def test_stripping_twice_is_stripping_once(text: str) -> None:
    once = strip_marks(text)[0]
    assert strip_marks(once)[0] == once


@given(st.text(st.characters(blacklist_characters="[⁰¹²³⁴⁵⁶⁷⁸⁹", codec="utf-8"), max_size=80))
def test_text_without_brackets_or_superscripts_is_unchanged(text: str) -> None:
    assert strip_marks(text) == (text, ())


def blocks(*shapes: str) -> list[Block]:
    """Blocks from "h:Heading", "p:Paragraph", "l:List item"."""
    kinds = {"h": "heading", "p": "paragraph", "l": "list_item", "q": "quote"}
    return [Block(kinds[shape[0]], shape[2:]) for shape in shapes]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("shapes", "kept", "said"),
    [
        (
            ["p:Text.", "h:History", "p:More.", "h:References", "l:^ Smith. Retrieved 1 May 2016."],
            3,
            "the section 'References' (1 paragraph)",
        ),
        (
            [
                "p:Text.",
                "h:See also",
                "l:Other",
                "h:References",
                "l:^ A",
                "h:External links",
                "l:Site",
            ],
            1,
            "the sections 'See also', 'References', 'External links' (3 paragraphs)",
        ),
        (["p:Text.", "h:Notes", "p:One.", "h:Aftermath", "p:Two."], 5, None),  # not trailing
        (["p:Text.", "h:References"], 1, "the section 'References' (0 paragraphs)"),
        (["h:References", "p:Everything is here."], 2, None),  # it would leave nothing
        (
            ["p:Text.", 'p:^ a b "Title". Retrieved 10 May 2016.', 'p:^ "Other". BBC.'],
            1,
            '2 reference entries at the end (^ a b "Title". Retrieved 10 May 2016., ^ "Other". '
            "BBC.)",
        ),
        (["p:Text.", "p:Smith, J. (2001). Retrieved on May 10, 2016."], 1, "1 reference entry"),
        (["p:Text.", "p:Retrieved 10 May 2016 from the archive, he said.", "p:Then."], 3, None),
        (["p:Text.", "h:Einzelnachweise", "l:Müller.", "h:Weblinks", "l:Seite"], 1, "Weblinks"),
        (["p:Text.", "h:Notes et références", "l:Dupont.", "h:Liens externes", "l:Site"], 1, "'N"),
        (["p:Text.", "h:Véase también", "l:Otro", "h:Referencias", "l:Pérez."], 1, "Véase"),
        (["p:Text.", "h:Ver também", "l:Outro", "h:Ligações externas", "l:Sítio"], 1, "Ver"),
        (["p:Text.", "h:Note", "l:Rossi.", "h:Collegamenti esterni", "l:Sito"], 1, "Note"),
        (["p:Text.", "h:7. References", "l:A."], 1, "'7. References'"),
        (["p:Text.", "h:Further reading:", "l:A book."], 1, "Further reading"),
        (["p:Text.", "l:Notes", "l:References", "l:External links"], 1, "'External links' (0"),
        (["p:Text.", "h:External links", "h:Official website"], 1, "(1 paragraph)"),
        (["p:Text.", "h:Notes", "p:A.", "h:Coda", "h:Epilogue", "p:B."], 6, None),
    ],
)
def test_trailing_reference_sections_are_cut(
    shapes: list[str], kept: int, said: str | None
) -> None:
    before = blocks(*shapes)
    after, skipped = cut_reference_sections(before)
    assert after == before[:kept]
    if said is None:
        assert skipped == []
    else:
        assert len(skipped) == 1 and said in skipped[0]


WIKIPEDIA_TEXT = """Opera (web browser)

From Wikipedia, the free encyclopedia

Opera is a multi-platform web browser developed by Opera Software.[1] The latest version is \
available for Microsoft Windows, macOS, and Linux operating systems.[2][3]

History[edit]

Opera began in 1994 as a research project at Telenor.[5] Some users threatened to boycott the \
browser,[26] while others welcomed the change.[citation needed]

He left.[4]

See also[edit]
Comparison of web browsers
History of the web browser
References[edit]
^ Opera Software (10 May 2016). "Opera 37 released". Opera. Retrieved 10 May 2016.
^ a b Lawson, Bruce (12 February 2013). "Opera moves to WebKit and V8". Archived from the \
original on 2 March 2013. Retrieved 3 April 2013.
^ "Opera for computers". Opera. Retrieved 1 June 2020.

External links[edit]

Official website
"""


def test_a_wikipedia_page_copied_as_text_is_read_without_its_apparatus() -> None:
    article = parse_plaintext(WIKIPEDIA_TEXT, "Fallback", "opera.txt")
    assert article.title == "Opera (web browser)"
    assert [(block.kind, block.text) for block in article.blocks] == [
        ("paragraph", "Opera is a multi-platform web browser developed by Opera Software. The "
         "latest version is available for Microsoft Windows, macOS, and Linux operating systems."),
        ("heading", "History"),
        ("paragraph", "Opera began in 1994 as a research project at Telenor. Some users "
         "threatened to boycott the browser, while others welcomed the change."),
        ("paragraph", "He left."),  # a sentence once its mark is gone, not a subheading
    ]  # fmt: skip
    assert article.skipped == (
        "the line 'From Wikipedia, the free encyclopedia'",
        "6 citation marks ([1], [2], [3], [5], ...)",
        "4 edit links ([edit])",
        "1 cleanup note ([citation needed])",
        "the sections 'See also', 'References', 'External links' (5 paragraphs)",
    )


def test_keep_references_keeps_everything_in_plain_text() -> None:
    article = parse_plaintext(WIKIPEDIA_TEXT, "Fallback", "opera.txt", keep_references=True)
    text = " ".join(block.text for block in article.blocks)
    assert "Opera Software.[1]" in text
    assert "History[edit]" in text
    assert "Retrieved 10 May 2016" in text
    assert article.skipped == ()


MARKDOWN = """# Opera

Opera is a browser.[^1] It runs on Linux.[2] Type `argv[1]` or `x[a]` to see why[^why].

[^1]: The first note, which
    goes on over two lines.

## History[edit]

Opera began in 1994.

## References

1. ^ Smith, J. Retrieved 10 May 2016.

[^why]: Because.
"""


def test_markdown_footnotes_and_marks_are_left_out_but_code_is_not() -> None:
    article = parse_markdown(MARKDOWN, "Fallback", "a.md")
    assert [block.text for block in article.blocks] == [
        "Opera is a browser. It runs on Linux. Type argv[1] or x[a] to see why.",
        "History",
        "Opera began in 1994.",
    ]
    assert article.skipped == (
        "3 citation marks ([^1], [2], [^why])",
        "1 edit link ([edit])",
        "2 footnotes ([^1]: The first note, which, [^why]: Because.)",
        "the section 'References' (1 paragraph)",
    )


def test_keep_references_keeps_everything_in_markdown() -> None:
    article = parse_markdown(MARKDOWN, "Fallback", "a.md", keep_references=True)
    text = " ".join(block.text for block in article.blocks)
    assert "browser.[^1]" in text and "[^1]: The first note" in text
    assert "References" in text and article.skipped == ()


def test_a_wikipedia_page_is_read_without_its_apparatus() -> None:
    article = parse_html(WIKIPEDIA_PAGE.read_bytes(), "Fallback", str(WIKIPEDIA_PAGE))
    assert [block.text for block in article.blocks if block.kind == "heading"] == [
        "History",
        "Presto era",
    ]
    text = " ".join(block.text for block in article.blocks)
    assert "boycott the browser, while others welcomed the change." in text
    assert '"[the company] said [sic] it would keep the old engine"' in text
    for apparatus in ("[1]", "[26]", "[a]", "edit", "citation needed", "Retrieved", "Vivaldi"):
        assert apparatus not in text
    assert article.skipped == (
        "8 citation marks ([1], [2], [3], [a], ...)",
        "6 edit links ([edit])",
        "2 cleanup notes ([citation needed], [clarification needed])",
        "2 reference lists (7 entries)",
        "1 navigation box (Web browsers)",
    )


def test_keep_references_keeps_everything_in_a_web_page() -> None:
    data = WIKIPEDIA_PAGE.read_bytes()
    article = parse_html(data, "Fallback", "opera.html", keep_references=True)
    text = " ".join(block.text for block in article.blocks)
    for apparatus in ("[26]", "[a]", "citation needed", "Retrieved 10 May 2016", "References"):
        assert apparatus in text
    assert article.skipped == ()


FOOTNOTED_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Notes on tea</title></head><body>
<article><h1>Notes on tea</h1>
<p>Tea was first drunk in China<sup id="fnref:1"><a href="#fn:1" class="footnote"
role="doc-noteref">1</a></sup>, long before it reached Europe in the seventeenth century. Its
trade shaped empires, ports and habits<a href="#fn2" class="footnote-ref" id="fnref2"
role="doc-noteref"><sup>2</sup></a> on every continent that grows or drinks it today.</p>
<p>Water boils at 100 degrees and the leaves open in 3 minutes, or 10<sup>2</sup> seconds or so,
which every tea drinker knows well enough to time without a clock.</p>
<div class="footnotes" role="doc-endnotes"><ol><li id="fn:1"><p>According to legend, in 2737
BC.</p></li><li id="fn2"><p>See Mair and Hoh, The True History of Tea.</p></li></ol></div>
</article></body></html>"""


def test_footnote_links_and_lists_of_any_page_are_left_out() -> None:
    """The shapes of Pandoc, kramdown and Jekyll footnotes; a power in <sup> stays."""
    article = parse_html(FOOTNOTED_PAGE.encode(), "Fallback", "tea.html")
    text = " ".join(block.text for block in article.blocks)
    assert "first drunk in China, long before" in text
    assert "habits on every continent" in text
    assert "or 10 2 seconds" in text  # not a link: a power, read as it was before
    assert "legend" not in text and "Mair" not in text
    assert article.skipped == ("2 citation marks ([1], [2])", "the reference list (2 entries)")


PAGES = ["ars-1", "bbc-1", "guardian-1", "nytimes-1", "tmz-1"]


@pytest.mark.parametrize(
    "name",
    [f"{page}.html" for page in PAGES] + [f"{page}.txt" for page in PAGES] + ["john-legend.txt"],
)
def test_the_sample_articles_lose_nothing(name: str) -> None:
    """The real articles have no apparatus: everything in them is still read."""
    article = read_article(str(SAMPLES / name))
    kept = read_article(str(SAMPLES / name), keep_references=True)
    assert (article.title, article.blocks, article.skipped) == (kept.title, kept.blocks, ())


def test_read_article_passes_keep_references_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "opera.txt"
    path.write_text(WIKIPEDIA_TEXT, encoding="utf-8")
    assert read_article(str(path)).skipped
    assert not read_article(str(path), keep_references=True).skipped
