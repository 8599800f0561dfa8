"""Hostile content in the output formats: chapters stay within what every format holds, and
what the episode's files embed stays text."""

from __future__ import annotations

import html
import html.parser
import io
import itertools
import json
import os
import struct
import subprocess
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import PngImagePlugin

from article2podcast.episode.captions import render_srt, render_vtt, srt_text
from article2podcast.episode.chapters import (
    MAX_CHAPTERS,
    MAX_TITLE_BYTES,
    Chapter,
    chapters_for,
    short_title,
)
from article2podcast.episode.notes import render_notes, text
from article2podcast.episode.user_cover import MAX_COVER_BYTES, read_cover
from article2podcast.errors import InputError
from article2podcast.model import Article, Block, Page, Script, Segment, Sentence, Timing
from conftest import parse_vtt

FAKE = ("--engine", "fake")
Run = Callable[..., subprocess.CompletedProcess[str]]


def segment(kind: str, text: str = "x") -> Segment:
    return Segment(kind, text, (Sentence(text, (text,)),))  # type: ignore[arg-type]


def script_with(headings: int) -> tuple[Script, list[Timing]]:
    """A script of an intro, the headline, `headings` sections and an outro, a second each."""
    segments = [segment("intro"), segment("title", "Headline"), segment("paragraph")]
    for number in range(headings):
        segments += [segment("heading", f"Part {number}"), segment("paragraph")]
    segments.append(segment("outro"))
    timings = [Timing(1000 * i, 1000 * i + 900) for i in range(len(segments))]
    return Script("Headline", tuple(segments)), timings


# Chapters


@given(headings=st.integers(0, 40), limit=st.integers(3, 30))
def test_chapters_never_outnumber_the_limit_and_still_cover_the_episode(
    headings: int, limit: int
) -> None:
    """Merged or not, the chapters are contiguous from 0 to the end, intro and outro kept."""
    script, timings = script_with(headings)
    duration = timings[-1].end_ms + 500
    everything = chapters_for(script, timings, duration, limit=10_000)
    chapters = chapters_for(script, timings, duration, limit=limit)
    assert len(chapters) == min(len(everything), limit)
    assert chapters[0] == everything[0] and chapters[-1] == everything[-1]
    assert [c.title for c in chapters[:2]] == ["Intro", "Headline"]
    assert chapters[0].start_ms == 0 and chapters[-1].end_ms == duration
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(chapters))
    starts = {c.start_ms: c.title for c in everything}
    assert all(starts[c.start_ms] == c.title for c in chapters)  # a run keeps its first title


def test_sections_are_merged_evenly() -> None:
    script, timings = script_with(9)  # headline + 9 parts = 10 sections, into 5
    chapters = chapters_for(script, timings, 30_000, limit=7)
    body = chapters[1:-1]
    assert [c.title for c in body] == ["Headline", "Part 1", "Part 3", "Part 5", "Part 7"]
    assert len({c.end_ms - c.start_ms for c in body}) == 1


def test_by_default_chapters_fit_an_id3_table_of_contents() -> None:
    script, timings = script_with(300)
    chapters = chapters_for(script, timings, timings[-1].end_ms)
    assert len(chapters) == MAX_CHAPTERS == 255


def test_a_long_title_is_cut_at_a_character_with_an_ellipsis() -> None:
    title = "Überlänge " + "é" * 300
    cut = short_title(title)
    assert len(cut.encode("utf-8")) <= MAX_TITLE_BYTES
    assert cut.endswith("…") and title.startswith(cut[:-1])
    assert short_title("Short") == "Short"


def test_chapter_titles_are_cut_short() -> None:
    script = Script("é" * 200, (segment("intro"), segment("title", "é" * 200), segment("outro")))
    timings = [Timing(0, 900), Timing(1000, 1900), Timing(2000, 2900)]
    titles = [c.title for c in chapters_for(script, timings, 3000)]
    assert [len(t.encode()) <= MAX_TITLE_BYTES for t in titles] == [True, True, True]
    assert titles[1] == short_title("é" * 200) != "é" * 200


def test_300_subheadings_make_an_mp3_with_a_chapter_table_id3_holds(
    tmp_path: Path, run_cli: Run
) -> None:
    """ID3's table of contents holds 255 entries: the episode is made, its sections merged."""
    from mutagen.id3 import ID3

    parts = "".join(f"## Part {n}\n\nWord {n}.\n\n" for n in range(300))
    article = f"# Many Parts\n\nAn opening.\n\n{parts}"
    (tmp_path / "article.md").write_text(article, encoding="utf-8")
    done = run_cli(*FAKE, "article.md", "-o", "many.mp3")
    assert done.returncode == 0, done.stderr
    tag = ID3(tmp_path / "many.mp3")
    (toc,) = tag.getall("CTOC")
    chapters = tag.getall("CHAP")
    assert len(toc.child_element_ids) == len(chapters) == MAX_CHAPTERS
    manifest = json.loads((tmp_path / "many.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in manifest["chapters"]] == [
        str(chap.sub_frames["TIT2"]) for chap in sorted(chapters, key=lambda c: c.start_time)
    ]
    chapters_json = json.loads((tmp_path / "many.chapters.json").read_text(encoding="utf-8"))
    assert len(chapters_json["chapters"]) == MAX_CHAPTERS


def test_a_long_non_latin_heading_does_not_break_an_m4a(tmp_path: Path, run_cli: Run) -> None:
    """MP4's chapter list holds 255 bytes of title; ffmpeg used to cut inside a character."""
    from mutagen.mp4 import MP4

    long = "é" * 100 + " " + "ü" * 100
    (tmp_path / "article.md").write_text(
        f"# Title {long}\n\nAn opening.\n\n## Part {long}\n\nMore text.\n", encoding="utf-8"
    )
    done = run_cli(*FAKE, "article.md", "-o", "long.m4a")
    assert done.returncode == 0, done.stderr
    chapters = MP4(tmp_path / "long.m4a").chapters
    assert chapters is not None
    assert [c.title for c in chapters][1:3] == [short_title(f"Title {long}"),
                                                short_title(f"Part {long}")]  # fmt: skip



# Show notes


class _Tags(html.parser.HTMLParser):
    """The tags of an HTML fragment, each with its attributes, and its text by top-level tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[self._open.index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text.setdefault(self._open[0], []).append(data)


def rendered(markdown: str) -> _Tags:
    """`markdown` as a renderer that lets HTML through shows it, parsed back into tags."""
    from markdown_it import MarkdownIt

    parser = _Tags()
    parser.feed(MarkdownIt("commonmark", {"html": True}).render(markdown))
    parser.close()
    return parser


HOSTILE = [
    "<script>alert(1)</script> Breaking",
    '<img src=x onerror="alert(1)"> News',
    "Click [here](javascript:alert(1)) or ![x](https://evil.example/t.png)",
    "**bold** _under_ `code` ~~gone~~ $x$ | a | b |",
    "C# and F# #",
    "&lt;b&gt; is not bold &amp; &#60;i&#62;",
    "Back\\slash \\<script\\>",
    "<https://evil.example> and <mailto:x@evil.example>",
    "<!-- comment --> <![CDATA[x]]> <?php ?>",
    "Tab\tnew\nline\r\n\nblank line",
]
MARKUP = {"h1", "h2", "p", "em", "ul", "li", "a"}
"""The tags the notes' own Markdown makes."""


@pytest.mark.parametrize("title", HOSTILE)
def test_a_hostile_title_is_shown_as_itself_in_the_rendered_notes(title: str) -> None:
    article = Article(title, (Block("paragraph", "Text."),), source="/home/me/article.html")
    chapters = [Chapter(0, 1000, "Intro"), Chapter(1000, 2000, title)]
    notes = render_notes(article, chapters, show=title, duration_ms=3000)
    page = rendered(notes)
    assert {tag for tag, _ in page.tags} <= MARKUP
    assert "".join(page.text["h1"]) == " ".join(title.split())
    assert f"0:01 {' '.join(title.split())}" in "".join(page.text["ul"]).splitlines()
    assert "".join(page.text["p"]).startswith(f"{' '.join(title.split())} · 0:03")


@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=60))
def test_any_text_renders_as_itself(value: str) -> None:
    page = rendered(f"# {text(value)}\n")
    assert {tag for tag, _ in page.tags} <= {"h1"}
    assert "".join(page.text.get("h1", [])) == " ".join(value.split())


def test_the_byline_and_the_file_name_stay_text() -> None:
    page = Page(author=None, site="1. <b>Site</b>", date="- 2024")
    article = Article("T", (), source="/tmp/<img src=x onerror=alert(1)>.html", page=page)
    notes = rendered(render_notes(article, [], show="Show", duration_ms=0))
    assert {tag for tag, _ in notes.tags} <= MARKUP
    assert "1. <b>Site</b>, - 2024." in notes.text["p"]
    assert "Read from <img src=x onerror=alert(1)>.html." in notes.text["p"]


def test_only_http_links_are_listed_and_each_stays_one_link() -> None:
    links = (
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "vbscript:msgbox",
        'https://example.org/a b"><script>alert(1)</script>',
        "http://[::1",
        "https://example.org/report?a=1&b=2",
    )
    page = Page(url="javascript:alert(2)")
    article = Article("T", (), source="/tmp/a.html", links=links, page=page)
    notes = rendered(render_notes(article, [], show="Show", duration_ms=0))
    assert {tag for tag, _ in notes.tags} <= MARKUP
    hrefs = [attrs["href"] for tag, attrs in notes.tags if tag == "a"]
    assert hrefs == [
        "https://example.org/a%20b%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "https://example.org/report?a=1&b=2",
    ]
    assert "Read from a.html." in notes.text["p"]  # the page's own URL was not http(s)


def test_a_hostile_page_makes_notes_without_its_markup(tmp_path: Path, run_cli: Run) -> None:
    body = "<p>" + "A sentence of the article that the narrator reads aloud. " * 6 + "</p>"
    (tmp_path / "page.html").write_text(
        "<html><head><title>t</title></head><body><article>"
        "<h1>&lt;script&gt;alert(1)&lt;/script&gt; Headline</h1>"
        f"{body}<h2>&lt;img src=x onerror=alert(2)&gt; Part *two*</h2>{body}"
        "</article></body></html>",
        encoding="utf-8",
    )
    done = run_cli(*FAKE, "page.html", "-o", "ep.mp3", "--show", "<b>Night</b> [Reads](x:y)")
    assert done.returncode == 0, done.stderr
    notes = rendered((tmp_path / "ep.md").read_text(encoding="utf-8"))
    assert {tag for tag, _ in notes.tags} <= MARKUP
    assert "".join(notes.text["h1"]) == "<script>alert(1)</script> Headline"
    assert "<img src=x onerror=alert(2)> Part *two*" in "".join(notes.text["ul"])


# The user's cover


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(chunk: bytes, *, after_image: bool = False, side: int = 1400) -> bytes:
    """A square PNG cover with `chunk` before its image data (or after it)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side), (20, 40, 60)).save(out, format="PNG")
    png = out.getvalue()
    at = png.index(b"IEND") - 4 if after_image else 8 + 25  # the signature and IHDR
    return png[:at] + chunk + png[at:]


TEXT_BOMB = zlib.compress(b" " * (PngImagePlugin.MAX_TEXT_CHUNK + 1), 9)
"""A kilobyte that inflates past the most text Pillow reads from a chunk."""
HOSTILE_COVERS = {
    "zTXt": png_with(png_chunk(b"zTXt", b"Comment\0\0" + TEXT_BOMB)),
    "iTXt": png_with(png_chunk(b"iTXt", b"Comment\0\1\0en\0\0" + TEXT_BOMB)),
    "zTXt after the image": png_with(
        png_chunk(b"zTXt", b"Comment\0\0" + TEXT_BOMB), after_image=True
    ),
    "iCCP": png_with(png_chunk(b"iCCP", b"icc\0\0" + TEXT_BOMB)),
}


@pytest.mark.parametrize("name", HOSTILE_COVERS)
def test_a_png_with_an_oversized_chunk_is_refused_as_damaged(tmp_path: Path, name: str) -> None:
    path = tmp_path / "cover.png"
    path.write_bytes(HOSTILE_COVERS[name])
    with pytest.raises(InputError, match=r"cover\.png is damaged or cut short; save the image"):
        read_cover(path)


@pytest.mark.parametrize("side", [20_000, 65_535])
def test_a_decompression_bomb_header_is_refused_before_decoding(tmp_path: Path, side: int) -> None:
    """Only the header claims the size: the image is refused by it, nothing is inflated."""
    png = bytearray(png_with(b""))
    png[16:24] = struct.pack(">II", side, side)  # IHDR's width and height
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    path = tmp_path / "bomb.png"
    path.write_bytes(bytes(png))
    with pytest.raises(InputError, match=r"bomb\.png is far larger than 3000x3000 px"):
        read_cover(path)


def test_an_oversized_text_chunk_is_one_line_and_exit_2(
    tmp_path: Path, run_cli: Run, short_article: Path
) -> None:
    (tmp_path / "cover.png").write_bytes(HOSTILE_COVERS["zTXt"])
    done = run_cli(*FAKE, short_article, "-o", "ep.mp3", "--cover", "cover.png")
    assert done.returncode == 2
    assert done.stderr == (
        "article2podcast: cover.png is damaged or cut short; save the image again\n"
    )
    assert not (tmp_path / "ep.mp3").exists()


def test_a_fifo_as_cover_is_refused_at_once(
    tmp_path: Path, run_cli: Run, short_article: Path
) -> None:
    """Opening a FIFO to read waits for a writer that never comes; the subprocess timeout
    in run_cli is only the bound for "does not hang"."""
    os.mkfifo(tmp_path / "cover.png")
    done = run_cli(*FAKE, short_article, "-o", "ep.mp3", "--cover", "cover.png")
    assert done.returncode == 2
    assert done.stderr == (
        "article2podcast: cover.png is not a regular file; give a PNG or JPEG file as --cover\n"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_cover_is_refused(device: str) -> None:
    with pytest.raises(InputError, match=f"{device} is not a regular file; give a PNG or JPEG"):
        read_cover(Path(device))


def test_a_cover_file_is_read_only_up_to_its_bound(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as file:
        file.write(png_with(b""))
        file.truncate(MAX_COVER_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match=r"big\.png is larger than 20 MB; save the cover as a"):
        read_cover(path)


# Captions

CUES = [
    (Timing(0, 1000), "00:00:05,000 --> 00:00:06,000"),
    (Timing(1000, 2000), "<i>Italic</i> & <font color=red>red</font> a --> b < c"),
    (Timing(2000, 3000), "Line one\n\nline two\r\n\n"),
    (Timing(3000, 4000), "2"),
    (Timing(4000, 5000), "00:00:07.000 --> 00:00:08.000 NOTE <v Bob>"),
]


def ffmpeg_cues(path: Path, muxer: str) -> list[tuple[str, str]]:
    """(timing line, text) of each cue, as ffmpeg reads `path` and writes it back as `muxer`."""
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", muxer, "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    blocks = [block.splitlines() for block in out.strip().split("\n\n")]
    return [(lines[-2], lines[-1]) for lines in blocks if "-->" in "".join(lines[:-1])]


def test_srt_keeps_every_cue_whole_and_its_text_text(tmp_path: Path) -> None:
    """SubRip has no escapes: a cue's text must not look like a timing line or a tag."""
    path = tmp_path / "ep.srt"
    path.write_text(render_srt(CUES), encoding="utf-8")
    cues = ffmpeg_cues(path, "srt")
    assert [timing.split(",")[0] for timing, _ in cues] == [
        f"00:00:0{n}" for n in range(len(CUES))
    ]
    assert [text for _, text in cues] == [srt_text(text) for _, text in CUES]
    assert cues[1][1] == "‹i>Italic‹/i> & ‹font color=red>red‹/font> a → b < c"
    assert "{\\" not in subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "ass", "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_webvtt_keeps_every_cue_whole_and_its_text_text(tmp_path: Path) -> None:
    """ffmpeg reads back each sentence as written: escaped, none of it is markup or timing."""
    path = tmp_path / "ep.vtt"
    path.write_text(render_vtt(CUES), encoding="utf-8")
    assert [text for _, text in ffmpeg_cues(path, "webvtt")] == [
        " ".join(text.split()) for _, text in CUES
    ]
    payloads = [text for _, _, text in parse_vtt(path.read_text(encoding="utf-8"))]
    assert len(payloads) == len(CUES)
    assert all("<" not in text and "-->" not in text for text in payloads)
