"""Output names: the slug of a title, and where an episode and its sidecars go."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

ExistsCheck = Callable[[Path], bool]

SLUG_MAX_CHARS = 60
DEFAULT_FOLDER = Path("audio")


def slugify(title: str, fallback: str = "episode") -> str:
    """A file-name-safe, lower-case ASCII slug of `title` (`fallback` when nothing is left)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_MAX_CHARS:
        cut = slug.rfind("-", 0, SLUG_MAX_CHARS + 1)
        slug = slug[: cut if cut > 0 else SLUG_MAX_CHARS]
    return slug or fallback


def default_episode_path(folder: Path, title: str, source_name: str, exists: ExistsCheck) -> Path:
    """`<slug>.mp3` in `folder`, or `<slug>-2.mp3`, `-3`... when the name is taken by another
    article's episode (`exists(path)` says whether an episode of a *different* article is there).

    A title with no Latin letters (Cyrillic, Greek, CJK...) is named after its file instead.
    """
    stem = slugify(title, fallback=slugify(source_name))
    path = folder / f"{stem}.mp3"
    number = 2
    while exists(path):
        path = folder / f"{stem}-{number}.mp3"
        number += 1
    return path


def sidecar(episode: Path, suffix: str) -> Path:
    """The path of a file that goes with `episode`: `<stem><suffix>` beside it."""
    return episode.with_name(episode.stem + suffix)
