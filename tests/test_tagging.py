"""Tagging: the episode's tags as ffmpeg metadata, and as the ID3 frames written into a real MP3."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from article2podcast.episode.chapters import Chapter
from article2podcast.episode.cover import Cover
from article2podcast.episode.tagging import Tags, chapter_element_ids, write_mp3_tags
from article2podcast.errors import ExportError

TAGS = Tags(
    title="Small Town Library — “Midnight”",
    artist="Ana Ruiz",
    album="Night Reads",
    date="2024-05-06",
    comment="Read aloud from https://example.org/a by article2podcast",
)
CHAPTERS = [
    Chapter(0, 1200, "Intro"),
    Chapter(1200, 1300, "A very much longer headline than the rest"),
    Chapter(1300, 1700, "Ü"),
    Chapter(1700, 2000, "Outro"),
]


def test_the_tags_under_ffmpegs_metadata_keys() -> None:
    assert TAGS.as_metadata() == {
        "title": "Small Town Library — “Midnight”",
        "artist": "Ana Ruiz",
        "album": "Night Reads",
        "date": "2024-05-06",
        "genre": "Podcast",
        "comment": "Read aloud from https://example.org/a by article2podcast",
        "language": "eng",  # ISO 639-2, from the article's BCP 47 "en"
    }


@pytest.mark.parametrize(
    ("titles", "ids"),
    [
        ([], []),
        (["Intro"], ["ch0"]),
        (["a", "bb", "ccc"], ["ch0", "ch1", "ch2"]),
        (["Long title", "x"], ["ch0", "ch1" + "_" * 19]),  # 3 + 20 bytes, then 3 + 2 + 19
        (["ab", "ab"], ["ch0", "ch1_"]),
    ],
)
def test_element_ids_are_numbered_and_padded_to_grow(titles: list[str], ids: list[str]) -> None:
    assert chapter_element_ids(titles) == ids


@pytest.mark.parametrize(
    "titles",
    [["Intro", "A long headline", "B", "Outro"], ["é" * 10, "a", "😀", ""], ["x"] * 12],
)
def test_element_ids_are_unique_and_make_each_frame_longer_than_the_last(
    titles: list[str],
) -> None:
    ids = chapter_element_ids(titles)
    sizes = [len(i) + len(t.encode("utf-16-le")) for i, t in zip(ids, titles, strict=True)]
    assert len(set(ids)) == len(ids)
    assert sizes == sorted(set(sizes))


@pytest.fixture(scope="module")
def silent_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of silence as an MP3, made by ffmpeg with a tag of its own to replace."""
    path = tmp_path_factory.mktemp("mp3") / "silence.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono", "-t", "2",
         "-metadata", "title=ffmpeg's title", "-metadata", "comment=ffmpeg's comment",
         "-c:a", "libmp3lame", "-b:a", "32k", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def tagged(silent_mp3: Path, tmp_path: Path) -> Path:
    path = tmp_path / "episode.mp3"
    shutil.copyfile(silent_mp3, path)
    cover = Cover(b"\x89PNG\r\n\x1a\n not decoded here", "image/png")
    write_mp3_tags(path, TAGS, CHAPTERS, cover)
    return path


@pytest.mark.parametrize(
    ("frame", "value"),
    [
        ("TIT2", TAGS.title),
        ("TPE1", TAGS.artist),
        ("TALB", TAGS.album),
        ("TDRC", TAGS.date),
        ("TCON", "Podcast"),
        ("COMM::eng", TAGS.comment),
    ],
)
def test_each_tag_is_its_id3_frame(tagged: Path, frame: str, value: str) -> None:
    from mutagen.id3 import ID3

    assert str(ID3(tagged)[frame]) == value


def test_the_tag_is_id3v23_and_replaces_ffmpegs(tagged: Path) -> None:
    from mutagen.id3 import ID3

    tag = ID3(tagged)
    assert tag.version[:2] == (2, 3)
    assert not tag.getall("TXXX")
    assert [str(c) for c in tag.getall("COMM")] == [TAGS.comment]


def test_the_cover_is_the_front_cover_picture(tagged: Path) -> None:
    from mutagen.id3 import ID3

    (picture,) = ID3(tagged).getall("APIC")
    assert (picture.type, picture.mime, picture.data) == (
        3,
        "image/png",
        b"\x89PNG\r\n\x1a\n not decoded here",
    )


def test_chapters_are_chap_frames_in_time_order_in_the_file(tagged: Path) -> None:
    """Players list chapters in file order, which must be time order."""
    from mutagen.id3 import ID3

    chapters = ID3(tagged).getall("CHAP")
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chapters] == [
        (c.start_ms, c.end_ms, c.title) for c in CHAPTERS
    ]


def test_the_table_of_contents_is_top_level_ordered_and_lists_every_chapter(
    tagged: Path,
) -> None:
    from mutagen.id3 import ID3, CTOCFlags

    tag = ID3(tagged)
    (toc,) = tag.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    assert toc.child_element_ids == [c.element_id for c in tag.getall("CHAP")]
    assert str(toc.sub_frames["TIT2"]) == "Chapters"


def test_ffprobe_reads_the_chapters_in_order(tagged: Path) -> None:
    import json

    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(tagged)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    titles = [c["tags"]["title"] for c in json.loads(out)["chapters"]]
    assert titles == [c.title for c in CHAPTERS]


def test_without_chapters_or_cover_there_is_no_chap_ctoc_or_apic(
    silent_mp3: Path, tmp_path: Path
) -> None:
    from mutagen.id3 import ID3

    path = tmp_path / "bare.mp3"
    shutil.copyfile(silent_mp3, path)
    write_mp3_tags(path, TAGS, [], None)
    tag = ID3(path)
    assert [tag.getall(kind) for kind in ("CHAP", "CTOC", "APIC")] == [[], [], []]
    assert str(tag["TIT2"]) == TAGS.title


def test_a_file_that_cannot_be_written_is_our_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="cannot write the tags of"):
        write_mp3_tags(tmp_path / "missing" / "x.mp3", TAGS, CHAPTERS, None)
