"""A folder of episodes: found by their manifests, published as a feed and an index page.

The folder is the user's. Its `feed.xml` and `index.html` are replaced only when we wrote them
(the feed's generator, the page's generator mark), and a `cover.png` that is there is never
replaced. A manifest that cannot be read as ours is skipped with a warning (the library's
logger, which the CLI prints), so that one bad file never stops the rest.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..audio.formats import FORMATS
from ..episode.cover import make_cover
from ..episode.naming import sidecar
from ..episode.pages import index_page, is_our_index
from ..episode.staging import Staging
from ..errors import ExportError, InputError
from ..files import read_regular
from ..scripting.segments import DEFAULT_SHOW
from .feed import (
    Channel,
    FeedEpisode,
    checked_base_url,
    feed_guid,
    is_our_feed,
    render_feed,
    shared_language,
    xml_text,
)

FEED = "feed.xml"
INDEX = "index.html"
SHOW_COVER = "cover.png"
PAGE_SUFFIXES = (".vtt", ".srt", ".chapters.json", ".html", ".png")
MAX_MANIFEST_BYTES = 64 * 1024**2
"""More than the manifest of the longest article we read (5 MB of text) takes."""
MAX_OWN_BYTES = 32 * 1024**2
"""More than a feed or an index page of ours takes: a larger file there is not ours."""

MAX_REMEMBERED = 100_000
"""Manifests remembered (trimmed: a few kilobytes each) before the memory starts afresh."""
OPENING_CHARS = 8000
"""Text of the opening segments kept: far more than any description takes."""
_READ: dict[tuple[str, int, int, int], dict[str, Any] | _Unusable | None] = {}

log = logging.getLogger(__package__)


class _Unusable(Exception):
    """A manifest of ours that cannot be used; the message says why."""


def episodes_in(folder: Path) -> list[FeedEpisode]:
    """Every finished episode in `folder`: a manifest whose audio file is there. A manifest
    that is ours but malformed is skipped with a warning."""
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".chapters.json") or path.name.startswith("."):
            continue  # chapters, or a file still being written
        try:
            episode = _episode(folder, path)
        except _Unusable as problem:
            log.warning("skipped %s: %s; produce that episode again or move it away", path, problem)
            continue
        if episode is not None:
            found.append(episode)
    return found


def write_feed(
    folder: Path,
    base_url: str,
    *,
    title: str | None = None,
    description: str | None = None,
    category: str = "News",
    language: str | None = None,
    empty_ok: bool = False,
    key: str | None = None,
) -> tuple[Path, int]:
    """Write `folder`/feed.xml (and the index page, and a show cover if there is none);
    returns the feed's path and how many episodes it lists. The show keeps the podcast:guid
    its feed already gives it, even when `base_url` has changed (the guid follows a show for
    life); a first feed derives it from its address. With a `key`, every link of the feed
    carries it (`?key=`), for a server that asks for one."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give the folder your episodes are in")
    base = checked_base_url(base_url)
    for name, ours, what in ((FEED, is_our_feed, "feed"), (INDEX, _is_our_index, "index page")):
        if not _replaceable(folder / name, ours):
            raise InputError(
                f"{folder / name} is in the way: it is not a {what} article2podcast made, and we "
                "never replace it; move it elsewhere, or publish another folder"
            )
    cover = folder / SHOW_COVER
    if os.path.lexists(cover) and not cover.is_file():
        raise InputError(
            f"{cover} is in the way: it is not a file; remove it, or put the show's cover there"
        )
    episodes = episodes_in(folder)
    if not episodes and not empty_ok:  # (a library's last episode removed: an empty feed)
        raise InputError(f"{folder} has no episodes; produce one into it first")
    show = xml_text(title or _show(episodes))
    with Staging() as staging:
        if not os.path.lexists(cover):  # the user's own cover, or ours from before, stays
            staging.write_bytes(cover, make_cover(show, show).data)
        channel = Channel(
            title=show,
            description=description or f"Articles read aloud: {show}, made with article2podcast.",
            base_url=base,
            language=language or shared_language([e.manifest for e in episodes]),
            category=category,
            image=SHOW_COVER,
            feed=FEED,
            guid=_kept_guid(folder / FEED),
            key=key,
        )
        staging.write_text(folder / FEED, render_feed(channel, episodes))
        index = index_page(show, _pages(episodes), covers=_covers(episodes))
        staging.write_text(folder / INDEX, index)
    return folder / FEED, len(episodes)


def write_index(folder: Path, *, empty_ok: bool = False) -> None:
    """Rewrite `folder`/index.html from the episodes there (best effort: never fails a run,
    and leaves a page that is not ours as it is, with a warning). With no episode, an index
    of ours is emptied when `empty_ok`; none is made."""
    index = folder / INDEX
    if not _replaceable(index, _is_our_index):
        log.warning(
            "left %s as it is: it is not an index page article2podcast made "
            "(move it away to get one)",
            index,
        )
        return
    episodes = episodes_in(folder)
    if not episodes and not (empty_ok and index.is_file()):
        return
    try:
        with Staging() as staging:
            page = index_page(xml_text(_show(episodes)), _pages(episodes), covers=_covers(episodes))
            staging.write_text(index, page)
    except ExportError as exc:
        log.warning("did not update the folder's index page: %s", exc)


def _show(episodes: list[FeedEpisode]) -> str:
    return str((episodes[0].manifest.get("show") if episodes else None) or DEFAULT_SHOW)


def _pages(episodes: list[FeedEpisode]) -> list[tuple[str, dict[str, Any]]]:
    newest = sorted(episodes, key=lambda e: e.published, reverse=True)
    return [(e.sidecars[".html"], dict(e.manifest)) for e in newest if ".html" in e.sidecars]


def _covers(episodes: list[FeedEpisode]) -> dict[str, str]:
    """Each episode's cover file by its page's name (a cover the user gave is in the audio)."""
    pages = [e.sidecars for e in episodes if {".html", ".png"} <= set(e.sidecars)]
    return {sidecars[".html"]: sidecars[".png"] for sidecars in pages}


def _is_our_index(data: bytes) -> bool:
    return is_our_index(data.decode("utf-8", errors="replace"))


def _kept_guid(path: Path) -> str | None:
    """The podcast:guid of the feed of ours at `path`, if it is there and gives one."""
    data = read_regular(path, MAX_OWN_BYTES, follow=False)
    return feed_guid(data) if data is not None and is_our_feed(data) else None


def _replaceable(path: Path, ours: Callable[[bytes], bool]) -> bool:
    """Whether writing `path` loses nothing: nothing is there, or a file we made (never a
    link: replacing it would lose the link)."""
    if not os.path.lexists(path):
        return True
    data = read_regular(path, MAX_OWN_BYTES, follow=False)
    return data is not None and ours(data)


def _episode(folder: Path, path: Path) -> FeedEpisode | None:
    """The episode `path` is the manifest of; None when it is not a manifest of ours or its
    audio is not there."""
    manifest = _manifest(path)
    if manifest is None:
        return None
    audio = folder / manifest["audio"]
    try:
        facts = audio.stat()
    except OSError:
        return None  # the episode was removed, and its manifest left
    if not stat.S_ISREG(facts.st_mode):
        return None
    return FeedEpisode(
        manifest=manifest,
        audio=audio.name,
        audio_bytes=facts.st_size,
        mime=FORMATS[audio.suffix.lower()].mime,
        published=_when(manifest.get("produced")) or datetime.fromtimestamp(facts.st_mtime, UTC),
        sidecars={
            suffix: sidecar(audio, suffix).name
            for suffix in PAGE_SUFFIXES
            if sidecar(audio, suffix).is_file()
        },
    )


def _manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at `path`, as far as the feed and the index read it; None when it is not
    one of ours. Remembered while the file is unchanged, so that a batch that rewrites the
    feed after every episode reads each manifest once, not once per episode after it."""
    try:
        facts = path.stat()
    except OSError:
        return None
    key = (str(path), facts.st_ino, facts.st_size, facts.st_mtime_ns)
    if key not in _READ:
        if len(_READ) >= MAX_REMEMBERED:
            _READ.clear()
        _READ[key] = _read_manifest(path)
    found = _READ[key]
    if isinstance(found, _Unusable):
        raise found
    return found


def _read_manifest(path: Path) -> dict[str, Any] | _Unusable | None:
    data = read_regular(path, MAX_MANIFEST_BYTES)
    if data is None:
        return None
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError):
        if b'"manifest_version"' in data:
            return _Unusable("it is not valid JSON")
        return None  # some other file
    if not isinstance(manifest, dict) or "manifest_version" not in manifest:
        return None
    problem = _problem(manifest)
    if problem:
        return _Unusable(problem)
    return _trimmed(manifest)


def _trimmed(manifest: dict[str, Any]) -> dict[str, Any]:
    """`manifest` without what the feed and the index never read: the segments past the
    opening (the description takes a few sentences) and the sentences' timings."""
    kept, chars = [], 0
    for segment in manifest["segments"]:
        if chars > OPENING_CHARS:
            break
        kept.append({k: v for k, v in segment.items() if k not in ("words", "start_ms", "end_ms")})
        chars += len(segment["text"])
    return {**manifest, "segments": kept}


def _problem(manifest: dict[str, Any]) -> str | None:
    """What is wrong with the fields of `manifest` the feed and the index use, if anything."""
    audio = manifest.get("audio")
    page = manifest.get("page")
    segments = manifest.get("segments")
    if not _whole(manifest.get("manifest_version")):
        return "its manifest_version is not a whole number"
    if not (isinstance(audio, str) and _is_name(audio) and Path(audio).suffix.lower() in FORMATS):
        return "its audio is not the name of an audio file beside it"
    if not _is_text(manifest.get("title")):
        return "it has no title"
    if not _whole(manifest.get("duration_ms")) or manifest["duration_ms"] < 0:
        return "its duration_ms is not a duration"
    if manifest.get("show") is not None and not _is_text(manifest["show"]):
        return "its show is not text"
    if not isinstance(segments, list) or not all(
        isinstance(s, dict) and _is_text(s.get("kind")) and _is_text(s.get("text"))
        for s in segments
    ):
        return "its segments are not a list of segments with a kind and a text"
    if page is not None and not (
        isinstance(page, dict) and (page.get("url") is None or _is_text(page["url"]))
    ):
        return "its page is not a page with a url"
    if manifest.get("produced") is not None and _when(manifest["produced"]) is None:
        return "its produced is not a date and time"
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_text(value: object) -> bool:
    """A string that can be written out (JSON can hold lone surrogates; UTF-8 cannot)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_name(name: str) -> bool:
    """A plain, visible file name: nothing that reaches outside the folder."""
    return (
        bool(name)
        and name == Path(name).name
        and not name.startswith(".")
        and ("\\" not in name and "\0" not in name)
    )


def _when(value: object) -> datetime | None:
    """`value` as an aware date and time (UTC when it names no zone), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (ValueError, OverflowError):
        return None
