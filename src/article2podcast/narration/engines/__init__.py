"""Speech engines: one small interface, found through a registry.

An engine turns text into audio with given voice settings and lists its voices. Engines run
inside a worker process (see `narrating`), so a crash in a native speech library cannot take
the producer down with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...errors import InputError

if TYPE_CHECKING:
    from pydub import AudioSegment

    from ...model import Voice, VoiceSettings


class Engine(Protocol):
    """A text-to-speech engine."""

    name: str
    default_rate: int
    """The speaking rate (words per minute) the engine uses when none is given."""

    def synthesize(self, text: str, settings: VoiceSettings) -> AudioSegment:
        """Speak `text` and return the audio."""
        ...

    def voices(self) -> list[Voice]:
        """The voices this engine offers on this machine."""
        ...

    def fingerprint(self) -> str:
        """What, besides the voice, rate and text, decides how this engine sounds here (its
        version and its speech library's): part of every cached clip's key."""
        ...

    def role_voices(self) -> dict[str, str | None]:
        """Default voices for the narrator, quote and host roles, chosen to sound different
        from each other on this machine (None: the engine's default voice)."""
        ...


@dataclass(frozen=True, kw_only=True)
class PiperSettings:
    """What only the Piper engine is told (the shared settings know nothing of it)."""

    model: Path | None = None
    """A Piper voice file (.onnx, its .onnx.json beside it); None for the bundled voice."""


EngineOptions = Mapping[str, str]
"""What an engine is told besides its name: `model` (a voice file, for Piper) and `threads`
(how many cores one engine may use, so that workers do not fight over them)."""


def _pyttsx3(options: EngineOptions) -> Engine:
    from .pyttsx3_engine import Pyttsx3Engine

    return Pyttsx3Engine()


def _piper(options: EngineOptions) -> Engine:
    from .piper_engine import PiperEngine

    return PiperEngine(model=options.get("model"), threads=int(options.get("threads", "0")))


def _fake(options: EngineOptions) -> Engine:
    from .fake import FakeEngine

    return FakeEngine()


ENGINES: dict[str, Callable[[EngineOptions], Engine]] = {
    "pyttsx3": _pyttsx3,
    "piper": _piper,
    "fake": _fake,
}
DEFAULT_ENGINE = "pyttsx3"


def package_version(distribution: str) -> str:
    """An installed package's version, for an engine's fingerprint ('?' if unknown)."""
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def create_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """Make the engine called `name` (call this inside the worker process)."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise InputError(
            f"unknown engine {name!r}; choose one of: {', '.join(sorted(ENGINES))}"
        ) from None
    return factory(options or {})
