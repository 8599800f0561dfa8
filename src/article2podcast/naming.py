"""Output names: the slug of a title, and where an episode and its sidecars go."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

SLUG_MAX_CHARS = 60
DEFAULT_FOLDER = Path("audio")


def slugify(title: str) -> str:
    """A file-name-safe, lower-case ASCII slug of `title` ('episode' when nothing is left)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    ascii_title = ascii_title.replace("'", "").replace("’", "")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    if len(slug) > SLUG_MAX_CHARS:
        cut = slug.rfind("-", 0, SLUG_MAX_CHARS + 1)
        slug = slug[: cut if cut > 0 else SLUG_MAX_CHARS]
    return slug or "episode"


def sidecar(episode: Path, suffix: str) -> Path:
    """The path of a file that goes with `episode`: `<stem><suffix>` beside it."""
    return episode.with_name(episode.stem + suffix)
