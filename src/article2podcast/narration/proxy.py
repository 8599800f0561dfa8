"""The proxy: an engine in a worker process of its own, behind the engine's own interface.

`EngineProcess` is an `Engine` like the one it runs: each of its methods sends a typed request
(see `worker`) and waits for the answer, with a timeout, so that a crash, a hang or an engine
that raises reaches the producer as an `EngineFailure` it can retry or report.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import multiprocessing.util  # its exit handler is registered now, before ours (see below)
import os
import shutil
import signal
import tempfile
import threading
import weakref
from collections.abc import Generator
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from ..environment import ENGINE_TIMEOUT, environment
from ..errors import InputError
from ..programs import last_lines
from .engines import Engine, EngineSettings, engine_factory
from .worker import (
    WORKER_LOG,
    DefaultRate,
    EngineFailure,
    Fingerprint,
    ListVoices,
    Narrate,
    Pronunciations,
    Request,
    RoleVoices,
    Synthesize,
    T_co,
    serve,
)

if TYPE_CHECKING:
    from pydub import AudioSegment

    from ..model import Voice, VoiceSettings
    from .engines import Timed

START_TIMEOUT_S = 60.0
"""How long a worker may take to start, and to answer a question about its voices."""
_PRONUNCIATIONS_TIMEOUT_S = 120.0
# Generous: espeak-ng speaks a sentence in milliseconds; a slow engine gets a second per 10 chars.
_BASE_TIMEOUT_S = 30.0
_TIMEOUT_S_PER_CHAR = 0.1
TIMEOUT_ENV = ENGINE_TIMEOUT
"""Seconds an engine may take on one utterance before it counts as hung (for slow engines and
machines; the default allows 30 s plus 0.1 s per character)."""
_GRACE_S = 0.5
"""How long a worker told to stop, or seen to die, is waited for before it is killed."""


class EngineProcess(Engine):
    """An engine running in a worker process of its own, behind the engine's own interface."""

    def __init__(
        self,
        engine_name: str,
        options: EngineSettings = None,
        *,
        threads: int = 0,
        start: bool = True,
        scratch_in: str | None = None,
    ) -> None:
        self.name = self.engine_name = engine_name
        self._scratch_in = scratch_in
        """Where its scratch folder goes (default: the temporary folder, the run's own)."""
        self.settings = options
        self.threads = threads
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._scratch: str | None = None
        self._stop_lock = threading.Lock()
        self._killed = False
        self.default_rate = 0
        if start:
            self.start()

    # The Engine interface, each call a request to the worker.

    def synthesize(
        self, text: str, settings: VoiceSettings, *, timeout: float | None = None
    ) -> AudioSegment:
        return self.ask(Synthesize(text, settings), timeout=timeout or speaking_timeout(text))

    def voices(self) -> list[Voice]:
        return self.ask(ListVoices(), timeout=START_TIMEOUT_S)

    def fingerprint(self) -> str:
        return self.ask(Fingerprint(), timeout=START_TIMEOUT_S)

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        return self.ask(RoleVoices(language), timeout=START_TIMEOUT_S)

    def pronunciations(self, words: list[str], voice: str | None = None) -> dict[str, str]:
        return self.ask(Pronunciations(words, voice), timeout=_PRONUNCIATIONS_TIMEOUT_S)

    def narrate(self, text: str, settings: VoiceSettings) -> Timed:
        """Synthesize `text`, timing its words, and check it in the worker (NarrationError if
        it is no speech)."""
        rate = settings.rate or self.default_rate
        return self.ask(Narrate(text, settings, rate), timeout=speaking_timeout(text))

    # The process.

    def start(self) -> None:
        engine_factory(self.engine_name)  # an unknown or missing engine is said here, at once
        # The engine's scratch files go in a folder the producer owns and removes, so that a
        # worker that is killed or crashes leaves nothing behind.
        self._scratch = tempfile.mkdtemp(prefix="article2podcast-engine-", dir=self._scratch_in)
        parent, child = self._context.Pipe()
        self._conn = parent
        self._process = self._context.Process(
            target=serve,
            args=(self.engine_name, self.settings, self.threads, child, self._scratch),
            kwargs={"parent": os.getpid()},
            daemon=True,
            name="article2podcast-engine",
        )
        _LIVE.add(self)
        try:
            with _interrupts_held():
                self._process.start()
            child.close()
            if self._killed:  # killed while it was being started
                self._process.kill()
            self.default_rate = self.ask(DefaultRate(), timeout=START_TIMEOUT_S)
        except BaseException as exc:
            child.close()
            self.kill()  # it has failed, or we are interrupted: no grace
            self.stop()
            if isinstance(exc, EngineFailure):
                raise EngineFailure(
                    f"the {self.engine_name} speech engine could not start: {exc}"
                ) from exc
            raise

    def ask(self, request: Request[T_co], *, timeout: float) -> T_co:
        """Have the worker run `request`; our own errors come back as they were raised."""
        conn, process = self._conn, self._process
        if conn is None or process is None:
            raise EngineFailure("the engine process has been stopped")
        try:
            conn.send(request)
            ready = conn.poll(timeout)
        except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
            ready = True  # the worker is gone; recv below reports how
        if not ready:
            self.stop()
            raise EngineFailure(f"the engine did not answer within {timeout:.0f} s")
        try:
            status, payload = conn.recv()
        except (EOFError, ConnectionResetError, OSError) as exc:
            process.join(_GRACE_S)
            code = process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            said = self._last_words()
            self.stop()
            raise EngineFailure(
                f"the engine process died ({how}){': ' + said if said else ''}"
            ) from exc
        if status == "error":
            raise payload
        answer: T_co = payload
        return answer

    def _last_words(self) -> str:
        """The last line the worker wrote on its stderr (kept in its log), if any."""
        if self._scratch is None:
            return ""
        try:
            with open(os.path.join(self._scratch, WORKER_LOG), "rb") as log:
                log.seek(0, os.SEEK_END)
                log.seek(max(0, log.tell() - 4096))
                tail = log.read().decode(errors="replace")
        except OSError:
            return ""
        return last_lines(tail, 1) if tail.strip() else ""

    @property
    def alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def kill(self) -> None:
        """Kill the worker at once; whoever waits on it gets an EngineFailure."""
        self._killed = True
        process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def ask_to_stop(self) -> None:
        """Tell the worker to finish, without waiting for it (see `stop`)."""
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                self._conn.send(None)

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        with self._stop_lock:
            self._stop()

    def _stop(self) -> None:
        conn, self._conn = self._conn, None
        process, self._process = self._process, None
        try:
            if conn is not None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                    conn.send(None)
                conn.close()
            if process is not None and process.pid is not None:  # it was started
                # An idle worker leaves at once; one that is busy (or ignores being told, or
                # SIGTERM) is not waited for.
                process.join(_GRACE_S)
                if process.is_alive():
                    process.kill()
                    process.join()
        finally:
            if process is not None and process.is_alive():  # interrupted while waiting
                process.kill()
            self._killed = False
            _LIVE.discard(self)
            if self._scratch is not None:
                shutil.rmtree(self._scratch, ignore_errors=True)
                self._scratch = None

    def __enter__(self) -> EngineProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def speaking_timeout(text: str) -> float:
    """How long the engine may take to speak `text` before it counts as hung."""
    configured = environment().engine_timeout
    try:
        return (
            float(configured) if configured else _BASE_TIMEOUT_S + _TIMEOUT_S_PER_CHAR * len(text)
        )
    except ValueError:
        raise InputError(
            f"${TIMEOUT_ENV} must be a number of seconds, not {configured!r}"
        ) from None


_LIVE: weakref.WeakSet[EngineProcess] = weakref.WeakSet()
"""Every worker started and not yet stopped, killed when the producer exits whatever the way."""


@atexit.register
def _kill_leftover_workers() -> None:
    # Runs before multiprocessing's own exit handler (registered earlier, run later), which
    # would send SIGTERM and wait for ever on a worker that ignores it.
    for engine in list(_LIVE):
        engine.kill()
        engine.stop()


@contextlib.contextmanager
def _interrupts_held() -> Generator[None, None, None]:
    """Block Ctrl-C in this thread while a worker is started: the worker inherits the block
    and ignores Ctrl-C before unblocking it, so that an interrupt while it imports its engine
    cannot print a traceback there. Here the interrupt waits and is raised right after."""
    # multiprocessing starts its resource tracker with the same trick, and unblocks after it:
    # start it first.
    resource_tracker.ensure_running()
    blocked = {signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
