"""The run's first engine worker, started in the background at the very start of a run, so that
it is ready when the narrator needs it instead of being started after the article was read
and planned (a worker takes 0.3 s to start with espeak-ng, seconds with a Piper voice).

    with prestarted(settings.engine, settings.engine_settings(), settings.jobs):
        ...  # read and plan the article; the narrator takes the worker (see `take`)

The narrator takes it as it takes a kept engine (`warm.take`). A worker that could not start
is reported when the narrator takes it, with the error it would have had starting it then;
one nobody took (the article could not be read, Ctrl-C) is stopped when the block ends.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from ..errors import ExportError
from ..scratch import process_folder
from . import warm
from .engines import EngineSettings
from .proxy import EngineProcess

_lock = threading.Lock()
_started: dict[str, _Start] = {}
"""The engines started and not yet taken, by kind (`warm.kind_of`)."""
_folder: str | None = None
"""Their scratch folders' folder: the run's own scratch folder does not exist yet when they
start; this one is removed at exit, or by a later run if this one is killed."""

starts = 0
"""How many workers were started here in this process (for the tests)."""


class _Start:
    """An engine being started in a thread of its own."""

    def __init__(self, engine: EngineProcess, *, running: bool = False) -> None:
        self.engine = engine
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        if not running:
            self.thread = threading.Thread(
                target=self._start, daemon=True, name="article2podcast-prestart"
            )
            self.thread.start()

    def _start(self) -> None:
        try:
            self.engine.start()
        except BaseException as exc:  # told to whoever takes the engine
            self.error = exc

    def wait(self) -> EngineProcess:
        """The engine once it has started, or the error it could not start with."""
        try:
            if self.thread is not None:
                self.thread.join()
        except BaseException:  # interrupted while waiting: stop it before going on
            self.discard()
            raise
        if self.error is not None:
            raise self.error
        return self.engine

    def discard(self, kind: str | None = None) -> None:
        """Stop the engine (a kept one goes back to be kept, under `kind`)."""
        if self.thread is None and kind is not None and warm.give_back(kind, self.engine):
            return
        self.engine.kill()  # an engine still starting stops at once
        if self.thread is not None:
            self.thread.join()
        self.engine.stop()


def prestart(engine_name: str, options: EngineSettings = None, threads: int = 1) -> str | None:
    """Start an engine worker for this run in the background; the kind it was started as, or
    None when one of that kind was started already and is not yet taken."""
    global starts
    kind = warm.kind_of(engine_name, options, threads)
    with _lock:
        if kind in _started:
            return None
        kept = warm.take(kind)
        if kept is not None:
            _started[kind] = _Start(kept, running=True)
            return kind
    try:
        scratch = warm.keeping() or _scratch()
    except ExportError:
        return None  # a full temporary folder: the run says so when it makes its own
    engine = EngineProcess(engine_name, options, threads=threads, start=False, scratch_in=scratch)
    with _lock:
        if kind in _started:  # another thread was quicker
            return None
        starts += 1
        _started[kind] = _Start(engine)
    return kind


def take(kind: str) -> EngineProcess | None:
    """The engine of `kind` started for this run, once it has started (None if there is none);
    an error starting it is raised here, as it would have been had it been started now."""
    with _lock:
        start = _started.pop(kind, None)
    return None if start is None else start.wait()


def discard(kind: str) -> None:
    """Stop the engine of `kind` started for this run, if nobody took it."""
    with _lock:
        start = _started.pop(kind, None)
    if start is not None:
        start.discard(kind)


@contextlib.contextmanager
def prestarted(engine_name: str, options: EngineSettings, jobs: int) -> Iterator[None]:
    """An engine worker started for the narrator of `jobs` workers while the block runs; at its
    end, stopped if the narrator did not take it."""
    kind = prestart(engine_name, options, warm.threads_for(jobs))
    try:
        yield
    finally:
        if kind is not None:
            discard(kind)


def _scratch() -> str:
    global _folder
    with _lock:
        if _folder is None:
            _folder = str(process_folder())
        return _folder
