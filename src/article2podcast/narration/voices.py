"""Voices: which voice each role gets, checked against the engine before anything is narrated.

What the engine says of its voices (its list, its default voice of each role per language, that
a voice speaks) is kept in the machine cache under the engine's fingerprint, so that a run with
the same engine asks it nothing: asking took 0.1 s of every run of the sample (three requests
to the worker and a test sentence per voice).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from ..errors import InputError, UnknownVoiceError
from ..machinecache import cache_file, read_bytes, write_atomically
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
    engine: Engine,
    requested: Mapping[Role, str | None],
    language: str = "en",
    *,
    fingerprint: str | None = None,
) -> Voices:
    """The voice of each role: the one asked for, else the engine's default for the role in
    the article's `language` (BCP 47); InputError, naming the language, when the engine has
    none for it and no voice was asked for.

    Every voice is checked before anything is narrated: pyttsx3 would accept an unknown one
    silently and read the whole article in its default voice. `fingerprint`: the engine's, if
    already asked for (it keys what is kept of the engine's voices).
    """
    known = KnownVoices(engine, engine.fingerprint() if fingerprint is None else fingerprint)
    try:
        return _resolve(known, requested, language)
    finally:
        known.save()


def _resolve(known: KnownVoices, requested: Mapping[Role, str | None], language: str) -> Voices:
    engine = known.engine
    defaults = known.role_voices(language)
    speechless = defaults.get("narrator") is None and not requested.get("narrator")
    if speechless and not language.lower().startswith("en"):
        raise InputError(
                f"the article is in {language_name(language)}, for which {_speaker(engine)} "
                "has no voice; choose a voice with --voice (list them with --voices), or give "
                "--language CODE if it is in another language"
            )
    resolved: Voices = {role: requested.get(role) or defaults.get(role) for role in ROLES}
    for voice in dict.fromkeys(v for v in resolved.values() if v is not None):
        known.check(voice)
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
    _check_name(voice, engine.voices())
    _speak_test(engine, voice)


def _check_name(voice: str, voices: list[Voice]) -> None:
    base = voice.partition("+")[0].lower()
    if not any(base in (known.id.lower(), known.name.lower()) for known in voices):
        raise UnknownVoiceError(voice, [known.id for known in voices])


def _speak_test(engine: Engine, voice: str) -> None:
    test = VoiceSettings(voice=voice)
    if isinstance(engine, EngineProcess):
        engine.synthesize("Test.", test, timeout=START_TIMEOUT_S)
    else:
        engine.synthesize("Test.", test)


class KnownVoices:
    """What `engine` (whose fingerprint is `fingerprint`) says of its voices: asked of it once
    per machine and kept (see the module's docstring); a kept file that does not check out is
    asked again and rewritten."""

    def __init__(self, engine: Engine, fingerprint: str) -> None:
        self.engine = engine
        self._key = repr((engine.name, fingerprint, getattr(engine, "settings", None)))
        self.path = cache_file("voices", self._key, ".json")
        self._data = self._read()
        self._changed = False

    def voices(self) -> list[Voice]:
        if "voices" not in self._data:
            voices = self.engine.voices()
            self._learn("voices", [[v.id, v.name, list(v.languages)] for v in voices])
            return voices
        return [Voice(v[0], v[1], tuple(v[2])) for v in self._data["voices"]]

    def role_voices(self, language: str) -> dict[str, str | None]:
        roles: dict[str, dict[str, str | None]] = self._data.setdefault("roles", {})
        if language not in roles:
            roles[language] = self.engine.role_voices(language)
            self._changed = True
        return dict(roles[language])

    def check(self, voice: str) -> None:
        """`check_voice`, asking the engine to speak only with a voice it has not yet spoken."""
        _check_name(voice, self.voices())
        checked: list[str] = self._data.setdefault("spoke", [])
        if voice not in checked:
            _speak_test(self.engine, voice)
            checked.append(voice)
            self._changed = True

    def save(self) -> None:
        """Keep what was learnt (best effort: the engine is asked again next run otherwise)."""
        if self._changed:
            data = json.dumps({"key": self._key, **self._data}, ensure_ascii=False)
            write_atomically(self.path, [data.encode()])
            self._changed = False

    def _learn(self, name: str, value: Any) -> None:
        self._data[name] = value
        self._changed = True

    def _read(self) -> dict[str, Any]:
        data = read_bytes(self.path)
        try:
            kept = json.loads(data) if data is not None else None
            if not isinstance(kept, dict) or kept.pop("key", None) != self._key:
                return {}
            _valid(kept)
        except (ValueError, TypeError, IndexError, AttributeError):
            return {}  # damaged: asked again, and written again
        return kept


def _valid(kept: dict[str, Any]) -> None:
    """Raise ValueError (or TypeError) unless `kept` has the form `KnownVoices` writes."""
    for v in kept.get("voices", []):
        if not (isinstance(v[0], str) and isinstance(v[1], str) and isinstance(v[2], list)):
            raise ValueError(v)
    for language, roles in kept.get("roles", {}).items():
        if not isinstance(roles, dict) or not all(
            isinstance(r, str) and (x is None or isinstance(x, str)) for r, x in roles.items()
        ):
            raise ValueError(language)
    if not all(isinstance(v, str) for v in kept.get("spoke", [])):
        raise ValueError("spoke")
