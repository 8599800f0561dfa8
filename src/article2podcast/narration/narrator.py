"""The narrator: a script's utterances through a pool of engine workers, with the clip cache.

Each clip is taken from the cache when it is there; otherwise a worker narrates it (see
`clips`: synthesized and checked in the worker, then finished here). A clip that fails, or
does not look like speech of its text, is tried once more with a fresh worker; a second failure
stops the episode with a message naming the segment, rather than leaving a hole in it.
"""

from __future__ import annotations

import collections
import queue
import threading
from collections.abc import Callable, Generator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from ..errors import NarrationError
from ..model import Clip, Role, Script, Utterance, VoiceSettings
from ..scripting.speakable import has_words
from . import prestart, warm
from .clipcache import ClipCache, clip_key
from .clips import CLIP_PROCESSING, audio_of, clip_problem, finish_clip
from .engines import EngineSettings, Timed
from .listenback import Listener, Takes
from .proxy import TIMEOUT_ENV, EngineProcess
from .voices import Voices, check_voice, list_voices, resolve_voices
from .worker import EngineFailure

__all__ = [  # what the producer, the command line and the tests import from here
    "ATTEMPTS",
    "CLIP_PROCESSING",
    "TIMEOUT_ENV",
    "EngineFailure",
    "EngineProcess",
    "Narrator",
    "Voices",
    "check_voice",
    "clip_problem",
    "finish_clip",
    "list_voices",
    "resolve_voices",
]

ATTEMPTS = 2
_CLIPS_AHEAD_PER_JOB = 4


class Narrator:
    """Narrates a script with up to `jobs` engine workers at once, each clip taken from the
    cache when it is there and put in it when it is made; clips come back in order."""

    def __init__(
        self,
        engine_name: str,
        jobs: int,
        cache: ClipCache,
        options: EngineSettings = None,
        listener: Listener | None = None,
    ) -> None:
        self.engine_name = engine_name
        self.listener = listener
        """Listens to every clip and has those heard wrong redone (`--verify`), or None."""
        self.jobs = max(1, jobs)
        self.options = options
        self.threads = warm.threads_for(self.jobs)
        self.cache = cache
        self._first = self._engine()  # for the voices; narrates too
        self._engines = [self._first]
        self._idle: queue.SimpleQueue[EngineProcess | BaseException] = queue.SimpleQueue()
        self._idle.put(self._first)
        self._count = 1  # engines running or starting
        self._lock = threading.Lock()
        self._closing = False
        self._cancelled = False
        self._retiring: list[threading.Thread] = []
        self.fingerprint = self._first.fingerprint()
        self.default_rate = self._first.default_rate
        self.narrated = 0
        """How many clips the engine had to make (the rest came from the cache)."""

    def resolve_voices(self, requested: Mapping[Role, str | None], language: str = "en") -> Voices:
        return resolve_voices(self._first, requested, language, fingerprint=self.fingerprint)

    def _engine(self, *, start: bool = True) -> EngineProcess:
        kept = warm.take(self._kind) or prestart.take(self._kind)
        if kept is not None:
            return kept
        return EngineProcess(
            self.engine_name,
            self.options,
            threads=self.threads,
            start=start,
            scratch_in=warm.keeping(),
        )

    @property
    def _kind(self) -> str:
        """Which engines are alike enough to be kept for another run (see `warm`)."""
        return warm.kind_of(self.engine_name, self.options, self.threads)

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

    @property
    def redone(self) -> int:
        """How many clips were narrated again after listening back."""
        return self.listener.redone if self.listener else 0

    def clips(
        self,
        script: Script,
        utterances: Sequence[Utterance],
        voices: Voices,
        rate: int | None,
        on_segment: Callable[[], None] = lambda: None,
        *,
        needed: Sequence[bool] | None = None,
    ) -> Generator[Clip | None, None, None]:
        """One clip per utterance, in order (None where there is no word to say, or where
        `needed` says the clip is not needed), each listened to first with --verify.

        At most a few clips per worker wait in memory, whatever the length of the script.
        """
        rate = rate or self.default_rate
        made = self._clips(script, utterances, voices, rate, on_segment, needed)
        if self.listener is None:
            return made
        return self.listener.listen(made, Takes(self, script, utterances, voices, rate))

    def _clips(
        self,
        script: Script,
        utterances: Sequence[Utterance],
        voices: Voices,
        rate: int,
        on_segment: Callable[[], None],
        needed: Sequence[bool] | None = None,
    ) -> Generator[Clip | None, None, None]:
        keys = [
            self.clip_key(u.text, voices[u.role], rate)
            if has_words(u.text) and (needed is None or needed[i])
            else None
            for i, u in enumerate(utterances)
        ]
        missing = sum(1 for key in keys if key is not None and not self.cache.has(key))
        if missing:
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
            if not clip_problem(audio_of(cached), utterance.text, rate):
                return cached
            # A glitching engine (or a version without this check) stored a clip that is not
            # speech of its text: every run would fail on it, so it is made again.
            self.cache.discard(key)
        settings = VoiceSettings(voice=voices[utterance.role], rate=rate)
        return pool.submit(self._narrate, key, script, utterance, settings)

    def _narrate(
        self, key: str, script: Script, utterance: Utterance, settings: VoiceSettings
    ) -> Clip:
        clip = self.take(script, utterance, settings)
        # Kept only if it would pass the check it gets when read back, so that what is cached
        # is never narrated again for nothing.
        if not clip_problem(audio_of(clip), utterance.text, settings.rate or self.default_rate):
            self.cache.put(key, clip, utterance.text)
        with self._lock:
            self.narrated += 1
        return clip

    def take(self, script: Script, utterance: Utterance, settings: VoiceSettings) -> Clip:
        """A take of `utterance` by an engine, finished (not cached)."""
        engine = self._checkout()
        try:
            spoken = _narrate_checked(engine, utterance.text, settings, script, utterance, self)
        finally:
            self._idle.put(engine)
        return finish_clip(spoken.audio, spoken.words, spoken.words_from)

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
        engine = self._engine(start=False)
        with self._lock:
            # Known before it starts, so that an interrupt meanwhile kills it too (see _cancel).
            self._engines.append(engine)
            if self._closing:
                engine.kill()
        try:
            if not engine.alive:  # a kept engine is running already
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
        self._closing = self._cancelled = True
        for future in pending:
            future.cancel()
        with self._lock:
            engines = list(self._engines)
        for engine in engines:
            engine.kill()  # a thread waiting on it gets an answer at once

    def _retire_idle(self) -> None:
        """Stop the idle workers in the background (a new one starts if a clip is needed), or
        keep them for the process's next run when engines are kept (see `warm`)."""
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
        idle = [engine for engine in idle if not warm.give_back(self._kind, engine)]
        thread = threading.Thread(target=_stop_all, args=(idle,), daemon=True)
        thread.start()
        self._retiring.append(thread)

    def close(self) -> None:
        self._closing = True
        with self._lock:
            engines, self._engines = self._engines, []
        if not self._cancelled:  # a healthy engine may be kept for the next run
            engines = [engine for engine in engines if not warm.give_back(self._kind, engine)]
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


class _Cancelled(NarrationError):
    """The narration was stopped while this clip was being made."""


def _result(item: Future[Clip] | Clip | None) -> Clip | None:
    return item.result() if isinstance(item, Future) else item


def _narrate_checked(
    engine: EngineProcess,
    text: str,
    settings: VoiceSettings,
    script: Script,
    utterance: Utterance,
    narrator: Narrator,
) -> Timed:
    """The retry policy: `utterance` narrated by `engine` (synthesized and checked in its
    worker), once more with a fresh worker if that fails; a second failure names the sentence."""
    problem = ""
    for attempt in range(ATTEMPTS):
        if narrator.closing:
            raise _Cancelled("narration stopped")
        try:
            if attempt or not engine.alive:
                engine.restart()
            return engine.narrate(text, settings)
        except NarrationError as exc:  # a crash, a hang, or a clip that is not speech
            problem = str(exc)
    segment = script.segments[utterance.segment]
    raise NarrationError(
        f"segment {utterance.segment + 1} ({segment.kind}), sentence {utterance.sentence + 1}, "
        f"failed twice: {problem}; text: {_excerpt(utterance.text)!r}"
    )


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
