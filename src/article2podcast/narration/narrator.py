"""Narrating: every utterance through the engine, in a worker process, each clip checked.

The engine lives in its own process so that a native crash (pyttsx3 has segfaulted on long
text), a hang or stray output on stdout cannot harm the producer. A clip that fails or does
not look like speech of its text is tried once more with a fresh worker; a second failure
stops the episode with a message naming the segment, rather than leaving a hole in it.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import functools
import importlib
import multiprocessing
import multiprocessing.util  # its exit handler is registered now, before ours (see below)
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from typing import Any

from pydub import AudioSegment

from ..audio.loudness import CLIP_TARGET_LUFS, clip_gain_db
from ..audio.mixing import KEEP_MS, SILENCE_THRESHOLD_DBFS, trim
from ..environment import environment
from ..errors import Article2PodcastError, InputError, NarrationError, UnknownVoiceError
from ..model import ROLES, Clip, Role, Script, Utterance, Voice, VoiceSettings
from ..programs import last_lines
from ..scripting.speakable import has_words
from .clipcache import ClipCache, clip_key
from .engines import EngineOptions, create_engine

Voices = dict[Role, str | None]
"""The engine voice id of each role (None: the engine's default voice)."""

ATTEMPTS = 2
_START_TIMEOUT_S = 60.0
# Generous: espeak-ng speaks a sentence in milliseconds; a slow engine gets a second per 10 chars.
_BASE_TIMEOUT_S = 30.0
_TIMEOUT_S_PER_CHAR = 0.1
TIMEOUT_ENV = "ARTICLE2PODCAST_ENGINE_TIMEOUT"
"""Seconds an engine may take on one utterance before it counts as hung (for slow engines and
machines; the default allows 30 s plus 0.1 s per character)."""
# A clip must last at least this share of the time its words take at the nominal rate, and at
# most this many times it (numbers and symbols make more words than they look).
_MIN_DURATION_SHARE = 0.3
_MAX_DURATION_FACTOR = 6.0
_MAX_DURATION_SLACK_S = 3.0
_CHARS_PER_SPELLED_WORD = 3
_SILENT_DBFS = -60.0
# Speech peaks well above its average (a sine, the fake engine's voice, by 3 dB); a constant
# level or a clip pinned at full scale does not.
_MIN_CREST_FACTOR = 1.2
# A silence inside a sentence longer than this would fail the episode's own check (which allows
# the longest pause and a second); speech pauses for well under a second.
_MAX_INNER_SILENCE_S = 2.0
_SILENCE_WINDOW_MS = 50
_SILENT_PEAK = round(32768 * 10 ** (SILENCE_THRESHOLD_DBFS / 20))
"""The level below which a 16-bit sample is silence (as trimming hears it)."""
_CLIPS_AHEAD_PER_JOB = 4
CLIP_PROCESSING = {
    "version": 2,  # 2: a new espeak-ng worker's first clip is no longer at the wrong rate
    "trim_dbfs": SILENCE_THRESHOLD_DBFS,
    "keep_ms": KEEP_MS,
    "level_lufs": CLIP_TARGET_LUFS,
}
"""How a clip is processed after the engine speaks it: part of its cache key."""


class EngineFailure(NarrationError):
    """The worker crashed, hung, or the engine raised something unexpected."""


@dataclass(frozen=True)
class _Request:
    method: str
    args: tuple[Any, ...]


class EngineProcess:
    """An engine running in a worker process of its own."""

    def __init__(
        self, engine_name: str, options: EngineOptions | None = None, *, start: bool = True
    ) -> None:
        self.engine_name = engine_name
        self.options = dict(options or {})
        self._context = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._conn: Connection | None = None
        self._scratch: str | None = None
        self._stop_lock = threading.Lock()
        self._killed = False
        self.default_rate = 0
        if start:
            self.start()

    def start(self) -> None:
        # The engine's scratch files go in a folder the producer owns and removes, so that a
        # worker that is killed or crashes leaves nothing behind.
        self._scratch = tempfile.mkdtemp(prefix="article2podcast-engine-")
        parent, child = self._context.Pipe()
        self._conn = parent
        self._process = self._context.Process(
            target=_serve,
            args=(self.engine_name, self.options, child, self._scratch, os.getpid()),
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
            self.default_rate = self.call("default_rate", timeout=_START_TIMEOUT_S)
        except BaseException as exc:
            child.close()
            self.kill()  # it has failed, or we are interrupted: no grace
            self.stop()
            if isinstance(exc, EngineFailure):
                raise EngineFailure(
                    f"the {self.engine_name} speech engine could not start: {exc}"
                ) from exc
            raise

    def call(self, method: str, *args: Any, timeout: float) -> Any:
        """Call `method` on the engine in the worker; our own errors come back as they were."""
        conn, process = self._conn, self._process
        if conn is None or process is None:
            raise EngineFailure("the engine process has been stopped")
        try:
            conn.send(_Request(method, args))
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
        return payload

    def _last_words(self) -> str:
        """The last line the worker wrote on its stderr (kept in its log), if any."""
        if self._scratch is None:
            return ""
        try:
            with open(os.path.join(self._scratch, _WORKER_LOG), "rb") as log:
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


_GRACE_S = 0.5
"""How long a worker told to stop, or seen to die, is waited for before it is killed."""
_WORKER_LOG = "worker-stderr.log"
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


def _serve(
    engine_name: str, options: EngineOptions, conn: Connection, scratch: str, parent: int
) -> None:
    """The worker's loop: answer requests until told to stop (None) or the pipe closes.

    Whatever goes wrong in here goes back to the producer as an answer, or, for a crash, to a
    log the producer reads; the worker never writes on the user's terminal.
    """
    # Ctrl-C reaches the whole process group; the producer decides, the worker just stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _quiet(scratch)
    tempfile.tempdir = scratch
    threading.Thread(target=_leave_with, args=(parent, scratch), daemon=True).start()
    try:
        _answer(engine_name, options, conn)
    finally:
        # Usually the producer removes it; not when it was killed.
        shutil.rmtree(scratch, ignore_errors=True)


def _answer(engine_name: str, options: EngineOptions, conn: Connection) -> None:
    try:
        engine = create_engine(engine_name, options)
    except Exception as exc:
        _answer_forever(conn, _reportable(exc))
        return
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        answer: tuple[str, Any]
        try:
            if request.method == "narrate":
                answer = ("ok", _speak_checked(engine, *request.args))
            else:
                attribute = getattr(engine, request.method)
                answer = ("ok", attribute(*request.args) if callable(attribute) else attribute)
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
    log = os.open(os.path.join(scratch, _WORKER_LOG), os.O_WRONLY | os.O_CREAT | os.O_APPEND)
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


def list_voices(engine_name: str, options: EngineOptions | None = None) -> list[Voice]:
    """The voices the engine offers, asked of the engine in its own process."""
    with EngineProcess(engine_name, options) as engine:
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


class Narrator:
    """Narrates a script with up to `jobs` engine workers at once, each clip taken from the
    cache when it is there and put in it when it is made; clips come back in order."""

    def __init__(
        self,
        engine_name: str,
        jobs: int,
        cache: ClipCache,
        options: EngineOptions | None = None,
    ) -> None:
        self.engine_name = engine_name
        self.jobs = max(1, jobs)
        cores = os.cpu_count() or 1
        # Each worker gets its share of the cores (a neural engine uses all it is given).
        self.options = {"threads": str(max(1, cores // self.jobs)), **(options or {})}
        self.cache = cache
        self._first = EngineProcess(engine_name, self.options)  # for the voices; narrates too
        self._engines = [self._first]
        self._idle: queue.SimpleQueue[EngineProcess | BaseException] = queue.SimpleQueue()
        self._idle.put(self._first)
        self._count = 1  # engines running or starting
        self._lock = threading.Lock()
        self._closing = False
        self._retiring: list[threading.Thread] = []
        self.fingerprint: str = self._first.call("fingerprint", timeout=_START_TIMEOUT_S)
        self.default_rate = self._first.default_rate
        self.narrated = 0
        """How many clips the engine had to make (the rest came from the cache)."""

    def resolve_voices(self, requested: Mapping[Role, str | None]) -> Voices:
        return resolve_voices(self._first, requested)

    def clip_key(self, text: str, voice: str | None, rate: int) -> str:
        """The cache key of `text` read in `voice` at `rate`."""
        return clip_key(
            {
                "engine": self.engine_name,
                "engine_version": self.fingerprint,
                "voice": voice,
                "rate": rate,
                "text": text,
                "processing": CLIP_PROCESSING,
            }
        )

    def clips(
        self,
        script: Script,
        utterances: Sequence[Utterance],
        voices: Voices,
        rate: int | None,
        on_segment: Callable[[], None] = lambda: None,
    ) -> Generator[Clip | None, None, None]:
        """One clip per utterance, in order (None where there is no word to say).

        At most a few clips per worker wait in memory, whatever the length of the script.
        """
        rate = rate or self.default_rate
        keys = [
            self.clip_key(u.text, voices[u.role], rate) if has_words(u.text) else None
            for u in utterances
        ]
        missing = sum(1 for key in keys if key is not None and not self.cache.has(key))
        if missing:
            _preload_loudness_meter()
            for _ in range(min(self.jobs, missing) - 1):
                self._start_engine_in_background()
        window: collections.deque[tuple[str | None, Future[Clip] | Clip | None]]
        window = collections.deque()
        limit = self.jobs * _CLIPS_AHEAD_PER_JOB
        making: dict[str, Future[Clip]] = {}  # the same sentence twice in the window: once

        def next_clip() -> Clip | None:
            key, item = window.popleft()
            if key is not None and making.get(key) is item:
                del making[key]
            return _result(item)

        with ThreadPoolExecutor(self.jobs, thread_name_prefix="narrator") as pool:
            try:
                for index, (utterance, key) in enumerate(zip(utterances, keys, strict=True)):
                    item: Future[Clip] | Clip | None = making.get(key) if key else None
                    if item is None:
                        item = self._clip(pool, key, script, utterance, voices, rate)
                        if key is not None and isinstance(item, Future):
                            making[key] = item
                    window.append((key, item))
                    while len(window) > limit:
                        yield next_clip()
                        self._done(utterances, index - len(window), on_segment)
                while window:
                    yield next_clip()
                    self._done(utterances, len(utterances) - len(window) - 1, on_segment)
            finally:
                self._cancel([item for _, item in window])
        self._retire_idle()  # narration is over: let the workers go while the encoder ends

    def _clip(
        self,
        pool: ThreadPoolExecutor,
        key: str | None,
        script: Script,
        utterance: Utterance,
        voices: Voices,
        rate: int,
    ) -> Future[Clip] | Clip | None:
        if key is None:
            return None
        cached = self.cache.get(key)
        if cached is not None:
            if not clip_problem(_audio_of(cached), utterance.text, rate):
                return cached
            # A glitching engine (or a version without this check) stored a clip that is not
            # speech of its text: every run would fail on it, so it is made again.
            self.cache.discard(key)
        settings = VoiceSettings(voice=voices[utterance.role], rate=rate)
        return pool.submit(self._narrate, key, script, utterance, settings)

    def _narrate(
        self, key: str, script: Script, utterance: Utterance, settings: VoiceSettings
    ) -> Clip:
        engine = self._checkout()
        try:
            audio = _narrate_checked(engine, utterance.text, settings, script, utterance, self)
        finally:
            self._idle.put(engine)
        clip = finish_clip(audio)
        # Kept only if it would pass the check it gets when read back, so that what is cached
        # is never narrated again for nothing.
        if not clip_problem(_audio_of(clip), utterance.text, settings.rate or self.default_rate):
            self.cache.put(key, clip, utterance.text)
        with self._lock:
            self.narrated += 1
        return clip

    def _checkout(self) -> EngineProcess:
        """An idle engine, or a new one while there are fewer than `jobs`."""
        with self._lock:
            start = self._idle.empty() and self._count < self.jobs
            if start:
                self._count += 1
        if start:
            self._idle.put(self._new_engine())
        item = self._idle.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def _start_engine_in_background(self) -> None:
        with self._lock:
            if self._count >= self.jobs:
                return
            self._count += 1
        threading.Thread(target=lambda: self._idle.put(self._new_engine()), daemon=True).start()

    def _new_engine(self) -> EngineProcess | BaseException:
        engine = EngineProcess(self.engine_name, self.options, start=False)
        with self._lock:
            # Known before it starts, so that an interrupt meanwhile kills it too (see _cancel).
            self._engines.append(engine)
            if self._closing:
                engine.kill()
        try:
            engine.start()
        except Exception as exc:
            with self._lock:
                self._count -= 1
                if engine in self._engines:
                    self._engines.remove(engine)
            return exc
        return engine

    @property
    def closing(self) -> bool:
        return self._closing

    def _done(
        self, utterances: Sequence[Utterance], index: int, on_segment: Callable[[], None]
    ) -> None:
        following = index + 1
        if following == len(utterances) or (
            utterances[following].segment != utterances[index].segment
        ):
            on_segment()

    def _cancel(self, window: Sequence[Future[Clip] | Clip | None]) -> None:
        """Stop what is still being narrated (on an error or an interrupt)."""
        pending = [item for item in window if isinstance(item, Future) and not item.done()]
        if not pending:
            return
        self._closing = True
        for future in pending:
            future.cancel()
        with self._lock:
            engines = list(self._engines)
        for engine in engines:
            engine.kill()  # a thread waiting on it gets an answer at once

    def _retire_idle(self) -> None:
        """Stop the idle workers in the background (a new one starts if a clip is needed)."""
        idle: list[EngineProcess] = []
        while True:
            try:
                item = self._idle.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, EngineProcess):
                idle.append(item)
        with self._lock:
            self._count -= len(idle)
            self._engines = [engine for engine in self._engines if engine not in idle]
        thread = threading.Thread(target=_stop_all, args=(idle,), daemon=True)
        thread.start()
        self._retiring.append(thread)

    def close(self) -> None:
        self._closing = True
        with self._lock:
            engines, self._engines = self._engines, []
        _stop_all(engines)
        for thread in self._retiring:
            thread.join()

    def __enter__(self) -> Narrator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _stop_all(engines: Sequence[EngineProcess]) -> None:
    """Stop engines together: each is asked to stop before any is waited for."""
    for engine in engines:
        engine.ask_to_stop()
    for engine in engines:
        engine.stop()


@functools.cache
def _preload_loudness_meter() -> None:
    """Levelling clips needs pyloudnorm, whose scipy import takes about half a second: start
    it in the background as soon as there is something to narrate."""
    threading.Thread(target=importlib.import_module, args=("pyloudnorm",), daemon=True).start()


class _Cancelled(NarrationError):
    """The narration was stopped while this clip was being made."""


def _result(item: Future[Clip] | Clip | None) -> Clip | None:
    return item.result() if isinstance(item, Future) else item


def _speak_checked(engine: Any, text: str, settings: VoiceSettings, rate: int) -> AudioSegment:
    """In the worker: speak `text` and check that the clip sounds like speech of it."""
    audio: AudioSegment = engine.synthesize(text, settings)
    problem = clip_problem(audio, text, rate)
    if problem:
        raise NarrationError(problem)
    return audio


def finish_clip(audio: AudioSegment) -> Clip:
    """A clip as the cache keeps it: trimmed of the engine's silence, and measured."""
    trimmed = trim(audio)
    return Clip(
        pcm=trimmed.raw_data,
        sample_rate=trimmed.frame_rate,
        sample_width=trimmed.sample_width,
        channels=trimmed.channels,
        gain_db=clip_gain_db(trimmed),
    )


def _audio_of(clip: Clip) -> AudioSegment:
    return AudioSegment(
        clip.pcm,
        sample_width=clip.sample_width,
        frame_rate=clip.sample_rate,
        channels=clip.channels,
    )


def _narrate_checked(
    engine: EngineProcess,
    text: str,
    settings: VoiceSettings,
    script: Script,
    utterance: Utterance,
    narrator: Narrator,
) -> AudioSegment:
    problem = ""
    rate = settings.rate or engine.default_rate
    for attempt in range(ATTEMPTS):
        if narrator.closing:
            raise _Cancelled("narration stopped")
        try:
            if attempt or not engine.alive:
                engine.restart()
            clip: AudioSegment = engine.call(
                "narrate",
                text,
                settings,
                rate,
                timeout=_timeout(text),
            )
            return clip
        except NarrationError as exc:  # a crash, a hang, or a clip that is not speech
            problem = str(exc)
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
    if clip.max < _MIN_CREST_FACTOR * clip.rms:
        return "the clip is one constant or clipped level, not speech"
    inner_silence = _longest_inner_silence_s(clip)
    if inner_silence > _MAX_INNER_SILENCE_S:
        return f"the clip is silent for {inner_silence:.1f} s between its sounds"
    if seconds < _MIN_DURATION_SHARE * words * 60.0 / rate:
        return f"the clip lasts {seconds:.2f} s, too short for {words} words"
    if seconds > _MAX_DURATION_FACTOR * spelled_words * 60.0 / rate + _MAX_DURATION_SLACK_S:
        return f"the clip lasts {seconds:.2f} s, too long for {len(text)} characters"
    return ""


def _longest_inner_silence_s(clip: AudioSegment) -> float:
    """The longest silence between the first and the last sound of `clip` (its edges are
    trimmed anyway), in windows where no sample reaches the silence level."""
    import numpy as np

    mono = clip.set_channels(1).set_sample_width(2)
    window = max(1, mono.frame_rate * _SILENCE_WINDOW_MS // 1000)
    samples = np.abs(np.frombuffer(mono.raw_data, dtype="<i2").astype(np.int32))
    whole = len(samples) // window * window
    if not whole:
        return 0.0
    loud = np.flatnonzero(samples[:whole].reshape(-1, window).max(axis=1) >= _SILENT_PEAK)
    if len(loud) < 2:
        return 0.0
    longest_gap = int(np.diff(loud).max()) - 1  # quiet windows between two loud ones
    return float(longest_gap * window / mono.frame_rate)


def _timeout(text: str) -> float:
    configured = environment().engine_timeout
    try:
        return (
            float(configured) if configured else _BASE_TIMEOUT_S + _TIMEOUT_S_PER_CHAR * len(text)
        )
    except ValueError:
        raise InputError(
            f"${TIMEOUT_ENV} must be a number of seconds, not {configured!r}"
        ) from None


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
