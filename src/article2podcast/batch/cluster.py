"""Whole articles in parallel past one machine: each item is a task on an existing Dask
distributed cluster, produced in a Dask worker's own scratch folder and returned as bytes.

The twin of `pool.run_locally`. Nothing is assumed shared between this machine and the
workers but the network: an article file, a cover and a lexicon go with the task as bytes,
the worker uses its own clip cache, and the episode comes back as `Produced` bytes for the
caller to commit. A worker that dies mid-article has its task run again elsewhere by the
scheduler (up to its `distributed.scheduler.allowed-failures`); each task's result reaches
us once, so an item is never produced into the library twice.

Our engines run in child processes, which a daemonic process may not have: the workers'
processes must be started with `DASK_DISTRIBUTED__WORKER__DAEMON=False` (checked on connect).
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import InputError, MissingDependencyError
from ..narration import warm
from ..narration.clipcache import default_cache_dir
from ..reading.fetching import is_url
from ..scratch import scratch_folder
from ..settings import Settings
from .items import Failure, Item
from .pool import NextItem, Outcome
from .work import attempt, one_line

DASK_INSTALL = "pip install 'article2podcast[dask]'"
CONNECT_TIMEOUT_S = 10.0
"""How long the scheduler has to answer, and to have a worker, before we give up."""
RETRIES = 1
"""Retries of a task that raised (`attempt` turns every error of ours into a Failure, so this
is the rare escape, such as a MemoryError on a busy worker). A worker that died is another
matter: the scheduler reruns its tasks on its own."""
NOT_DAEMON = "DASK_DISTRIBUTED__WORKER__DAEMON=False"
START_HINT = (
    "start a scheduler with `dask scheduler` and workers with "
    f"`{NOT_DAEMON} dask worker tcp://HOST:8786 --nthreads 1`, or check --dask"
)


@dataclass(frozen=True)
class Kit:
    """What a worker needs besides the item: the settings, with this machine's files in them
    replaced by their bytes."""

    settings: Settings
    """The settings, with no cover, lexicon or cache folder (paths of this machine)."""
    cached: bool
    """Whether the worker uses its own default clip cache (False: no cache, as asked)."""
    cover: tuple[str, bytes] | None = None
    """The user's cover image: its file name and its bytes."""
    lexicon: tuple[str, bytes] | None = None
    """The user's lexicon: its file name and its bytes."""
    cores: dict[str, int] = dataclasses.field(default_factory=dict)
    """Each worker's share of its machine's cores (by its address), for its engines' threads:
    the machine's cores over the threads of all the workers on it."""


def run_on_dask(
    address: str,
    next_item: NextItem,
    settings: Settings,
    *,
    slots: int | None = None,
    connect_timeout: float = CONNECT_TIMEOUT_S,
) -> Iterator[tuple[Item, Outcome]]:
    """Produce the items `next_item` gives on the Dask cluster at `address`, about as many at a
    time as it has worker threads (or `slots`); yields each item with its outcome as it ends.

    Connecting happens on the first `next`: a scheduler that does not answer is an InputError,
    and no item has been taken by then."""
    distributed = _distributed()
    kit = make_kit(settings)
    client = _connect(distributed, address, connect_timeout)
    kit = dataclasses.replace(kit, cores=_shares(client))
    running: dict[Any, Item] = {}
    try:
        finished = distributed.as_completed(loop=client.loop)
        exhausted = False
        while True:
            room = slots or max(1, sum(client.nthreads().values()))  # workers come and go
            while not exhausted and len(running) < room:
                item = next_item()
                if item is None:
                    exhausted = True
                    break
                try:
                    sent = shipped(item)
                except InputError as exc:
                    yield item, Failure(one_line(str(exc)))
                    continue
                future = client.submit(attempt_on_worker, sent, kit, pure=False, retries=RETRIES)
                running[future] = item  # as it was given, without the bytes sent
                finished.add(future)
            if not running:
                return
            future = next(finished)
            yield running.pop(future), _outcome(future)
    finally:
        if running:  # left early (interrupted): the items are redone by a later run
            client.cancel(list(running))
        client.close()


def check_cluster(address: str, settings: Settings) -> None:
    """Raise now, before any item is read or taken, what `run_on_dask` would raise on its
    start: settings that cannot travel, no `distributed`, no scheduler or no usable worker."""
    make_kit(settings)
    _connect(_distributed(), address, CONNECT_TIMEOUT_S).close()


def make_kit(settings: Settings) -> Kit:
    """`settings` made to travel: the client's files as bytes, its cache folder as a choice."""
    if settings.piper.model is not None:
        # A Piper voice is tens of megabytes: sent with every article it would cost more than
        # the article itself. The workers' bundled voice is used instead.
        raise InputError(
            "--piper-voice with --dask: the voice file is on this machine only; "
            "leave it out to use the bundled voice on the workers"
        )
    return Kit(
        settings=dataclasses.replace(settings, cover=None, lexicon=None, cache_dir=None),
        cached=settings.cache_dir is not None,
        cover=_read(settings.cover, "--cover"),
        lexicon=_read(settings.lexicon, "--lexicon"),
    )


def shipped(item: Item) -> Item:
    """`item` with its article in it when it is a file here (the workers cannot read it)."""
    if item.content is not None or is_url(item.source):
        return item
    path = Path(item.source)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {item.source}: {exc.strerror or exc}") from exc
    return dataclasses.replace(item, content=content, name=path.name)


def attempt_on_worker(item: Item, kit: Kit) -> Outcome:
    """On a Dask worker: `work.attempt` with the kit's files written into a folder of ours and
    this worker's own clip cache."""
    if multiprocessing.current_process().daemon:
        return Failure(_daemon_message("this Dask worker"))
    from distributed import get_worker

    worker = get_worker()
    warm.share_cores(
        kit.cores.get(worker.address) or (os.cpu_count() or 1) // worker.state.nthreads
    )
    with scratch_folder() as folder:  # removed by a later run if this worker is killed
        settings = dataclasses.replace(
            kit.settings,
            cover=_write(Path(folder) / "cover", kit.cover),
            lexicon=_write(Path(folder) / "lexicon", kit.lexicon),
            cache_dir=default_cache_dir() if kit.cached else None,
        )
        return attempt(item, settings)


def _shares(client: Any) -> dict[str, int]:
    """Each worker's share of its machine's cores (workers on one host share its cores)."""
    cores = client.run(os.cpu_count)
    workers = client.scheduler_info()["workers"]
    threads: dict[str, int] = {}
    for info in workers.values():
        threads[info["host"]] = threads.get(info["host"], 0) + info["nthreads"]
    return {
        address: max(1, (cores.get(address) or 1) // threads[info["host"]])
        for address, info in workers.items()
    }


def is_daemon() -> bool:
    """Whether this process is daemonic (run on each worker when we connect)."""
    return bool(multiprocessing.current_process().daemon)


def _distributed() -> ModuleType:
    try:
        import distributed
    except ImportError as exc:
        raise MissingDependencyError(
            f"--dask needs Dask distributed, which is not installed; install it with "
            f"{DASK_INSTALL!r}"
        ) from exc
    return distributed


def _connect(distributed: ModuleType, address: str, timeout: float) -> Any:
    """A client of the scheduler at `address` with at least one worker fit to produce."""
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(f"no Dask scheduler answers at {address!r}; {START_HINT}") from exc
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (TimeoutError, OSError) as exc:
        client.close()
        raise InputError(f"the Dask scheduler at {address} has no workers; {START_HINT}") from exc
    try:
        daemons = client.run(is_daemon)
    except Exception as exc:
        client.close()
        if "article2podcast" not in str(exc):
            raise
        # Dask gives the worker's ModuleNotFoundError back as a plain Exception.
        raise MissingDependencyError(
            f"the Dask workers at {address} cannot run this article2podcast "
            f"({one_line(str(exc))}); install the same version on each with {DASK_INSTALL!r}"
        ) from exc
    if any(daemons.values()):
        client.close()
        raise InputError(_daemon_message(f"the Dask workers at {address}"))
    return client


def _daemon_message(who: str) -> str:
    return (
        f"{who} run as daemonic processes, which cannot start the speech engine; "
        f"start them with `{NOT_DAEMON} dask worker ...`"
    )


def _outcome(future: Any) -> Outcome:
    """The task's result, or what became of it as a one-line Failure."""
    if future.status == "finished":
        outcome: Outcome = future.result()
        return outcome
    if future.status == "cancelled":
        return Failure("the Dask task was cancelled; it is tried again next run")
    exc = future.exception()
    if type(exc).__name__ == "KilledWorker":
        return Failure(
            "the Dask workers producing it died, one after another; it is tried again next run"
        )
    return Failure(one_line(f"the Dask worker failed: {type(exc).__name__}: {exc}"))


def _read(path: Path | None, option: str) -> tuple[str, bytes] | None:
    if path is None:
        return None
    try:
        return path.name, path.read_bytes()
    except OSError as exc:
        raise InputError(f"{option} {path}: cannot read it ({exc.strerror or exc})") from exc


def _write(folder: Path, pair: tuple[str, bytes] | None) -> Path | None:
    if pair is None:
        return None
    name, data = pair
    folder.mkdir()
    (folder / name).write_bytes(data)
    return folder / name
