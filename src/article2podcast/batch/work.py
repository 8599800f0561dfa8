"""One item's work: produced in a scratch folder of its own (anywhere: a local worker process,
a Dask worker on another machine), then committed into the library folder by the one process
that owns the library.

The two halves share nothing but the `Produced` bytes, so a worker needs no access to the
library folder and the folder only ever sees whole episodes, renamed into place.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from ..api import plan, produce
from ..episode.naming import public_source, public_url, sidecar, slugify
from ..episode.ownership import check, claimed_by_another, episode_files, in_the_way
from ..episode.pages import episode_page
from ..episode.staging import Staging
from ..errors import Article2PodcastError, ExportError
from ..narration import warm
from ..progress import OnProgress, ignore
from ..reading.fetching import is_url
from ..scratch import scratch_folder
from ..settings import Settings
from .items import Failure, Item, Produced

MAX_NAME_TRIES = 1000


def produce_item(item: Item, settings: Settings, on_progress: OnProgress = ignore) -> Produced:
    """Make the episode of `item` in a scratch folder and return its files as bytes.

    The engines of this process are kept for its next item (see `narration.warm`)."""
    warm.keep_engines()
    with scratch_folder() as folder:  # removed at the end, or by a later run if we are killed
        source = item.source
        if item.content is not None:
            given = folder / "in" / Path(item.name or "article.html").name
            given.parent.mkdir()
            given.write_bytes(item.content)
            source = str(given)
        out = folder / "out"
        out.mkdir()
        the_plan = plan(source, settings)
        episode = produce(
            the_plan, dataclasses.replace(settings, output_dir=out), on_progress=on_progress
        )
        files = {
            path.name: path.read_bytes()
            for path in (episode.audio, *episode.files.values())
            if path.is_file()
        }
        return Produced(
            stem=episode.audio.stem,
            files=files,
            audio=episode.audio.name,
            title=str(episode.manifest.get("title") or ""),
            duration_ms=round(episode.duration * 1000),
            warnings=the_plan.warnings,
        )


def attempt(item: Item, settings: Settings, on_progress: OnProgress = ignore) -> Produced | Failure:
    """`produce_item`, with what goes wrong as a `Failure` rather than an exception (an
    interrupt still stops it)."""
    try:
        return produce_item(item, settings, on_progress)
    except Article2PodcastError as exc:
        return Failure(one_line(str(exc)))
    except Exception as exc:  # a bug, or a library's error we do not know: still one line
        return Failure(one_line(f"internal error: {type(exc).__name__}: {exc}"))


def one_line(text: str) -> str:
    """`text` on one line, without control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def item_id(item: Item) -> str:
    """The article identity recorded in the manifests of `item`'s episode (a hash: the
    manifest is published, the item's key may name a local path)."""
    return hashlib.sha256(("item:" + item.key).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def commit(folder: Path, item: Item, produced: Produced, stem: str | None = None) -> Path:
    """Put `produced` into `folder`, all its files at once; returns the audio's path.

    Under `stem` (the item's episode from before: replaced, so its guid in the feed stays),
    else under the stem it was made with, or `<stem>-2`... when that is another's."""
    identity = item_id(item)
    suffix = Path(produced.audio).suffix
    cover = produced.stem + ".png" in produced.files
    destination = _free(folder, stem or produced.stem, suffix, identity, cover=cover)
    files = episode_files(destination, cover_generated=cover)
    manifest = _manifest(produced, item, destination, files, identity)
    cover_name = sidecar(destination, ".png").name if cover else None
    manifest_path = sidecar(destination, ".json")
    with Staging(check=lambda: check(destination, files, article=identity)) as staging:
        staging.write_bytes(destination, produced.files[produced.audio])
        for path in files[1:]:
            made = produced.stem + path.name[len(destination.stem) :]
            if path == manifest_path:
                continue  # staged last, so renamed into place first (see below)
            if path.suffix == ".html":
                staging.write_text(path, episode_page(manifest, cover=cover_name))
            elif made in produced.files:
                staging.write_bytes(path, produced.files[made])
        # The files go into place in the reverse order of staging: the manifest first, so
        # that a kill halfway leaves files our manifest lists (replaced by the next run), never
        # files nobody owns (which would push the episode to another name).
        staging.write_json(manifest_path, manifest)
    return destination


def _free(folder: Path, stem: str, suffix: str, identity: str, *, cover: bool) -> Path:
    """The first of `stem`, `stem-2`... whose files are free or this item's."""
    base = slugify(stem)
    for number in range(1, MAX_NAME_TRIES + 1):
        episode = folder / f"{base if number == 1 else f'{base}-{number}'}{suffix}"
        files = episode_files(episode, cover_generated=cover)
        if in_the_way(episode, files, article=identity) is None and not claimed_by_another(
            episode, identity
        ):
            return episode
    raise ExportError(f"no free name for {stem}{suffix} in {folder}; tidy the folder")


def _manifest(
    produced: Produced, item: Item, destination: Path, files: list[Path], identity: str
) -> dict[str, Any]:
    """The episode's manifest as made, under its final names and the item's identity."""
    made = produced.files[produced.stem + ".json"]
    manifest: dict[str, Any] = json.loads(made)
    manifest["audio"] = destination.name
    manifest["sidecars"] = [path.name for path in files[1:]]
    manifest["article_id"] = identity
    link = item.link or (item.source if is_url(item.source) else None)
    if not link:  # a file: by its name (a worker may have read it from a copy)
        manifest["source"] = public_source(item.source)
    else:
        manifest["source"] = public_url(link)
        page = manifest.get("page")
        if isinstance(page, dict) and not page.get("url"):
            page["url"] = public_url(link)
    return manifest
