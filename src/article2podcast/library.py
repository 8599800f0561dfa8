"""A folder of episodes: found by their manifests, published as a feed and an index page."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .cover import make_cover
from .errors import ExportError, InputError
from .exporting import FORMATS
from .feed import Channel, FeedEpisode, render_feed
from .naming import sidecar
from .pages import index_page
from .scripting import DEFAULT_SHOW
from .staging import Staging

FEED = "feed.xml"
INDEX = "index.html"
SHOW_COVER = "cover.png"
PAGE_SUFFIXES = (".vtt", ".srt", ".chapters.json", ".html", ".png")


def episodes_in(folder: Path) -> list[FeedEpisode]:
    """Every finished episode in `folder`: a manifest whose audio file is there."""
    found = []
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".chapters.json") or path.name.startswith("."):
            continue  # chapters, or a file still being written
        manifest = _manifest(path)
        if manifest is None:
            continue
        audio = folder / str(manifest["audio"])
        if not audio.is_file() or audio.suffix.lower() not in FORMATS:
            continue
        stat = audio.stat()
        produced = manifest.get("produced")
        published = (
            datetime.fromisoformat(produced)
            if isinstance(produced, str)
            else datetime.fromtimestamp(stat.st_mtime, UTC)
        )
        found.append(
            FeedEpisode(
                manifest=manifest,
                audio=audio.name,
                audio_bytes=stat.st_size,
                mime=FORMATS[audio.suffix.lower()].mime,
                published=published,
                sidecars={
                    suffix: sidecar(audio, suffix).name
                    for suffix in PAGE_SUFFIXES
                    if sidecar(audio, suffix).is_file()
                },
            )
        )
    return found


def write_feed(
    folder: Path,
    base_url: str,
    *,
    title: str | None = None,
    description: str | None = None,
    category: str = "News",
    language: str = "en",
) -> tuple[Path, int]:
    """Write `folder`/feed.xml (and the index page, and a show cover if there is none);
    returns the feed's path and how many episodes it lists."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder; give the folder your episodes are in")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"--base-url {base_url!r} is not a web address; give where the folder is served, "
            "such as https://example.org/podcast/"
        )
    episodes = episodes_in(folder)
    if not episodes:
        raise InputError(f"{folder} has no episodes; produce one into it first")
    show = title or str(episodes[0].manifest.get("show") or DEFAULT_SHOW)
    with Staging() as staging:
        if not (folder / SHOW_COVER).is_file():
            staging.write_bytes(folder / SHOW_COVER, make_cover(show, show).data)
        channel = Channel(
            title=show,
            description=description or f"Articles read aloud: {show}, made with article2podcast.",
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            language=language,
            category=category,
            image=SHOW_COVER,
        )
        staging.write_text(folder / FEED, render_feed(channel, episodes))
        staging.write_text(folder / INDEX, index_page(show, _pages(episodes)))
    return folder / FEED, len(episodes)


def write_index(folder: Path) -> None:
    """Rewrite `folder`/index.html from the episodes there (best effort: never fails a run)."""
    episodes = episodes_in(folder)
    if not episodes:
        return
    show = str(episodes[0].manifest.get("show") or DEFAULT_SHOW)
    with contextlib.suppress(ExportError), Staging() as staging:
        staging.write_text(folder / INDEX, index_page(show, _pages(episodes)))


def _pages(episodes: list[FeedEpisode]) -> list[tuple[str, dict[str, Any]]]:
    newest = sorted(episodes, key=lambda e: e.published, reverse=True)
    return [(e.sidecars[".html"], dict(e.manifest)) for e in newest if ".html" in e.sidecars]


def _manifest(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and "manifest_version" in data and data.get("audio"):
        return data
    return None
