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

from ..narration import warm
from ..settings import MAX_JOBS, Settings
from .items import Failure, Item, Produced
from .work import attempt

Outcome = Produced | Failure
NextItem = Callable[[], Item | None]


def default_workers() -> int:
    """One worker per core."""
    return max(1, min(os.cpu_count() or 1, MAX_JOBS))


def run_locally(
    next_item: NextItem, settings: Settings, workers: int
) -> Iterator[tuple[Item, Outcome]]:
    """Produce the items `next_item` gives, `workers` at a time, in worker processes."""
    context = multiprocessing.get_context("spawn")  # no copy of our threads or locks
    running: dict[Future[Outcome], Item] = {}
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(os.getpid(), workers),
    )
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < workers:
                item = next_item()
                if item is None:
                    exhausted = True
                    break
                running[pool.submit(attempt, item, settings)] = item
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                item = running.pop(future)
                yield item, _outcome(future)
    except BaseException:  # an interrupt, or the caller stopped early: stop at once
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in multiprocessing.active_children():
            worker.terminate()  # their engines and scratch folders follow (see work)
        raise
    pool.shutdown()


def _start_worker(parent: int, workers: int) -> None:
    """In a worker: take its share of the cores, and exit as soon as the batch is gone (a
    killed batch cannot stop its workers; their scratch folders are removed by the next run,
    their engines follow them)."""
    warm.share_cores((os.cpu_count() or 1) // workers)

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
