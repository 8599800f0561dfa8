"""The producer behind the web app: the library's queue, produced in the background by the
same worker processes as `add` (batch.runner.serve_queue), with each item's live state.

SCAFFOLD: the interface is fixed (api.py and pages.py call it); the helper owning this module
implements it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..settings import Settings


@dataclass(frozen=True)
class ItemState:
    """An item as the web app shows it."""

    id: int
    title: str
    """Its title (as read, once produced), else where it is from."""
    source: str
    """Its address or file name."""
    status: str
    """queued, producing, done or failed."""
    stage: str | None = None
    """While producing: reading, narrating, mastering or writing."""
    done: int = 0
    """While producing: steps done of `total` in `stage` (segments, when narrating)."""
    total: int = 0
    progress: float = 0.0
    """0 to 1, over the whole item."""
    error: str | None = None
    """Why it failed (one line)."""
    audio: str | None = None
    """When done: the episode's audio file name (in the library folder)."""
    page: str | None = None
    """When done: its read-along page's file name."""
    attempts: int = 0


class Producer:
    """The library in `folder`, produced in the background while the app runs."""

    def __init__(self, folder: Path, settings: Settings, *, workers: int, dask: str | None) -> None:
        self.folder = folder
        self.settings = settings
        self.workers = workers
        self.dask = dask

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        """Start producing when the app starts; stop (workers included) when it stops."""
        raise NotImplementedError  # SCAFFOLD
        yield

    def add_url(self, url: str) -> ItemState:
        """Queue the article at `url` (http(s) only; InputError otherwise)."""
        raise NotImplementedError  # SCAFFOLD

    def add_file(self, name: str, data: bytes) -> ItemState:
        """Queue an uploaded article (.txt, .md, .html; within the 5 MB text limit)."""
        raise NotImplementedError  # SCAFFOLD

    def items(self) -> list[ItemState]:
        """Every item, newest first."""
        raise NotImplementedError  # SCAFFOLD

    def item(self, item_id: int) -> ItemState | None:
        raise NotImplementedError  # SCAFFOLD

    def remove(self, item_id: int) -> bool:
        """Remove an item and its episode's files (False: no such item)."""
        raise NotImplementedError  # SCAFFOLD

    def retry(self, item_id: int) -> bool:
        """Queue a failed item again (False: no such failed item)."""
        raise NotImplementedError  # SCAFFOLD

    async def changes(self) -> AsyncIterator[ItemState]:
        """Each item's state as it changes (for server-sent events)."""
        raise NotImplementedError  # SCAFFOLD
        yield
