"""Narrating: every utterance through the engine, in a worker process, each clip checked.

The engine lives in its own process so that a native crash (pyttsx3 has segfaulted on long
text), a hang or stray output on stdout cannot harm the producer. A clip that fails or does
not look like speech of its text is tried once more with a fresh worker; a second failure
stops the episode with a message naming the segment, rather than leaving a hole in it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from pydub import AudioSegment

from .engines import create_engine
from .errors import Article2PodcastError, NarrationError, UnknownVoiceError
from .model import ROLES, Role, Script, Utterance, Voice, VoiceSettings
from .speakable import has_words

Voices = dict[Role, str | None]
"""The engine voice id of each role (None: the engine's default voice)."""

ATTEMPTS = 2
_START_TIMEOUT_S = 60.0
# Generous: espeak-ng speaks a sentence in milliseconds; a slow engine gets a second per 10 chars.
_BASE_TIMEOUT_S = 30.0
_TIMEOUT_S_PER_CHAR = 0.1
# A clip must last at least this share of the time its words take at the nominal rate, and at
# most this many times it (numbers and symbols make more words than they look).
_MIN_DURATION_SHARE = 0.3
_MAX_DURATION_FACTOR = 6.0
_MAX_DURATION_SLACK_S = 3.0
_CHARS_PER_SPELLED_WORD = 3
_SILENT_DBFS = -60.0


class EngineFailure(NarrationError):
    """The worker crashed, hung, or the engine raised something unexpected."""


@dataclass(frozen=True)
class _Request:
    method: str
    args: tuple[Any, ...]


class EngineProcess:
    """An engine running in a worker process of its own."""

    def __init__(self, engine_name: str) -> None:
        self.engine_name = engine_name
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._scratch: str | None = None
        self.default_rate = 0
        self.start()

    def start(self) -> None:
        # The engine's scratch files go in a folder the producer owns and removes, so that a
        # worker that is killed or crashes leaves nothing behind.
        self._scratch = tempfile.mkdtemp(prefix="article2podcast-engine-")
        parent, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_serve,
            args=(self.engine_name, child, self._scratch),
            daemon=True,
            name="article2podcast-engine",
        )
        self._process.start()
        child.close()
        self._conn = parent
        try:
            self.default_rate = self.call("default_rate", timeout=_START_TIMEOUT_S)
        except BaseException as exc:
            self.stop()
            if isinstance(exc, EngineFailure):
                raise EngineFailure(
                    f"the {self.engine_name} speech engine could not start: {exc}"
                ) from exc
            raise

    def call(self, method: str, *args: Any, timeout: float) -> Any:
        """Call `method` on the engine in the worker; our own errors come back as they were."""
        assert self._conn is not None
        try:
            self._conn.send(_Request(method, args))
            ready = self._conn.poll(timeout)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            ready = True  # the worker is gone; recv below reports how
        if not ready:
            self.stop()
            raise EngineFailure(f"the engine did not answer within {timeout:.0f} s")
        try:
            status, payload = self._conn.recv()
        except (EOFError, ConnectionResetError) as exc:
            self._process.join(5)
            code = self._process.exitcode
            how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
            self.stop()
            raise EngineFailure(f"the engine process died ({how})") from exc
        if status == "error":
            raise payload
        return payload

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
                self._conn.send(None)
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(2)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._process = None
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> EngineProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _serve(engine_name: str, conn: Connection, scratch: str) -> None:
    """The worker's loop: answer requests until told to stop (None) or the pipe closes."""
    tempfile.tempdir = scratch
    # Ctrl-C reaches the whole process group; the producer decides, the worker just stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pyttsx3 and native libraries print on stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    try:
        engine = create_engine(engine_name)
    except Article2PodcastError as exc:
        _answer_forever(conn, exc)
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            attribute = getattr(engine, request.method)
            answer = ("ok", attribute(*request.args) if callable(attribute) else attribute)
        except Article2PodcastError as exc:
            answer = ("error", exc)
        except Exception as exc:  # anything else the engine raises: report, don't die
            answer = ("error", EngineFailure(f"{type(exc).__name__}: {exc}"))
        try:
            conn.send(answer)
        except OSError:
            return  # the producer has gone (finished, interrupted or killed)


def _answer_forever(conn: Connection, error: Exception) -> None:
    """The engine could not start: answer every request with why."""
    while True:
        try:
            if conn.recv() is None:
                return
            conn.send(("error", error))
        except (EOFError, OSError):
            return


def list_voices(engine_name: str) -> list[Voice]:
    """The voices the engine offers, asked of the engine in its own process."""
    with EngineProcess(engine_name) as engine:
        voices: list[Voice] = engine.call("voices", timeout=_START_TIMEOUT_S)
        return voices


def resolve_voices(engine: EngineProcess, requested: Mapping[Role, str | None]) -> Voices:
    """The voice of each role: the one asked for, else the engine's default for the role.

    Every voice is checked before anything is narrated: pyttsx3 would accept an unknown one
    silently and read the whole article in its default voice.
    """
    defaults: dict[str, str | None] = engine.call("role_voices", timeout=_START_TIMEOUT_S)
    resolved: Voices = {role: requested.get(role) or defaults.get(role) for role in ROLES}
    for voice in dict.fromkeys(v for v in resolved.values() if v is not None):
        check_voice(engine, voice)
    return resolved


def check_voice(engine: EngineProcess, voice: str) -> None:
    """Reject a voice the engine does not have, naming the valid ones.

    A voice is named by its id or its name, in any case; an espeak-ng variant suffix such as
    `+f3` may follow (the engine checks it when it first speaks with it).
    """
    voices: list[Voice] = engine.call("voices", timeout=_START_TIMEOUT_S)
    base = voice.partition("+")[0].lower()
    if not any(base in (known.id.lower(), known.name.lower()) for known in voices):
        raise UnknownVoiceError(voice, [known.id for known in voices])
    engine.call("synthesize", "Test.", VoiceSettings(voice=voice), timeout=_START_TIMEOUT_S)


def narrate(
    engine: EngineProcess,
    script: Script,
    utterances: Sequence[Utterance],
    voices: Voices,
    rate: int | None,
    on_clip: Callable[[], None] = lambda: None,
) -> Generator[AudioSegment, None, None]:
    """Yield one checked clip per utterance, in order (an empty clip where there is no word)."""
    rate = rate or engine.default_rate
    for utterance in utterances:
        text = utterance.text  # already speakable: the script's pieces are the spoken form
        if not has_words(text):
            clip = AudioSegment.empty()
        else:
            settings = VoiceSettings(voice=voices[utterance.role], rate=rate)
            clip = _narrate_checked(engine, text, settings, script, utterance)
        on_clip()
        yield clip


def _narrate_checked(
    engine: EngineProcess,
    text: str,
    settings: VoiceSettings,
    script: Script,
    utterance: Utterance,
) -> AudioSegment:
    problem = ""
    for attempt in range(ATTEMPTS):
        try:
            if attempt:
                engine.restart()
            clip: AudioSegment = engine.call(
                "synthesize",
                text,
                settings,
                timeout=_BASE_TIMEOUT_S + _TIMEOUT_S_PER_CHAR * len(text),
            )
        except NarrationError as exc:  # a crash, a hang, or a clip the engine could not make
            problem = str(exc)
            continue
        problem = clip_problem(clip, text, settings.rate or engine.default_rate)
        if not problem:
            return clip
    segment = script.segments[utterance.segment]
    raise NarrationError(
        f"segment {utterance.segment + 1} ({segment.kind}), sentence {utterance.sentence + 1}, "
        f"failed twice: {problem}; text: {_excerpt(utterance.text)!r}"
    )


def clip_problem(clip: AudioSegment, text: str, rate: int) -> str:
    """What is wrong with `clip` as the reading of `text` at `rate` words per minute, or ''."""
    words = max(1, len(text.split()))
    # Engines spell out what they cannot read as words (a URL, a code), letter by letter.
    spelled_words = max(words, len(text) / _CHARS_PER_SPELLED_WORD)
    seconds = clip.duration_seconds
    if seconds <= 0:
        return "the engine returned no audio"
    if clip.dBFS < _SILENT_DBFS:
        return "the engine returned silence"
    if seconds < _MIN_DURATION_SHARE * words * 60.0 / rate:
        return f"the clip lasts {seconds:.2f} s, too short for {words} words"
    if seconds > _MAX_DURATION_FACTOR * spelled_words * 60.0 / rate + _MAX_DURATION_SLACK_S:
        return f"the clip lasts {seconds:.2f} s, too long for {len(text)} characters"
    return ""


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
