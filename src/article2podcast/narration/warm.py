"""Engines kept warm between episodes, in a process that produces one article after another
(a batch worker, a Dask worker): a Piper voice is loaded once per worker, not once per article.

Off unless `keep_engines()` was called in this process. A narrator then takes an idle engine
of the same kind from here instead of starting one, and gives its healthy engines back when
it closes; an engine that failed or was stopped mid-clip is never given back.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading

from ..scratch import process_folder
from .proxy import EngineProcess

_lock = threading.Lock()
_idle: dict[str, list[EngineProcess]] = {}
_folder: str | None = None
_cores: int | None = None
"""Where the kept engines' scratch folders are: not in any one run's scratch folder, which
goes at the end of that run."""


def keep_engines() -> None:
    """From now on, keep engines between the runs of this process."""
    global _folder
    with _lock:
        if _folder is None:
            _folder = str(process_folder())
            atexit.register(stop_kept)


def share_cores(cores: int) -> None:
    """This process is one of several producing at once and has `cores` of the machine's
    cores: its engines' threads are counted from these, not from all of them (else two
    workers on two cores run four Piper threads, which then wait on each other)."""
    global _cores
    _cores = max(1, cores)


def cores() -> int:
    """The cores this process's engines share (see `share_cores`; else all of them)."""
    return _cores or os.cpu_count() or 1


def threads_for(jobs: int) -> int:
    """The threads each of `jobs` engine workers gets: its share of the cores (a neural engine
    uses all it is given)."""
    return max(1, cores() // max(1, jobs))


def kind_of(engine_name: str, options: object, threads: int) -> str:
    """Which engines are alike enough to be kept for another run."""
    # An engine reads our environment variables when it starts (the fake engine's faults,
    # say): one started under others is another engine.
    ours = sorted((k, v) for k, v in os.environ.items() if k.startswith("ARTICLE2PODCAST_"))
    return repr((engine_name, options, threads, ours))


def keeping() -> str | None:
    """The folder kept engines work in, or None when engines are not kept."""
    return _folder


def take(kind: str) -> EngineProcess | None:
    """An idle, live engine of `kind` (see `kind_of`), if one is kept."""
    # (`prestart.take` gives the engine started for this run, if it is of this kind.)
    with _lock:
        engines = _idle.get(kind, [])
        while engines:
            engine = engines.pop()
            if engine.alive:
                return engine
    return None


def give_back(kind: str, engine: EngineProcess) -> bool:
    """Keep `engine` for the next run; False when engines are not kept (stop it yourself)."""
    if _folder is None or not engine.alive:
        return False
    with _lock:
        _idle.setdefault(kind, []).append(engine)
    return True


def stop_kept() -> None:
    """Stop every kept engine and remove their folder (at exit)."""
    global _folder
    with _lock:
        engines = [engine for kept in _idle.values() for engine in kept]
        _idle.clear()
        folder, _folder = _folder, None
    for engine in engines:
        engine.ask_to_stop()
    for engine in engines:
        engine.stop()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
