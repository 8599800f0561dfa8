"""Voices: which voice each role gets, checked against the engine before anything is narrated."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from ..errors import InputError, UnknownVoiceError
from ..model import ROLES, Role, Voice, VoiceSettings
from ..reading.language import language_name
from .engines import Engine, EngineSettings
from .proxy import START_TIMEOUT_S, EngineProcess

Voices = dict[Role, str | None]
"""The engine voice id of each role (None: the engine's default voice)."""


def list_voices(
    engine_name: str, options: EngineSettings = None
) -> list[Voice]:
    """The voices the engine offers, asked of the engine in its own process."""
    with EngineProcess(engine_name, options) as engine:
        return engine.voices()


def resolve_voices(
    engine: Engine, requested: Mapping[Role, str | None], language: str = "en"
) -> Voices:
    """The voice of each role: the one asked for, else the engine's default for the role in
    the article's `language` (BCP 47); InputError, naming the language, when the engine has
    none for it and no voice was asked for.

    Every voice is checked before anything is narrated: pyttsx3 would accept an unknown one
    silently and read the whole article in its default voice.
    """
    defaults = engine.role_voices(language)
    speechless = defaults.get("narrator") is None and not requested.get("narrator")
    if speechless and not language.lower().startswith("en"):
        raise InputError(
                f"the article is in {language_name(language)}, for which {_speaker(engine)} "
                "has no voice; choose a voice with --voice (list them with --voices), or give "
                "--language CODE if it is in another language"
            )
    resolved: Voices = {role: requested.get(role) or defaults.get(role) for role in ROLES}
    for voice in dict.fromkeys(v for v in resolved.values() if v is not None):
        check_voice(engine, voice)
    return resolved


def _speaker(engine: Engine) -> str:
    if engine.name == "pyttsx3" and sys.platform.startswith("linux"):
        return "espeak-ng"
    return f"the {engine.name} engine"


def check_voice(engine: Engine, voice: str) -> None:
    """Reject a voice the engine does not have, naming the valid ones.

    A voice is named by its id or its name, in any case; an espeak-ng variant suffix such as
    `+f3` may follow (the engine checks it when it first speaks with it).
    """
    voices = engine.voices()
    base = voice.partition("+")[0].lower()
    if not any(base in (known.id.lower(), known.name.lower()) for known in voices):
        raise UnknownVoiceError(voice, [known.id for known in voices])
    test = VoiceSettings(voice=voice)
    if isinstance(engine, EngineProcess):
        engine.synthesize("Test.", test, timeout=START_TIMEOUT_S)
    else:
        engine.synthesize("Test.", test)
