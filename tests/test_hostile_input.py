"""Hostile input: every bad article or output path gets its exit code and its one line, and
leaves nothing behind (no episode, no temporary file); odd but readable input is read as
text, never obeyed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHORT_ARTICLE

FAKE = ("--engine", "fake")
Case = Callable[[Path], list[str | Path]]


def put(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def a_zip(folder: Path, name: str) -> Path:
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("article.txt", SHORT_ARTICLE)
    return path


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
ARABIC = "مرحبا بكم\n\nهذا نص عربي طويل بما يكفي ليقرأ بصوت عال.\n"
HEBREW = "שלום לכולם\n\nזהו טקסט בעברית שנכתב מימין לשמאל.\n"
CHINESE = "今天的新闻\n\n这是一篇关于天气的文章，写得很长。\n"
ONE_LINE = ("alpha bravo charlie delta echo " * 340_000).encode()  # 10.5 MB, no punctuation


# (case, exit code, the whole line on stderr: a regex, where {d} is the folder)
BAD: dict[str, tuple[Case, int, str]] = {
    "missing file": (
        lambda d: [d / "missing.txt"], 2, r"{d}/missing\.txt: no such file; check the path",
    ),
    "a directory": (
        lambda d: [d], 2, r"{d}: unsupported file type '\(none\)'; give one of .*",
    ),
    "a directory named like an article": (
        lambda d: [(d / "notes.txt").mkdir() or d / "notes.txt"], 2,
        r"{d}/notes\.txt is a directory; give an article file",
    ),
    "empty file": (
        lambda d: [put(d, "empty.txt", b"")], 2,
        r"{d}/empty\.txt is empty; give an article with some text in it",
    ),
    "whitespace only": (
        lambda d: [put(d, "blank.txt", " \n\n\t \r\n")], 2,
        r"{d}/blank\.txt is empty; give an article with some text in it",
    ),
    "punctuation only": (
        lambda d: [put(d, "dots.txt", "... !!! --- ???\n\n* * *\n")], 2,
        r"{d}/dots\.txt has no words to read; give an article with some text in it",
    ),
    "an image": (
        lambda d: [put(d, "photo.png", PNG)], 2,
        r"{d}/photo\.png: unsupported file type '\.png'; give one of .*",
    ),
    "an image named .txt": (
        lambda d: [put(d, "photo.txt", PNG)], 2,
        r"{d}/photo\.txt looks like a binary file, not text; give a \.txt or \.md article",
    ),
    "a zip named .md": (
        lambda d: [a_zip(d, "archive.md")], 2,
        r"{d}/archive\.md looks like a binary file, not text; give a \.txt or \.md article",
    ),
    "NUL bytes": (
        lambda d: [put(d, "nul.txt", b"Title\n\nSome words\x00 and more\x00 words.\n")], 2,
        r"{d}/nul\.txt looks like a binary file, not text; give a \.txt or \.md article",
    ),
    "UTF-16 with a broken body": (
        lambda d: [put(d, "u16.txt", b"\xff\xfeT\x00i\x00\x00\xd8")], 2,
        r"{d}/u16\.txt starts with a utf-16 byte-order mark but is not valid utf-16; "
        r"re-save it as UTF-8",
    ),
    "10 MB on one line, no punctuation": (
        lambda d: [put(d, "line.txt", ONE_LINE)], 2,
        r"{d}/line\.txt is 10\.1 MB; article2podcast reads up to 5 MB of text \(about "
        r"800,000 words, 90 hours of audio\); split it into parts",
    ),
    "one 5,000-character word": (
        lambda d: [put(d, "word.txt", "x" * 5000 + "\n")], 2,
        r"{d}/word\.txt has nothing to read aloud \(only markup, symbols or runs of characters "
        r"that are not words\); give an article with some text in it",
    ),
    "only markup": (
        lambda d: [put(d, "tags.txt", '<speak>\n\n<break time="10s"/> [[]]\n')], 2,
        r"{d}/tags\.txt has nothing to read aloud .*",
    ),
    "only emoji": (
        lambda d: [put(d, "emoji.txt", "😀🎉\n\n👍👍 🙂\n")], 2,
        r"{d}/emoji\.txt has no words to read; give an article with some text in it",
    ),
    "right-to-left Arabic": (
        lambda d: [put(d, "arabic.txt", ARABIC), "--language", "en"], 2,
        r"{d}/arabic\.txt is written in Arabic script, but its language was given as English; "
        r"give its language with --language CODE \(or a voice with --voice; list them with "
        r"--voices\)",
    ),
    "right-to-left Hebrew": (
        lambda d: [put(d, "hebrew.txt", HEBREW)], 2,
        r"{d}/hebrew\.txt is written in Hebrew script, .*",
    ),
    "a language the voice does not speak": (
        lambda d: [put(d, "news.txt", CHINESE)], 2,
        r"{d}/news\.txt is written in Chinese or Japanese \(CJK\) script, .*",
    ),
    "output in a missing folder": (
        lambda d: [put(d, "a.txt", SHORT_ARTICLE), "-o", d / "nowhere" / "ep.mp3"], 2,
        r"-o {d}/nowhere/ep\.mp3: folder {d}/nowhere does not exist; create it first",
    ),
    "output is the input": (
        lambda d: [put(d, "ep.txt", SHORT_ARTICLE), "-o", d / "ep.txt"], 2,
        r"-o {d}/ep\.txt: unsupported format '\.txt'; end the name in one of \.mp3, .*",
    ),
    "a sidecar would be the input": (
        lambda d: [put(d, "ep.md", "# Title\n\n" + SHORT_ARTICLE), "-o", d / "ep.mp3"], 2,
        r"-o {d}/ep\.mp3 would overwrite the article itself; choose another",
    ),
}  # fmt: skip


def run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with its temporary files kept in `folder`/tmp."""
    scratch = folder.parent / f"{folder.name}-tmp"
    scratch.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "article2podcast", *map(str, args), *FAKE],
        capture_output=True, text=True, cwd=folder, timeout=300, check=False,
        env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip


@pytest.mark.parametrize("name", BAD)
def test_bad_input_gets_its_exit_code_and_one_line_and_leaves_nothing(
    name: str, tmp_path: Path
) -> None:
    make_args, code, line = BAD[name]
    args = make_args(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    done = run(tmp_path, *args)
    assert done.returncode == code, done.stderr
    expected = "article2podcast: " + line.replace("{d}", re.escape(str(tmp_path)))
    assert re.fullmatch(expected, done.stderr.rstrip("\n")), done.stderr
    assert done.stderr.count("\n") == 1 and done.stdout == ""
    assert sorted(tmp_path.rglob("*")) == before  # no episode, no sidecar, no .part file
    assert list((tmp_path.parent / f"{tmp_path.name}-tmp").iterdir()) == []


def plan(folder: Path, name: str, data: bytes | str) -> dict[str, object]:
    done = run(folder, put(folder, name, data), "--plan")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def spoken(manifest: dict[str, object]) -> str:
    segments = manifest["segments"]
    assert isinstance(segments, list)
    return " ".join(s["spoken"] for seg in segments[2:-1] for s in seg["sentences"])


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("latin1.txt", "Title\n\nThe café in Köln opened.\n".encode("cp1252"),
         "The café in Köln opened."),
        ("utf16.txt", "Title\n\nWords in wide bytes.\n".encode("utf-16"), "Words in wide bytes."),
        ("bom.txt", "\ufeffTitle\n\nA mark first.\n".encode(), "A mark first."),
        ("controls.txt", b"Title\n\nA bell\x07 and \x1b[31mred\x1b[0m text.\n",
         "A bell and red text."),
        ("bidi.txt", "Title\n\nAn \u202eoverride\u202c and a \u200fmark.\n",
         "An override and a mark."),
        ("ssml.txt", 'Title\n\n<speak>Hello <break time="10s"/> world.</speak>\n',
         "Hello world."),
        ("phonemes.txt", "Title\n\nSay [[h@l'oU]] to espeak.\n", "Say h@l'oU to espeak."),
    ],
    ids=["Windows-1252", "UTF-16 with BOM", "UTF-8 with BOM", "control characters",
         "bidirectional controls", "SSML tags", "espeak phoneme brackets"],
)  # fmt: skip
def test_odd_but_readable_input_is_read_as_text(
    tmp_path: Path, name: str, data: bytes | str, said: str
) -> None:
    assert spoken(plan(tmp_path, name, data)) == said


def test_a_title_cannot_lead_the_episode_out_of_its_folder(tmp_path: Path) -> None:
    article = put(tmp_path, "x.txt", "../../etc/passwd / ..\n\nSome words for the body.\n")
    done = run(tmp_path, article, "--output-dir", tmp_path / "out")
    assert done.returncode == 0, done.stderr
    made = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").iterdir())
    assert "out/etc-passwd.mp3" in made
    assert {p.name for p in tmp_path.iterdir()} == {"x.txt", "out"}


def test_a_page_in_another_language_is_read_in_its_language(tmp_path: Path) -> None:
    paragraphs = "".join(
        f"<p>Le conseil municipal s'est réuni le {day} mars pour parler du budget de la ville, "
        "des écoles et des routes, et les habitants ont posé beaucoup de questions.</p>"
        for day in range(1, 7)
    )
    page = (
        '<html lang="fr"><head><title>Le conseil</title></head><body><article>'
        f"<h1>Le conseil</h1>{paragraphs}</article></body></html>"
    )
    done = run(tmp_path, put(tmp_path, "page.html", page), "--plan")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert '"language": "fr"' in done.stdout
