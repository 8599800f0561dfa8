"""Whole articles in parallel on this machine: worker processes, each keeping its engine
between articles, all sharing the clip cache.

A runner takes items one at a time from `next_item` (which claims them in the library as a
worker becomes free, so that two runs on one library share the work) and yields each item with
its outcome as it finishes, in the order they finish. `cluster.run_on_dask` is the same on a
Dask cluster.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from ..narration import warm
from ..progress import Progress
from ..settings import MAX_JOBS, Settings
from .items import Failure, Item, Produced
from .work import attempt

Outcome = Produced | Failure
NextItem = Callable[[], Item | None]
OnItemProgress = Callable[[Item, Progress], None]
WaitForMore = Callable[[float], bool]
_POLL_S = 1.0
"""How often a server's queue is asked for more while it produces."""


class Stopped(Exception):
    """A server's queue was told to stop (`wait_for_more` said False) while items ran; the
    runner's `end_run` queues them again."""


def default_workers() -> int:
    """One worker per core."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def run_locally(
    next_item: NextItem,
    settings: Settings,
    workers: int,
    on_progress: OnItemProgress | None = None,
    *,
    wait_for_more: WaitForMore | None = None,
) -> Iterator[tuple[Item, Outcome]]:
    """Produce the items `next_item` gives, `workers` at a time, in worker processes;
    `on_progress` hears how far each item has come (in a thread of its own).

    Ends when `next_item` has no more and nothing is running; with `wait_for_more` (a
    server's queue), asks `next_item` again whenever `wait_for_more(seconds)` says to (it
    waits up to that long for news), and ends when it says False."""
    context = multiprocessing.get_context("spawn")  # no copy of our threads or locks
    running: dict[Future[Outcome], Item] = {}
    reports: Any = context.SimpleQueue()
    listener = threading.Thread(target=_listen, args=(reports, running, on_progress), daemon=True)
    listener.start()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), workers, reports if on_progress else None),
    )
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < workers:
                item = next_item()
                if item is None:
                    exhausted = True
                    break
                running[pool.submit(_attempt, item, settings)] = item
            if wait_for_more is not None and exhausted:
                exhausted = False  # ask again after the wait below
                if not running:
                    if wait_for_more(_POLL_S):
                        continue
                    break
            if not running:
                break
            timeout = _POLL_S if wait_for_more is not None else None
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done and wait_for_more is not None and not wait_for_more(0):
                raise Stopped  # the server stops: its workers are stopped below, at once
            for future in done:
                item = running.pop(future)
                yield item, _outcome(future)
    except BaseException:  # an interrupt, or the caller stopped early: stop at once
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():
            worker.terminate()  # their engines and scratch folders follow (see work)
        raise
    finally:
        reports.put(None)  # the listener's end
    pool.shutdown()


def _listen(
    reports: Any, running: dict[Future[Outcome], Item], on_progress: OnItemProgress | None
) -> None:
    """Tell `on_progress` what the workers report, until told to stop."""
    while (report := reports.get()) is not None:
        key, stage, done, total = report
        item = next((item for item in list(running.values()) if item.key == key), None)
        if item is not None and on_progress is not None:
            on_progress(item, Progress(stage, done, total))


_reports: Any = None
"""In a worker: where it reports progress (None: nobody listens)."""


def _start_worker(parent: int, workers: int, reports: Any = None) -> None:
    """In a worker: take its share of the cores, report to `reports`, and leave with the
    batch."""
    global _reports
    _reports = reports
    warm.share_cores((os.cpu_count() or 1) // workers)
    _leave_with_parent(parent)


def _attempt(item: Item, settings: Settings) -> Outcome:
    """In a worker: `attempt`, telling the batch how far it has come."""
    if _reports is None:
        return attempt(item, settings)

    def report(event: Progress) -> None:
        _reports.put((item.key, event.stage, event.done, event.total))

    return attempt(item, settings, report)


def _leave_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the batch is gone (a killed batch cannot stop its workers;
    their scratch folders are removed by the next run, their engines follow them)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="article2podcast-parent-watch", daemon=True).start()


def _outcome(future: Future[Outcome]) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        return Failure("the worker process died while producing it; it is tried again next run")
