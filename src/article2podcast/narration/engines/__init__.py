"""Speech engines: one small interface, found through a registry.

An engine turns text into audio with given voice settings and lists its voices. Engines run
inside a worker process (see `narration.worker`), so a crash in a native speech library cannot
take the producer down with it; the worker's proxy implements this same interface.

The registry leaves out an engine whose optional dependency is not installed, and asking for
it says how to install it, as httpx does with its optional decoders.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    from pydub import AudioSegment

    from ...model import Voice, VoiceSettings, WordTime


@dataclass(frozen=True)
class Timed:
    """An utterance as an engine spoke it, with each word's time where the engine can tell."""

    audio: AudioSegment
    """The audio, untrimmed (with the engine's own silence around it)."""
    words: tuple[WordTime, ...] = ()
    """Each spoken word in order, in ms from the start of `audio`; () when not known."""
    words_from: str = ""
    """"engine" when the engine timed them, "estimate" when they were worked out from what
    it said and where it was silent; '' for no words."""


class Engine(Protocol):
    """A text-to-speech engine."""

    name: str
    default_rate: int
    """The speaking rate (words per minute) the engine uses when none is given."""

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        """Speak `text` and return the audio."""
        ...

    def synthesize_timed(self, text: str, settings: VoiceSettings) -> Timed:
        """Speak `text` and say when each word is heard; an engine that cannot tell (the
        answer of one that subclasses `Engine` and does not say otherwise) gives no words."""
        return Timed(self.synthesize(text, settings))

    def voices(self) -> list[Voice]:
        """The voices this engine offers on this machine."""
        ...

    def fingerprint(self) -> str:
        """What, besides the voice, rate and text, decides how this engine sounds here (its
        version and its speech library's): part of every cached clip's key."""
        ...

    def role_voices(self, language: str = "en") -> dict[str, str | None]:
        """Default voices for the narrator, quote and host roles that speak `language` (BCP
        47), chosen to sound different from each other on this machine (None: the engine's
        default voice; a narrator of None for a language other than English: it has none)."""
        ...

    def pronunciations(self, words: list[str], voice: str | None = None) -> dict[str, str]:
        """How the engine will say each word, in IPA; {} for an engine that cannot tell (the
        answer of an engine that subclasses `Engine` and does not say otherwise)."""
        return {}


@dataclass(frozen=True, kw_only=True)
class PiperSettings:
    """What only the Piper engine is told (the shared settings know nothing of it)."""

    model: Path | None = None
    """A Piper voice file (.onnx, its .onnx.json beside it); None for the bundled voice."""


EngineSettings = PiperSettings | None
"""An engine's own settings: Piper's, or None (the only engine with settings of its own)."""

EngineFactory = Callable[[EngineSettings, int], Engine]
"""Makes an engine from its own settings and how many cores it may use (0: its default)."""

PIPER_INSTALL = "pip install 'article2podcast[piper]'"
PIPER_MISSING = (
    f"the piper engine is not installed; install it with {PIPER_INSTALL!r} "
    "(scripts/produce --engine piper does this for you)"
)


def _pyttsx3(settings: EngineSettings, threads: int) -> Engine:
    from .pyttsx3_engine import Pyttsx3Engine

    return Pyttsx3Engine()


def _piper(settings: EngineSettings, threads: int) -> Engine:
    from .piper_engine import PiperEngine

    return PiperEngine(settings, threads=threads)


def _fake(settings: EngineSettings, threads: int) -> Engine:
    from .fake import FakeEngine

    return FakeEngine()


@dataclass(frozen=True)
class _Registration:
    factory: EngineFactory
    """Makes the engine (importing its speech library)."""
    needs: str | None = None
    """The module of its optional dependency, or None when it has none."""
    missing: str = ""
    """What to tell a user who asks for it without that module: the install command."""


_KNOWN: dict[str, _Registration] = {
    "pyttsx3": _Registration(_pyttsx3),
    "piper": _Registration(_piper, needs="piper", missing=PIPER_MISSING),
    "fake": _Registration(_fake),
}
ENGINE_NAMES: tuple[str, ...] = tuple(sorted(_KNOWN))
"""Every engine we know of, installed or not (for --engine's choices)."""
DEFAULT_ENGINE = "pyttsx3"


def _installed(module: str | None) -> bool:
    if module is None:
        return True
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def available_engines() -> dict[str, EngineFactory]:
    """The engines that can run here: those whose optional dependency is installed."""
    return {name: known.factory for name, known in _KNOWN.items() if _installed(known.needs)}


ENGINES: dict[str, EngineFactory] = available_engines()
"""The registry, as found when this module was imported."""


def engine_factory(name: str) -> EngineFactory:
    """The factory of the engine called `name`; InputError for a name we do not know,
    MissingDependencyError (with the install command) for one that is not installed."""
    known = _KNOWN.get(name)
    if known is None:
        raise InputError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
    factory = available_engines().get(name)
    if factory is None:
        raise MissingDependencyError(known.missing)
    return factory


def package_version(distribution: str) -> str:
    """An installed package's version, for an engine's fingerprint ('?' if unknown)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def create_engine(
    name: str, settings: EngineSettings = None, *, threads: int = 0
) -> Engine:
    """Make the engine called `name` (call this inside the worker process); `threads` is how
    many cores it may use (0: as many as it likes)."""
    return engine_factory(name)(settings, threads)
