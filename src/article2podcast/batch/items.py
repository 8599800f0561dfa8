"""What a batch is made of: items (one article each) and what producing one gives back.

An item is found by `sources.expand` (a file, a folder, a reading list, a feed, an OPML),
remembered by `store.Library`, produced anywhere by `work.produce_item` (a local worker
process or a Dask worker, with no shared file system) and committed into the library folder
by `work.commit`. Both types are plain, picklable data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Item:
    """One article to produce."""

    key: str
    """Who it is, for good: `guid:<feed entry guid>`, `url:<canonical address>` or
    `file:<absolute path>`. The library has one item per key."""
    source: str
    """Where it is read from: an http(s) address or a file path."""
    title: str | None = None
    """What the source calls it (a feed entry's title), shown before it is produced."""
    version: str | None = None
    """Changes when the article changes (a file's content hash, a feed entry's content or
    update time): a done item whose version changes is produced again, under the same name.
    None: never produced again once done (a page given by its address)."""
    content: bytes | None = None
    """The article itself when it is already here (a feed entry's full text, as HTML): it is
    produced from this and nothing is fetched."""
    name: str | None = None
    """With `content`: the file name to read it as (its suffix sets the format)."""
    link: str | None = None
    """The article's own address, when known (a feed entry's link)."""
    published: datetime | None = None
    """When the source says it was published (a feed entry's date)."""
    origin: str = ""
    """The SOURCE argument it came from, for messages."""


@dataclass(frozen=True)
class Produced:
    """An episode made in a scratch folder, as bytes, ready to be committed anywhere."""

    stem: str
    """The file stem it was made under (`<stem>.mp3`, `<stem>.json`, ...)."""
    files: dict[str, bytes] = field(default_factory=dict)
    """Every file of the episode by its name: the audio and each sidecar."""
    audio: str = ""
    """The audio file's name (a key of `files`)."""
    title: str = ""
    """The episode's title."""
    duration_ms: int = 0
    """Its length."""
    warnings: tuple[str, ...] = ()
    """What the user should know of it (one line each)."""


@dataclass(frozen=True)
class Failure:
    """An item that could not be produced, and why (one line, with the fix when known)."""

    error: str
    """What went wrong."""
