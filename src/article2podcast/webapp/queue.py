"""The producer behind the web app: the library's queue, produced in the background by the
same worker processes as `add` (batch.runner.serve_queue), with each item's live state.

The queue is the library's database: what is added is remembered there at once, so items
queued before a restart are produced after it (a restart's `start_run` recovers the claims of
a run that was killed). One thread runs `serve_queue`; it sleeps on an event that adds and
retries set. Each item's latest progress is kept in memory; its status is always the
database's. SQLite connections belong to one thread, so each call opens the library anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..batch.feeds import canonical_url, http_url
from ..batch.items import Item
from ..batch.pool import Stopped
from ..batch.runner import Event, publish, remove_episode, serve_queue
from ..batch.store import Library, Row
from ..errors import InputError
from ..progress import Progress
from ..reading.limits import TEXT
from ..settings import Settings

UPLOAD_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
"""The files that may be uploaded."""
STAGE_WEIGHTS = {"reading": 0.05, "narrating": 0.80, "mastering": 0.10, "writing": 0.05}
"""How much of an item's time each stage takes, roughly (narrating is nearly all of it)."""
_RESTART_S = 5.0
"""How long the producer rests after something unexpected stopped it, before it goes on."""
_SUBSCRIBER_BACKLOG = 1000
log = logging.getLogger(__package__.rsplit(".", 1)[0])


@dataclass(frozen=True)
class ItemState:
    """An item as the web app shows it."""

    id: int
    title: str
    """Its title (as read, once produced), else where it is from."""
    source: str
    """Its address or file name."""
    status: str
    """queued, producing, done or failed (`removed`, in `changes`, once it is removed)."""
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


def overall(progress: Progress) -> float:
    """How far an item has come (0 to 1) when it is at `progress`."""
    if progress.stage not in STAGE_WEIGHTS:
        return 1.0 if progress.stage == "done" else 0.0
    before = 0.0
    for stage, weight in STAGE_WEIGHTS.items():
        if stage == progress.stage:
            part = progress.done / progress.total if progress.total else 0.0
            return round(before + weight * min(max(part, 0.0), 1.0), 4)
        before += weight
    return before  # not reached


def upload_item(name: str, data: bytes) -> Item:
    """The item of an uploaded file (InputError for a file we do not read)."""
    name = Path(name.replace("\\", "/")).name.strip() or "article.txt"
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise InputError(
            f"{name} is not an article file; upload a {', '.join(UPLOAD_SUFFIXES)} file"
        )
    TEXT.check(name, data)
    if not data.strip():
        raise InputError(f"{name} is empty; upload a file with the article's text")
    digest = hashlib.sha256(data).hexdigest()
    return Item(key=f"upload:{digest}", source=name, content=data, name=name, origin=name)


def url_item(url: str) -> Item:
    """The item of the page at `url` (InputError unless it is an http(s) address)."""
    checked = http_url(url)
    if checked is None:
        shown = " ".join(url.split())[:80]
        raise InputError(f"{shown!r} is not a web address; give one starting http:// or https://")
    return Item(key=f"url:{canonical_url(checked)}", source=checked, origin=checked)


class Producer:
    """The library in `folder`, produced in the background while the app runs."""

    def __init__(self, folder: Path, settings: Settings, *, workers: int, dask: str | None) -> None:
        self.folder = folder
        self.settings = settings
        self.workers = workers
        self.dask = dask
        self._live: dict[str, Progress] = {}
        self._doomed: set[str] = set()  # removed while producing: removed again once landed
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: set[asyncio.Queue[ItemState]] = set()

    @contextlib.asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        """Start producing when the app starts; stop (workers included) when it stops."""
        self._loop = asyncio.get_running_loop()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._produce, name="article2podcast-producer")
        self._thread.start()
        try:
            yield
        finally:
            self._stopping.set()
            self._wake.set()
            await run_in_threadpool(self._thread.join)
            self._thread = None
            self._loop = None

    # What the app asks (from a thread of the pool: each opens the library).

    def add_url(self, url: str) -> ItemState:
        """Queue the article at `url` (http(s) only; InputError otherwise)."""
        return self._add(url_item(url))

    def add_file(self, name: str, data: bytes) -> ItemState:
        """Queue an uploaded article (.txt, .md, .html; within the 5 MB text limit)."""
        return self._add(upload_item(name, data))

    def _add(self, item: Item) -> ItemState:
        """Remember `item` (an item the library has is not added twice: its state is given;
        a removed one is queued again) and wake the producer."""
        with self._library() as library:
            if not library.remember([item]).new and library.row(item.key) is None:
                library.requeue(item)  # it was removed: added again
            row = library.row(item.key)
            if row is None:
                raise InputError(f"{item.source} could not be queued; try again")
            state = self._state(row)
        self._wake.set()
        self._tell(state)
        return state

    def items(self) -> list[ItemState]:
        """Every item, newest first."""
        with self._library() as library:
            return [self._state(row) for row in reversed(library.rows())]

    def item(self, item_id: int) -> ItemState | None:
        with self._library() as library:
            row = library.row(str(item_id))
            return None if row is None or row.id != item_id else self._state(row)

    def remove(self, item_id: int) -> bool:
        """Remove an item and its episode's files (False: no such item)."""
        with self._library() as library:
            row = library.row(str(item_id))
            if row is None or row.id != item_id:
                return False
            if row.status == "producing":
                with self._lock:
                    self._doomed.add(row.item.key)
            self._remove(library, row)
        self._tell(_removed_state(row))
        return True

    def retry(self, item_id: int) -> bool:
        """Queue a failed item again (False: no such failed item)."""
        with self._library() as library:
            row = library.row(str(item_id))
            if row is None or row.id != item_id or not library.requeue(row.item):
                return False
            state = self._state(library.row(row.item.key) or row)
        self._wake.set()
        self._tell(state)
        return True

    async def changes(self) -> AsyncGenerator[ItemState]:
        """Each item's state as it changes (for server-sent events)."""
        queue: asyncio.Queue[ItemState] = asyncio.Queue(_SUBSCRIBER_BACKLOG)
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)

    # The producer's thread.

    def _produce(self) -> None:
        """Produce the queue until the app stops; whatever goes wrong, go on after a rest."""
        while not self._stopping.is_set():
            try:
                with self._library() as library:
                    serve_queue(
                        library,
                        self.settings,
                        workers=self.workers,
                        dask=self.dask,
                        on_event=self._on_event,
                        wait_for_more=self._wait_for_more,
                    )
            except Stopped:
                break
            except Exception:  # a full disk, a broken database: the queue is not given up
                log.exception("the web app's producer stopped; it starts again")
                self._stopping.wait(_RESTART_S)
        with self._lock:
            self._live.clear()

    def _wait_for_more(self, seconds: float) -> bool:
        if not self._stopping.is_set() and self._wake.wait(seconds):
            self._wake.clear()
        return not self._stopping.is_set()

    def _on_event(self, event: Event) -> None:
        """What the runner tells (from its thread, or from its workers' listener)."""
        item = event.item
        if item is None:
            return
        with self._lock:
            if event.kind == "started":
                self._live[item.key] = Progress("reading", 0, 1)
            elif event.kind == "progress" and event.progress is not None:
                self._live[item.key] = event.progress
            elif event.kind in ("done", "failed"):
                self._live.pop(item.key, None)
            doomed = event.kind in ("done", "failed") and item.key in self._doomed
            if doomed:
                self._doomed.discard(item.key)
        try:
            with self._library() as library:
                row = library.row(item.key)
                if doomed and row is not None:
                    self._remove(library, row)
                    return
                if row is not None:
                    self._tell(self._state(row))
        except Exception:  # a watcher's trouble never stops the queue
            log.exception("could not tell the web app's watchers of %s", item.key)

    # Helpers.

    @contextlib.contextmanager
    def _library(self) -> Iterator[Library]:
        with Library.open(self.folder) as library:
            yield library

    def _remove(self, library: Library, row: Row) -> None:
        if row.episode:
            remove_episode(self.folder, row.episode)
        library.forget(row)
        publish(library)

    def _state(self, row: Row) -> ItemState:
        item = row.item
        title = item.title or item.name or item.link or item.source
        with self._lock:
            live = self._live.get(item.key) if row.status == "producing" else None
        done = row.status == "done" and row.episode is not None
        return ItemState(
            id=row.id,
            title=title,
            source=item.link or item.source,
            status=row.status,
            stage=live.stage if live else None,
            done=live.done if live else 0,
            total=live.total if live else 0,
            progress=1.0 if done else overall(live) if live else 0.0,
            error=row.error if row.status == "failed" else None,
            audio=row.episode if done else None,
            page=Path(row.episode).stem + ".html" if done and row.episode else None,
            attempts=row.attempts,
        )

    def _tell(self, state: ItemState) -> None:
        """Give `state` to every subscriber (from any thread: through the app's loop)."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody listens
            loop.call_soon_threadsafe(self._deliver, state)

    def _deliver(self, state: ItemState) -> None:
        for queue in list(self._subscribers):
            if queue.full():  # a subscriber that does not read loses its oldest news
                queue.get_nowait()
            queue.put_nowait(state)


def _removed_state(row: Row) -> ItemState:
    return ItemState(
        id=row.id,
        title=row.item.title or row.item.source,
        source=row.item.source,
        status="removed",
    )
