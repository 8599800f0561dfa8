"""`add`: find the sources' articles, remember them, produce what is new in parallel, and keep
the library's feed and index current as each episode lands.

This process is the only one that writes the library (its database and its folder): workers,
local or on a Dask cluster, only make episodes in scratch folders of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..episode.ownership import episode_files, in_the_way
from ..episode.staging import clean_abandoned
from ..errors import Article2PodcastError, InputError
from ..locking import folder_lock
from ..progress import Progress
from ..publishing.feed import checked_base_url
from ..publishing.library import write_feed, write_index
from ..settings import Settings
from .items import Failure, Item, Produced
from .pool import WaitForMore, run_locally
from .store import Library, Row
from .work import commit, one_line

BASE_URL = "base_url"
"""The library's fact: where its folder is served (the feed's links start with it)."""
KEY = "key"
"""The library's fact: the key its server asks for (the feed's links carry it), if any."""
log = logging.getLogger(__package__.rsplit(".", 1)[0])


@dataclass(frozen=True)
class Event:
    """What happened in a batch, for whoever watches (a progress bar, a web page)."""

    kind: str
    """`queued` (`total` items to produce), `started`, `progress` (how far an item has come:
    `progress`), `done` or `failed` (an item)."""
    item: Item | None = None
    total: int = 0
    episode: Path | None = None
    error: str = ""
    progress: Progress | None = None


OnEvent = Callable[[Event], None]


@dataclass
class Report:
    """What a batch did."""

    new: int = 0
    changed: int = 0
    produced: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    """(what, why): sources that could not be read, and items that failed this run."""
    given_up: list[Row] = field(default_factory=list)
    """Items that failed `MAX_ATTEMPTS` times and are not tried again (see `retry`)."""
    base_url: str | None = None
    """Where the library is served, when it knows (else it has an index page but no feed)."""

    @property
    def ok(self) -> bool:
        return not self.failed and not self.given_up


def add(
    sources: Sequence[str],
    folder: Path,
    settings: Settings,
    *,
    limit: int | None = None,
    since: datetime | None = None,
    workers: int = 1,
    dask: str | None = None,
    base_url: str | None = None,
    on_event: OnEvent = lambda event: None,
) -> Report:
    """Add the articles of `sources` to the library in `folder` and produce what is new."""
    from .sources import expand  # feedparser and the fetcher: only when adding

    if base_url is not None:
        base_url = checked_base_url(base_url)
    if dask is not None:
        from .cluster import check_cluster

        check_cluster(dask, settings)  # a wrong address fails before anything is read
    make_library_folder(folder)
    found = expand(sources, limit=limit, since=since)
    report = Report(failed=[(problem, "") for problem in found.problems])
    with Library.open(folder) as library:
        if base_url is not None:
            library.set_fact(BASE_URL, base_url)
        remembered = library.remember(found.items)
        report.new, report.changed = remembered.new, remembered.changed
        produce_queued(library, settings, report, workers=workers, dask=dask, on_event=on_event)
    return report


def produce_queued(
    library: Library,
    settings: Settings,
    report: Report,
    *,
    workers: int,
    dask: str | None,
    on_event: OnEvent,
) -> None:
    """Produce every queued item of `library` (failed ones with attempts left too)."""
    library.requeue_failed()
    library.start_run()  # first: the items of a killed run are queued again
    queued = sum(1 for row in library.rows() if row.status == "queued")
    if queued:
        clean_abandoned(library.folder)  # what killed runs left
        on_event(Event("queued", total=queued))
        for item, outcome in _run(library, settings, workers, dask, on_event):
            _land(library, item, outcome, report, on_event)
    library.end_run()
    report.given_up = [row for row in library.rows() if row.given_up]
    report.base_url = library.fact(BASE_URL)


def serve_queue(
    library: Library,
    settings: Settings,
    *,
    workers: int,
    dask: str | None,
    on_event: OnEvent,
    wait_for_more: WaitForMore,
) -> None:
    """Produce the library's queued items as they come (a server's queue), until
    `wait_for_more(seconds)`, asked whenever there is nothing to do, says False."""
    clean_abandoned(library.folder)
    library.start_run()
    report = Report()
    try:
        if dask is None:
            outcomes = _run(library, settings, workers, None, on_event, wait_for_more)
            for item, outcome in outcomes:
                _land(library, item, outcome, report, on_event)
            return
        while wait_for_more(1.0):  # a Dask batch per round of news
            for item, outcome in _run(library, settings, workers, dask, on_event):
                _land(library, item, outcome, report, on_event)
    finally:
        library.end_run()


def _run(
    library: Library,
    settings: Settings,
    workers: int,
    dask: str | None,
    on_event: OnEvent,
    wait_for_more: WaitForMore | None = None,
) -> Iterator[tuple[Item, Produced | Failure]]:
    def next_item() -> Item | None:
        item = library.claim()
        if item is not None:
            on_event(Event("started", item))
        return item

    if dask is not None:
        from .cluster import run_on_dask

        return run_on_dask(dask, next_item, settings)
    def on_progress(item: Item, progress: Progress) -> None:
        on_event(Event("progress", item, progress=progress))

    return run_locally(next_item, settings, workers, on_progress, wait_for_more=wait_for_more)


def _land(
    library: Library,
    item: Item,
    outcome: Produced | Failure,
    report: Report,
    on_event: OnEvent,
) -> None:
    """Commit a finished item into the folder and the database, and publish it."""
    if isinstance(outcome, Produced):
        try:
            episode = commit(library.folder, item, outcome, _stem(library.episode_of(item)))
        except Article2PodcastError as exc:
            outcome = Failure(one_line(str(exc)))
        else:
            library.done(item, episode.name, outcome.title)
            report.produced.append(episode)
            publish(library)
            on_event(Event("done", item, episode=episode))
            return
    library.failed(item, outcome.error)
    report.failed.append((describe(item), outcome.error))
    on_event(Event("failed", item, error=outcome.error))


def publish(library: Library) -> None:
    """Rewrite the folder's feed (when the library knows its address) and index page."""
    base_url = library.fact(BASE_URL)
    # One publisher at a time (two runs on one library): the one that renames last has seen
    # every episode the other had.
    try:
        with folder_lock(library.home):
            _publish(library.folder, base_url, library.fact(KEY))
    except Article2PodcastError as exc:  # a feed.xml not ours, a full disk: the episodes stay
        log.warning("did not update the feed: %s", exc)


def _publish(folder: Path, base_url: str | None, key: str | None) -> None:
    if base_url is None:
        write_index(folder, empty_ok=True)
    else:
        write_feed(folder, base_url, empty_ok=True, key=key)


def remove_episode(folder: Path, episode: str) -> int:
    """Remove the files of `episode` that are ours (its manifest lists them)."""
    audio = folder / episode
    files = episode_files(audio, cover_generated=True)
    ours = [
        path for path in files if path.exists() and in_the_way(audio, [path], article=None) is None
    ]
    manifest = audio.with_suffix(".json")
    for path in sorted(ours, key=lambda path: path == manifest):  # the manifest last
        path.unlink(missing_ok=True)
    return len(ours)


def describe(item: Item) -> str:
    """How an item is named in messages: its title, else where it is from."""
    return one_line(item.title or item.link or item.source)


def _stem(episode: str | None) -> str | None:
    return None if episode is None else Path(episode).stem


def make_library_folder(folder: Path, option: str = "--to") -> None:
    """Make the library folder `folder` unless it is there; `option` names where the user
    gave it, for the message."""
    if folder.is_dir():
        return
    if folder.exists():
        raise InputError(f"{option} {folder} is not a folder; give the library's folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot make the library folder {folder} ({exc.strerror}); choose another {option}"
        ) from exc
