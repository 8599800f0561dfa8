"""The engine's worker process: it makes the engine and answers the producer's requests.

The engine lives in its own process so that a native crash (pyttsx3 has segfaulted on long
text), a hang or stray output on stdout cannot harm the producer. A request is one call of the
`Engine` interface, as a small frozen dataclass that makes the call (`Synthesize`, `Voices`,
...); `proxy.EngineProcess` sends them. Whatever goes wrong in here goes back as an answer, or,
for a crash, to a log the producer reads; the worker never writes on the user's terminal.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ..errors import Article2PodcastError, NarrationError
from . import clips
from .engines import Engine, EngineSettings, create_engine

if TYPE_CHECKING:
    from pydub import AudioSegment

    from ..model import Voice, VoiceSettings
    from .engines import Timed

WORKER_LOG = "worker-stderr.log"
"""The worker's stderr, in its scratch folder: a crash's last words are read from there."""


class EngineFailure(NarrationError):
    """The worker crashed, hung, or the engine raised something unexpected."""


T_co = TypeVar("T_co", covariant=True)


class Request(Protocol[T_co]):
    """What the producer asks of the engine in the worker: one call of the `Engine` interface."""

    def run(self, engine: Engine) -> T_co:
        """Make the call on `engine` (in the worker)."""
        ...


@dataclass(frozen=True)
class Synthesize:
    """`Engine.synthesize`."""

    text: str
    """What to say."""
    settings: VoiceSettings
    """In which voice, at which rate."""

    def run(self, engine: Engine) -> AudioSegment:
        return engine.synthesize(self.text, self.settings)


@dataclass(frozen=True)
class Narrate:
    """Synthesize with the words' times, and check the clip in the worker (see
    `clips.narrate`)."""

    text: str
    """What to say."""
    settings: VoiceSettings
    """In which voice, at which rate."""
    rate: int
    """The rate the clip is checked against (the engine's own when the settings have none)."""

    def run(self, engine: Engine) -> Timed:
        return clips.narrate(engine, self.text, self.settings, self.rate)


@dataclass(frozen=True)
class ListVoices:
    """`Engine.voices`."""

    def run(self, engine: Engine) -> list[Voice]:
        return engine.voices()


@dataclass(frozen=True)
class Fingerprint:
    """`Engine.fingerprint`."""

    def run(self, engine: Engine) -> str:
        return engine.fingerprint()


@dataclass(frozen=True)
class RoleVoices:
    """`Engine.role_voices`."""

    language: str = "en"
    """The article's language (BCP 47)."""

    def run(self, engine: Engine) -> dict[str, str | None]:
        return engine.role_voices(self.language)


@dataclass(frozen=True)
class Pronunciations:
    """`Engine.pronunciations`."""

    words: list[str]
    """The words to ask about."""
    voice: str | None
    """In which voice (None: the engine's default)."""

    def run(self, engine: Engine) -> dict[str, str]:
        return engine.pronunciations(self.words, self.voice)


@dataclass(frozen=True)
class DefaultRate:
    """`Engine.default_rate`."""

    def run(self, engine: Engine) -> int:
        return engine.default_rate


def serve(
    engine_name: str,
    settings: EngineSettings,
    threads: int,
    conn: Connection,
    scratch: str,
    *,
    parent: int,
) -> None:
    """The worker's loop: answer requests until told to stop (None) or the pipe closes."""
    # Ctrl-C reaches the whole process group; the producer decides, the worker just stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _quiet(scratch)
    tempfile.tempdir = scratch
    threading.Thread(target=_leave_with, args=(parent, scratch), daemon=True).start()
    try:
        _answer(engine_name, settings, threads, conn)
    finally:
        # Usually the producer removes it; not when it was killed.
        shutil.rmtree(scratch, ignore_errors=True)


def _answer(engine_name: str, settings: EngineSettings, threads: int, conn: Connection) -> None:
    try:
        engine = create_engine(engine_name, settings, threads=threads)
    except Exception as exc:
        _answer_forever(conn, _reportable(exc))
        return
    while True:
        try:
            request: Request[Any] | None = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        answer: tuple[str, Any]
        try:
            answer = ("ok", request.run(engine))
        except Exception as exc:  # anything the engine raises: report, don't die
            answer = ("error", _reportable(exc))
        if not _send(conn, answer):
            return  # the producer has gone (finished, interrupted or killed)


def _quiet(scratch: str) -> None:
    """Send the worker's stdout nowhere (pyttsx3 and native libraries print there) and its
    stderr (warnings, a crash's last words) to a log in its scratch folder."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    log = os.open(os.path.join(scratch, WORKER_LOG), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 2)
    os.close(log)


def _leave_with(parent: int, scratch: str) -> None:
    """Exit when the producer is gone, even in the middle of a sentence, taking the scratch
    folder along (a killed producer can neither stop its workers nor remove their files)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    shutil.rmtree(scratch, ignore_errors=True)
    os._exit(0)


def _reportable(exc: Exception) -> Article2PodcastError:
    """`exc` as the producer can receive and report it."""
    if isinstance(exc, Article2PodcastError):
        return exc
    return EngineFailure(f"{type(exc).__name__}: {exc}")


def _send(conn: Connection, answer: tuple[str, Any]) -> bool:
    """Send `answer`; False when the producer has gone."""
    try:
        conn.send(answer)
    except OSError:
        return False
    except Exception as exc:  # an answer that cannot be pickled: say why instead
        failure = EngineFailure(f"the engine's answer could not be sent: {exc}")
        return _send(conn, ("error", failure))
    return True


def _answer_forever(conn: Connection, error: Exception) -> None:
    """The engine could not start: answer every request with why."""
    while True:
        try:
            if conn.recv() is None:
                return
        except (EOFError, OSError):
            return
        if not _send(conn, ("error", error)):
            return
