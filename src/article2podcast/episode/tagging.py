"""Tagging: the episode's tags, chapters and cover, written with mutagen where ffmpeg falls short.

For MP3, mutagen writes the whole ID3v2.3 tag: ffmpeg would write the comment as a TXXX frame
(podcast apps show COMM), and chapters need CHAP and CTOC frames in time order. For the other
formats ffmpeg writes tags and chapters while encoding, and mutagen adds the cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ExportError
from .chapters import Chapter
from .cover import Cover


@dataclass(frozen=True)
class Tags:
    """The episode's tags."""

    title: str
    """TIT2: the headline."""
    artist: str
    """TPE1: who is credited (the show, or the article's author when known)."""
    album: str
    """TALB: the show."""
    date: str
    """TDRC (TYER and TDAT in ID3v2.3): the production date, YYYY-MM-DD."""
    comment: str
    """COMM: where the episode came from."""
    genre: str = "Podcast"
    """TCON."""
    language: str = "en"
    """The article's language, BCP 47 ("de", "pt-BR"): TLAN, and the LANGUAGE comment and
    track language of the other formats, as ISO 639-2 ("deu")."""

    def as_metadata(self) -> dict[str, str]:
        """The tags under ffmpeg's metadata keys."""
        return {
            "title": self.title,
            "artist": self.artist,
            "album": self.album,
            "date": self.date,
            "genre": self.genre,
            "comment": self.comment,
            "language": iso639_2(self.language),
        }


def write_mp3_tags(
    path: Path, tags: Tags, chapters: Sequence[Chapter], cover: Cover | None
) -> None:
    """Replace the ID3 tag of the MP3 at `path`: tags, chapters (CHAP + CTOC), cover (APIC)."""
    from mutagen import MutagenError
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TCON,
        TDRC,
        TIT2,
        TLAN,
        TPE1,
        CTOCFlags,
    )

    tag = ID3()  # saved over ffmpeg's tag, which it replaces whole
    tag.add(TIT2(encoding=1, text=tags.title))
    tag.add(TPE1(encoding=1, text=tags.artist))
    tag.add(TALB(encoding=1, text=tags.album))
    tag.add(TDRC(encoding=1, text=tags.date))
    tag.add(TCON(encoding=1, text=tags.genre))
    tag.add(TLAN(encoding=1, text=iso639_2(tags.language)))
    tag.add(COMM(encoding=1, lang="eng", desc="", text=tags.comment))  # the comment is English
    ids = chapter_element_ids([chapter.title for chapter in chapters])
    for element_id, chapter in zip(ids, chapters, strict=True):
        tag.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                sub_frames=[TIT2(encoding=1, text=chapter.title)],
            )
        )
    if chapters:
        tag.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=1, text="Chapters")],
            )
        )
    if cover is not None:
        tag.add(APIC(encoding=1, mime=cover.mime, type=3, desc="Cover", data=cover.data))
    try:
        tag.save(path, v2_version=3)
    except (MutagenError, OSError) as exc:  # MutagenError: ID3's own, and a file it cannot open
        raise ExportError(f"cannot write the tags of {path}: {exc}") from exc


# ISO 639-1 -> 639-2/T, for the languages espeak-ng speaks that have a two-letter code (ID3's
# TLAN and ffmpeg's language take three letters). CLDR's aliases, through babel, give the
# individual member of a macrolanguage for some (Arabic "arb", Swahili "swh"), so not those.
_ISO639_2 = dict(
    pair.split(":")
    for pair in (
        "af:afr am:amh an:arg ar:ara as:asm az:aze ba:bak be:bel bg:bul bn:ben bs:bos ca:cat "
        "cs:ces cv:chv cy:cym da:dan de:deu el:ell en:eng eo:epo es:spa et:est eu:eus fa:fas "
        "fi:fin fr:fra ga:gle gd:gla gn:grn gu:guj he:heb hi:hin hr:hrv ht:hat hu:hun hy:hye "
        "ia:ina id:ind io:ido is:isl it:ita ja:jpn ka:kat kk:kaz kl:kal kn:kan ko:kor ku:kur "
        "ky:kir la:lat lb:ltz lt:lit lv:lav mi:mri mk:mkd ml:mal mr:mar ms:msa mt:mlt my:mya "
        "nb:nob ne:nep nl:nld no:nor om:orm or:ori pa:pan pl:pol pt:por qu:que ro:ron ru:rus "
        "sd:snd si:sin sk:slk sl:slv sq:sqi sr:srp sv:swe sw:swa ta:tam te:tel th:tha tk:tuk "
        "tn:tsn tr:tur tt:tat ug:uig uk:ukr ur:urd uz:uzb vi:vie zh:zho"
    ).split()
)


def iso639_2(tag: str) -> str:
    """The ISO 639-2 code of a BCP 47 tag's language ("pt-BR" -> "por"); a three-letter
    language is its own ("cmn"); "und" (undetermined) for one we do not know."""
    language = tag.replace("_", "-").split("-")[0].lower()
    if len(language) == 3:
        return language
    return _ISO639_2.get(language, "und")


def chapter_element_ids(titles: Sequence[str]) -> list[str]:
    """CHAP element ids that keep the frames in time order in the file.

    mutagen writes frames of one kind shortest first, and players (ffprobe among them) list
    chapters in file order. A CHAP frame's length varies only with its id and its title (two
    bytes per UTF-16 unit), so the ids are padded until each frame is longer than the last.
    """
    ids: list[str] = []
    previous = -1
    for index, title in enumerate(titles):
        element_id = f"ch{index}"
        variable = len(element_id) + len(title.encode("utf-16-le"))
        if variable <= previous:
            element_id += "_" * (previous + 1 - variable)
            variable = previous + 1
        ids.append(element_id)
        previous = variable
    return ids


def _add_vorbis_chapters(tags: Any, chapters: Sequence[Chapter]) -> None:
    """Vorbis-comment chapters (CHAPTER001=00:01:02.500, CHAPTER001NAME=...), the form ffmpeg
    and players read. ffmpeg writes none for Vorbis or FLAC, and for Opus rounds their times
    to whole seconds, so ours replace whatever is there."""
    for key in [key for key in tags.keys() if key.lower().startswith("chapter")]:  # noqa: SIM118
        del tags[key]
    for number, chapter in enumerate(chapters, start=1):
        tags[f"CHAPTER{number:03d}"] = [_chapter_time(chapter.start_ms)]
        tags[f"CHAPTER{number:03d}NAME"] = [chapter.title]


def _chapter_time(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def finish_tags(path: Path, cover: Cover, chapters: Sequence[Chapter]) -> None:
    """Complete what ffmpeg wrote in an M4A/M4B, FLAC, Ogg Vorbis or Opus file: the cover, and
    a FLAC file's chapters (WAV holds neither)."""
    import base64

    import mutagen
    from mutagen.flac import FLAC
    from mutagen.flac import Picture as FlacPicture
    from mutagen.mp4 import MP4, MP4Cover

    suffix = path.suffix.lower()
    try:
        if suffix in (".m4a", ".m4b"):
            mp4 = MP4(path)
            kind = MP4Cover.FORMAT_PNG if cover.mime == "image/png" else MP4Cover.FORMAT_JPEG
            mp4["covr"] = [MP4Cover(cover.data, imageformat=kind)]
            mp4.save()
            return
        picture = FlacPicture()
        picture.type, picture.mime, picture.desc, picture.data = 3, cover.mime, "Cover", cover.data
        if suffix == ".flac":
            flac = FLAC(path)
            flac.add_picture(picture)
            assert flac.tags is not None
            _add_vorbis_chapters(flac.tags, chapters)
            flac.save()
        elif suffix in (".ogg", ".opus"):
            ogg = mutagen.File(path)
            assert ogg is not None and ogg.tags is not None
            ogg.tags["METADATA_BLOCK_PICTURE"] = [base64.b64encode(picture.write()).decode()]
            _add_vorbis_chapters(ogg.tags, chapters)
            ogg.save()
    except (mutagen.MutagenError, OSError) as exc:
        raise ExportError(f"cannot embed the cover in {path}: {exc}") from exc


def mp3_length_ms(path: Path) -> int:
    """How long an MP3 file plays, from its Info frame (its delay and padding dropped)."""
    import mutagen.mp3

    try:
        info: Any = mutagen.mp3.MP3(path).info
    except mutagen.MutagenError as exc:
        raise ExportError(f"the encoded episode cannot be read back: {exc}") from exc
    return round(float(info.length) * 1000)
